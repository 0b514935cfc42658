import Foundation

/// What an utterance's voice sounds like, in a few numbers that differ between two people on one
/// mono line (the seed dialect): the median pitch of its voiced frames and how much of it is
/// voiced. A pure function of the utterance's 16 kHz samples, in plain Swift arithmetic (no BLAS,
/// no vectorized reductions), so live and replay compute the same bits on every machine.
///
/// Pitch is the normalized autocorrelation peak of 40 ms frames every 10 ms, at lags for
/// 70–400 Hz, on the audio decimated to 8 kHz (a quarter of the work; voice pitch is far below
/// 4 kHz). A frame counts as voiced when it is within 30 dB of the utterance's loudest frame and
/// its peak correlation is at least 0.5.
public struct VoiceDescriptor: Codable, Equatable, Sendable {
    /// Median fundamental frequency of the voiced frames, Hz; nil when fewer than 5 frames are voiced.
    public var medianPitch: Double?
    /// Voiced frames / frames with speech energy, in [0, 1].
    public var voicedFraction: Double
    /// Frames the descriptor was computed from (speech-energy frames).
    public var frames: Int

    public init(medianPitch: Double?, voicedFraction: Double, frames: Int) {
        (self.medianPitch, self.voicedFraction, self.frames) = (medianPitch, voicedFraction, frames)
    }

    /// Written into the session header (`voice`): a change here changes mono calls' roles, so a replay of an older
    /// journal says why its analysis differs. Bump with any change to what `describe` or `reliablePitch` returns.
    public static let version = "pitch-1 (autocorrelation at 8 kHz, 40 ms frames every 10 ms, 70-400 Hz, median of voiced frames, reliable from 20)"

    static let rate = 8000
    static let frameLength = 320      // 40 ms at 8 kHz
    static let hop = 80               // 10 ms
    static let minLag = 20            // 400 Hz
    static let maxLag = 114           // 70 Hz
    static let minimumVoicedFrames = 5

    /// The descriptor of `samples` (16 kHz mono in [-1, 1)).
    public static func describe(_ samples: [Float]) -> VoiceDescriptor {
        // Decimate by 2 after a 5-tap low-pass (binomial 1 4 6 4 1): enough to keep 4–8 kHz out of the pitch range.
        var audio: [Float] = []
        audio.reserveCapacity(samples.count / 2)
        var i = 2
        while i + 2 < samples.count {
            let s = samples[i - 2] + 4 * samples[i - 1] + 6 * samples[i] + 4 * samples[i + 1] + samples[i + 2]
            audio.append(s / 16)
            i += 2
        }
        guard audio.count >= frameLength + maxLag else { return VoiceDescriptor(medianPitch: nil, voicedFraction: 0, frames: 0) }
        var energies: [Float] = []
        var starts: [Int] = []
        var start = 0
        while start + frameLength + maxLag <= audio.count {
            var e: Float = 0
            for t in start..<(start + frameLength) { e += audio[t] * audio[t] }
            energies.append(e)
            starts.append(start)
            start += hop
        }
        let loudest = energies.max() ?? 0
        guard loudest > 0 else { return VoiceDescriptor(medianPitch: nil, voicedFraction: 0, frames: 0) }
        let floor = loudest * 0.001  // 30 dB below the loudest frame
        var pitches: [Double] = []
        var speechFrames = 0
        for (k, from) in starts.enumerated() where energies[k] >= floor {
            speechFrames += 1
            if let pitch = framePitch(audio, from: from) { pitches.append(pitch) }
        }
        let fraction = speechFrames == 0 ? 0 : Double(pitches.count) / Double(speechFrames)
        guard pitches.count >= minimumVoicedFrames else { return VoiceDescriptor(medianPitch: nil, voicedFraction: fraction, frames: speechFrames) }
        pitches.sort()
        let median = pitches.count % 2 == 1 ? pitches[pitches.count / 2] : (pitches[pitches.count / 2 - 1] + pitches[pitches.count / 2]) / 2
        return VoiceDescriptor(medianPitch: (median * 10).rounded() / 10, voicedFraction: (fraction * 1000).rounded() / 1000, frames: speechFrames)
    }

    /// The frame's pitch in Hz, or nil when it is not voiced: the lag of the highest normalized
    /// autocorrelation, refined by a parabola through its neighbours. Of peaks within 10 % of the
    /// highest, the shortest lag wins, so a period's double (an octave down) is not taken for it.
    static func framePitch(_ audio: [Float], from: Int) -> Double? {
        var scores = [Double](repeating: 0, count: maxLag + 2)
        var energy0: Double = 0
        for t in from..<(from + frameLength) { energy0 += Double(audio[t]) * Double(audio[t]) }
        guard energy0 > 0 else { return nil }
        var best = 0.0
        for lag in (minLag - 1)...(maxLag + 1) {
            var cross: Double = 0, energy1: Double = 0
            for t in from..<(from + frameLength) {
                cross += Double(audio[t]) * Double(audio[t + lag])
                energy1 += Double(audio[t + lag]) * Double(audio[t + lag])
            }
            let r = energy1 > 0 ? cross / (energy0 * energy1).squareRoot() : 0
            scores[lag] = r
            if lag >= minLag, lag <= maxLag { best = max(best, r) }
        }
        guard best >= 0.5 else { return nil }
        for lag in minLag...maxLag where scores[lag] >= 0.9 * best && scores[lag] >= scores[lag - 1] && scores[lag] >= scores[lag + 1] {
            let (a, b, c) = (scores[lag - 1], scores[lag], scores[lag + 1])
            let denominator = a - 2 * b + c
            let offset = denominator == 0 ? 0 : max(-0.5, min(0.5, 0.5 * (a - c) / denominator))
            return Double(rate) / (Double(lag) + offset)
        }
        return nil
    }

    /// Voiced frames (10 ms each) before the median pitch is trusted to tell two speakers apart: a quick "yes" has
    /// too few for its median to be more than its intonation.
    public static let reliableVoicedFrames = 20

    /// The median pitch when at least `reliableVoicedFrames` frames were voiced, else nil.
    public var reliablePitch: Double? {
        guard let pitch = medianPitch, (voicedFraction * Double(frames)).rounded() >= Double(Self.reliableVoicedFrames) else { return nil }
        return pitch
    }

    /// How far apart two voices' pitches are, in octaves (nil when either has none).
    public func pitchDistance(to other: VoiceDescriptor) -> Double? {
        guard let a = medianPitch, let b = other.medianPitch, a > 0, b > 0 else { return nil }
        return abs(log2(a / b))
    }
}
