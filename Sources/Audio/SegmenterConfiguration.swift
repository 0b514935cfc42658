import Foundation

/// Tunables of the energy VAD. All times are milliseconds at 16 kHz and are rounded to whole
/// frames; thresholds are in dB. `description` is stable and goes into journal headers so a
/// replay can tell whether it segments the same way.
public struct SegmenterConfiguration: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Analysis frame length.
    public var frameMilliseconds: Int = 20
    /// A frame starts speech when its energy is this far above the noise floor …
    public var startThresholdDB: Double = 9
    /// … and continues speech (hysteresis) when this far above it.
    public var continueThresholdDB: Double = 6
    /// … and in either case is at least this loud (dB relative to full-scale mean square).
    public var absoluteThresholdDBFS: Double = -50
    /// Consecutive speech frames needed to open an utterance (rejects clicks).
    public var onsetFrames: Int = 3
    /// Non-speech time after the last speech frame that closes an utterance.
    public var hangoverMilliseconds: Int = 400
    /// Audio kept before the first speech frame.
    public var preRollMilliseconds: Int = 100
    /// Audio kept after the last speech frame (at most the hangover).
    public var postRollMilliseconds: Int = 80
    /// Utterances with less speech than this are dropped.
    public var minimumSpeechMilliseconds: Int = 200
    /// Longest utterance; longer speech is cut (Whisper's window is 30 s).
    public var maximumUtteranceMilliseconds: Int = 25_000
    /// A forced cut happens at the quietest frame within this much time before the maximum.
    public var cutSearchMilliseconds: Int = 4_000
    /// Noise-floor rise rate outside speech: floor += (energy − floor) / 2^shift per frame.
    public var noiseRiseShift: Int = 5
    /// Noise-floor rise rate inside speech (much slower so long speech is not absorbed).
    public var speechNoiseRiseShift: Int = 11

    public init() {}

    public static let `default` = SegmenterConfiguration()

    public var frameSamples: Int { AudioStage.outputRate * frameMilliseconds / 1000 }
    func frames(_ ms: Int) -> Int { max(0, (ms + frameMilliseconds / 2) / frameMilliseconds) }

    /// Stable one-line form: fixed key order, no locale-dependent formatting.
    public var description: String {
        func db(_ v: Double) -> String { String(Int((v * 100).rounded())) + "cB" }
        return [
            "vad1",
            "frame=\(frameMilliseconds)ms",
            "start=\(db(startThresholdDB))",
            "continue=\(db(continueThresholdDB))",
            "absolute=\(db(absoluteThresholdDBFS))",
            "onset=\(onsetFrames)f",
            "hangover=\(hangoverMilliseconds)ms",
            "preroll=\(preRollMilliseconds)ms",
            "postroll=\(postRollMilliseconds)ms",
            "minspeech=\(minimumSpeechMilliseconds)ms",
            "max=\(maximumUtteranceMilliseconds)ms",
            "cutsearch=\(cutSearchMilliseconds)ms",
            "rise=\(noiseRiseShift)/\(speechNoiseRiseShift)",
        ].joined(separator: " ")
    }

    /// Checks the values make sense; the segmenter traps on invalid ones otherwise.
    public func validate() throws {
        func fail(_ s: String) -> AudioError { .unsupportedFormat("segmenter configuration: " + s) }
        guard frameMilliseconds >= 5, frameMilliseconds <= 100, (AudioStage.outputRate * frameMilliseconds) % 1000 == 0 else {
            throw fail("frameMilliseconds must be 5…100 and a whole number of samples")
        }
        guard onsetFrames >= 1 else { throw fail("onsetFrames must be ≥ 1") }
        guard frames(maximumUtteranceMilliseconds) > max(frames(cutSearchMilliseconds), onsetFrames + frames(preRollMilliseconds)) else {
            throw fail("maximumUtteranceMilliseconds must exceed cutSearch and pre-roll")
        }
        guard (0...30).contains(noiseRiseShift), (0...30).contains(speechNoiseRiseShift) else {
            throw fail("rise shifts must be 0…30")
        }
    }

    /// `10^(dB/10)` as a Q8 fixed-point ratio. Rounding to an integer makes the decision
    /// thresholds identical on every platform even if `pow` differs in its last bit.
    static func ratioQ8(_ dB: Double) -> Int64 { Int64((pow(10, dB / 10) * 256).rounded()) }
    /// Absolute threshold as a mean-square energy of 16-bit samples.
    static func energy(dBFS: Double) -> Int64 { Int64((pow(10, dBFS / 10) * 1_073_741_824).rounded()) }
}
