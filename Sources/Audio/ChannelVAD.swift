/// One analysis frame of one channel.
struct VADFrame: Sendable {
    var start: Int64
    var samples: [Float]
    /// Mean square of the samples scaled to 16-bit integers (integer, so decisions are exact).
    var energy: Int64
    var speech: Bool = false

    init(start: Int64, samples: ArraySlice<Float>) {
        self.start = start
        self.samples = Array(samples)
        var sum: Int64 = 0
        for s in samples {
            let v = Int64(max(-32_768, min(32_767, s * 32_768)))
            sum += v * v
        }
        energy = samples.isEmpty ? 0 : sum / Int64(samples.count)
    }
}

/// The per-channel VAD state machine: silence ⇄ speech with onset, hangover, pre/post-roll,
/// noise-floor tracking and forced cuts at the maximum length.
struct ChannelVAD: Sendable {
    let channel: Int
    let startRatioQ8: Int64
    let continueRatioQ8: Int64
    let absoluteEnergy: Int64
    let onsetFrames: Int
    let hangoverFrames: Int
    let preRollFrames: Int
    let postRollFrames: Int
    let minimumSpeechFrames: Int
    let maximumFrames: Int
    let cutSearchFrames: Int
    let noiseRiseShift: Int
    let speechNoiseRiseShift: Int

    private(set) var noiseFloor: Int64?
    private var inSpeech = false
    private var recent: [VADFrame] = []      // silence state: candidate pre-roll + onset frames
    private var onsetCount = 0
    private var frames: [VADFrame] = []      // speech state: the open utterance
    private var speechFrames = 0
    private var lastSpeech = -1              // index in `frames` of the last speech frame
    private var silenceRun = 0

    init(channel: Int, configuration c: SegmenterConfiguration) {
        self.channel = channel
        startRatioQ8 = SegmenterConfiguration.ratioQ8(c.startThresholdDB)
        continueRatioQ8 = SegmenterConfiguration.ratioQ8(c.continueThresholdDB)
        absoluteEnergy = SegmenterConfiguration.energy(dBFS: c.absoluteThresholdDBFS)
        onsetFrames = c.onsetFrames
        hangoverFrames = max(1, c.frames(c.hangoverMilliseconds))
        preRollFrames = c.frames(c.preRollMilliseconds)
        postRollFrames = min(c.frames(c.postRollMilliseconds), max(1, c.frames(c.hangoverMilliseconds)))
        minimumSpeechFrames = c.frames(c.minimumSpeechMilliseconds)
        maximumFrames = c.maximumUtteranceMilliseconds / c.frameMilliseconds
        cutSearchFrames = max(1, c.frames(c.cutSearchMilliseconds))
        noiseRiseShift = c.noiseRiseShift
        speechNoiseRiseShift = c.speechNoiseRiseShift
    }

    private func isSpeech(_ energy: Int64, ratioQ8: Int64) -> Bool {
        let floor = noiseFloor ?? energy
        return energy >= absoluteEnergy && energy >= (floor * ratioQ8) >> 8
    }

    private mutating func trackNoise(_ f: VADFrame) {
        guard let floor = noiseFloor else { noiseFloor = max(1, f.energy); return }
        if f.speech {
            if f.energy > floor { noiseFloor = floor + ((f.energy - floor) >> Int64(speechNoiseRiseShift)) }
        } else if f.energy < floor {
            noiseFloor = max(1, f.energy)  // fall at once: the floor is a running minimum
        } else if f.energy > floor {
            noiseFloor = floor + max(1, (f.energy - floor) >> Int64(noiseRiseShift))
        }
    }

    mutating func process(_ frame: VADFrame) -> Utterance? {
        var f = frame
        if !inSpeech {
            f.speech = isSpeech(f.energy, ratioQ8: startRatioQ8)
            trackNoise(f)
            onsetCount = f.speech ? onsetCount + 1 : 0
            recent.append(f)
            if recent.count > preRollFrames + onsetFrames { recent.removeFirst(recent.count - preRollFrames - onsetFrames) }
            if onsetCount >= onsetFrames {
                inSpeech = true
                frames = recent
                recent = []
                speechFrames = onsetCount
                lastSpeech = frames.count - 1
                silenceRun = 0
                onsetCount = 0
            }
            return nil
        }
        f.speech = isSpeech(f.energy, ratioQ8: continueRatioQ8)
        trackNoise(f)
        frames.append(f)
        if f.speech {
            speechFrames += 1
            lastSpeech = frames.count - 1
            silenceRun = 0
        } else {
            silenceRun += 1
        }
        if silenceRun >= hangoverFrames { return close() }
        if frames.count >= maximumFrames { return forcedCut() }
        return nil
    }

    /// End of a contiguous run (gap or end of stream): emit the open utterance.
    mutating func endRun() -> Utterance? {
        let u = inSpeech ? close() : nil
        recent = []
        onsetCount = 0
        return u
    }

    private mutating func close() -> Utterance? {
        let keep = lastSpeech >= 0 ? min(frames.count, lastSpeech + 1 + postRollFrames) : 0
        let result = speechFrames >= minimumSpeechFrames && keep > 0 ? makeUtterance(frames[0..<keep]) : nil
        recent = Array(frames[keep...].suffix(preRollFrames + onsetFrames))
        frames = []
        inSpeech = false
        onsetCount = 0
        speechFrames = 0
        lastSpeech = -1
        silenceRun = 0
        return result
    }

    /// Cut at the quietest frame of the last `cutSearchFrames` (earliest on ties); the rest stays open.
    private mutating func forcedCut() -> Utterance? {
        let lower = max(1, frames.count - cutSearchFrames)
        var cut = frames.count - 1
        for i in lower..<frames.count where frames[i].energy < frames[cut].energy { cut = i }
        let head = frames[0...cut]
        let headSpeech = head.reduce(0) { $0 + ($1.speech ? 1 : 0) }
        let result = headSpeech >= minimumSpeechFrames ? makeUtterance(head) : nil
        frames = Array(frames[(cut + 1)...])
        speechFrames -= headSpeech
        lastSpeech -= cut + 1
        if frames.isEmpty || lastSpeech < 0 {
            // Nothing spoken after the cut: fall back to silence, keeping pre-roll context.
            recent = Array(frames.suffix(preRollFrames + onsetFrames))
            frames = []
            inSpeech = false
            speechFrames = 0
            lastSpeech = -1
            silenceRun = 0
        }
        return result
    }

    private func makeUtterance(_ slice: ArraySlice<VADFrame>) -> Utterance {
        var samples: [Float] = []
        samples.reserveCapacity(slice.reduce(0) { $0 + $1.samples.count })
        for f in slice { samples.append(contentsOf: f.samples) }
        return Utterance(channel: channel, startSample: slice.first!.start, samples: samples)
    }
}
