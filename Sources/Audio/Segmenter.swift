import Foundation

/// Voice-activity settings. Everything is in 16 kHz samples or 20 ms frames, so the same audio
/// gives the same utterances on every machine and for every way the audio was chunked.
public struct SegmenterConfiguration: Codable, Equatable, Sendable, CustomStringConvertible {
    /// A frame is speech when it is this many dB above the tracked noise floor…
    public var thresholdAboveFloorDB = 12.0
    /// …and above this absolute level (dBFS), so near-silence never counts.
    public var absoluteFloorDBFS = -50.0
    /// Consecutive speech frames needed to start an utterance (3 = 60 ms).
    public var startFrames = 3
    /// Consecutive non-speech frames that end it (25 = 500 ms of hangover).
    public var hangoverFrames = 25
    /// Audio kept before the first speech frame and after the last one.
    public var prerollSamples = 3200
    public var tailSamples = 3200
    /// Utterances shorter than this are dropped (clicks, coughs).
    public var minimumSamples = 4000
    /// Utterances are cut at this length, so Whisper's 30 s window always holds them.
    public var maximumSamples = 25 * 16000

    public init() {}
    public static let `default` = SegmenterConfiguration()

    public var description: String {
        "vad-energy/1 thr=\(thresholdAboveFloorDB) abs=\(absoluteFloorDBFS) start=\(startFrames) hang=\(hangoverFrames) pre=\(prerollSamples) tail=\(tailSamples) min=\(minimumSamples) max=\(maximumSamples)"
    }
}

/// One stretch of speech on one channel, on the session timeline (16 kHz samples, gaps included).
public struct Utterance: Equatable, Sendable {
    public var channel: Int
    public var startSample: Int64
    public var endSample: Int64
    public var samples: [Float]

    public var startSeconds: Double { Double(startSample) / 16000 }
    public var endSeconds: Double { Double(endSample) / 16000 }
}

/// Energy-based voice activity detection with a tracked noise floor, for one channel.
public struct Segmenter: Sendable {
    public static let frameSamples = 320
    public let channel: Int
    public let configuration: SegmenterConfiguration

    private var pending: [Float] = []          // samples not yet forming a whole frame
    private var nextPosition: Int64 = 0        // timeline position of pending[0]
    private var history: [Float] = []          // recent audio, for preroll and the open utterance
    private var historyStart: Int64 = 0
    private var floorDB = -70.0
    private var speechRun = 0
    private var silenceRun = 0
    private var open: (start: Int64, lastSpeechEnd: Int64)?

    public init(channel: Int = 0, configuration: SegmenterConfiguration = .default) {
        self.channel = channel
        self.configuration = configuration
    }

    /// Feeds samples starting at timeline `position`. A position past the end of what was fed
    /// before is a gap (pause, discarded audio): it ends any open utterance.
    public mutating func append(_ samples: [Float], at position: Int64) -> [Utterance] {
        var out: [Utterance] = []
        if position != nextPosition + Int64(pending.count) {
            out += flush()
            pending = []
            history = []
            nextPosition = position
            historyStart = position
        }
        pending += samples
        var consumed = 0
        while pending.count - consumed >= Self.frameSamples {
            let frame = Array(pending[consumed..<(consumed + Self.frameSamples)])
            out += process(frame, at: nextPosition)
            nextPosition += Int64(Self.frameSamples)
            consumed += Self.frameSamples
        }
        pending.removeFirst(consumed)
        return out
    }

    /// Ends the stream: emits the open utterance, if any.
    public mutating func flush() -> [Utterance] {
        guard let current = open else { return [] }
        open = nil
        speechRun = 0
        silenceRun = 0
        return emit(start: current.start, end: min(current.lastSpeechEnd + Int64(configuration.tailSamples), historyEnd))
    }

    private var historyEnd: Int64 { historyStart + Int64(history.count) }

    private mutating func process(_ frame: [Float], at position: Int64) -> [Utterance] {
        history += frame
        var energy = 0.0
        for x in frame { energy += Double(x) * Double(x) }
        let db = 10 * log10(energy / Double(frame.count) + 1e-10)
        let isSpeech = db > floorDB + configuration.thresholdAboveFloorDB && db > configuration.absoluteFloorDBFS
        // The floor follows quiet frames quickly and loud ones slowly, so speech barely lifts it.
        if db < floorDB { floorDB = 0.7 * floorDB + 0.3 * db } else if !isSpeech { floorDB += 0.02 * (db - floorDB) } else { floorDB += 0.002 * (db - floorDB) }
        var out: [Utterance] = []
        let frameEnd = position + Int64(frame.count)
        if isSpeech {
            speechRun += 1
            silenceRun = 0
            if open == nil, speechRun >= configuration.startFrames {
                let firstSpeech = frameEnd - Int64(speechRun * Self.frameSamples)
                open = (max(historyStart, firstSpeech - Int64(configuration.prerollSamples)), frameEnd)
            }
            open?.lastSpeechEnd = frameEnd
        } else {
            speechRun = 0
            silenceRun += 1
            if let current = open, silenceRun >= configuration.hangoverFrames {
                out += emit(start: current.start, end: min(current.lastSpeechEnd + Int64(configuration.tailSamples), frameEnd))
                open = nil
            }
        }
        if let current = open, frameEnd - current.start >= Int64(configuration.maximumSamples) {
            // Too long for one recognition window: cut here and carry on with a fresh utterance.
            out += emit(start: current.start, end: frameEnd)
            open = isSpeech ? (frameEnd, frameEnd) : nil
        }
        trimHistory()
        return out
    }

    private mutating func emit(start: Int64, end: Int64) -> [Utterance] {
        guard end - start >= Int64(configuration.minimumSamples) else { return [] }
        let from = Int(max(0, start - historyStart)), to = Int(min(Int64(history.count), end - historyStart))
        guard to > from else { return [] }
        return [Utterance(channel: channel, startSample: start, endSample: end, samples: Array(history[from..<to]))]
    }

    /// Keeps only what a future utterance can still need: the open one, or the preroll.
    private mutating func trimHistory() {
        let keepFrom = open?.start ?? (historyEnd - Int64(configuration.prerollSamples + configuration.startFrames * Self.frameSamples))
        let drop = Int(max(0, keepFrom - historyStart))
        if drop > 16000 {
            history.removeFirst(drop)
            historyStart += Int64(drop)
        }
    }
}
