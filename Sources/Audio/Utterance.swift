/// A stretch of speech on one channel, on the 16 kHz session timeline.
public struct Utterance: Equatable, Sendable {
    /// Channel index in the negotiated order (AudioHook: 0 = first selected channel).
    public var channel: Int
    /// First sample (inclusive), 16 kHz timeline including gaps.
    public var startSample: Int64
    /// One past the last sample; always `startSample + samples.count`.
    public var endSample: Int64
    /// 16 kHz mono audio in [-1, 1), pre-roll and post-roll included.
    public var samples: [Float]

    public init(channel: Int, startSample: Int64, samples: [Float]) {
        self.channel = channel
        self.startSample = startSample
        self.endSample = startSample + Int64(samples.count)
        self.samples = samples
    }

    /// Duration in seconds.
    public var duration: Double { Double(endSample - startSample) / Double(AudioStage.outputRate) }
}
