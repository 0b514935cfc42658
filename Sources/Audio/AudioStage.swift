/// A block of 16 kHz audio on the session timeline.
public struct AudioChunk: Equatable, Sendable {
    /// Timeline position (16 kHz samples, gaps included) of the first sample.
    public var start: Int64
    /// One array per channel, all the same length, in the negotiated channel order.
    public var channels: [[Float]]

    public init(start: Int64, channels: [[Float]]) {
        self.start = start
        self.channels = channels
    }

    /// Samples per channel.
    public var count: Int { channels.first?.count ?? 0 }
    /// Timeline position just after the last sample.
    public var end: Int64 { start + Int64(count) }
    public var isEmpty: Bool { count == 0 }
}

/// Turns raw wire frames into 16 kHz float audio per channel on a sample-counted timeline.
///
/// The timeline counts input samples plus reported gaps (paused/discarded time), converted to
/// 16 kHz. A gap ends the current contiguous run: the resamplers are flushed (their tail is
/// returned), and the next run starts at `⌊(input samples + gaps) · 16000 / rate⌋`. For 8 kHz and
/// 16 kHz input the conversion is exact. Output does not depend on how bytes are split into frames.
public struct AudioStage: Sendable {
    public static let outputRate = 16_000

    public let format: AudioFormat
    private var resamplers: [Resampler]?   // nil when the input already is 16 kHz
    private var inputTimeline: Int64 = 0   // input-rate samples received + gaps
    private var runStart: Int64 = 0        // 16 kHz position of the current run's first sample
    private var runEmitted: Int64 = 0      // 16 kHz samples emitted in the current run

    public init(format: AudioFormat) throws {
        try format.validate()
        self.format = format
        if format.sampleRate != AudioStage.outputRate {
            resamplers = Array(repeating: Resampler(inputRate: format.sampleRate, outputRate: AudioStage.outputRate),
                               count: format.channels)
        }
    }

    /// Timeline position (16 kHz samples, gaps included) of everything received so far.
    public var position: Int64 { toOutputRate(inputTimeline) }

    /// Timeline position just after the last sample returned so far (lags `position` by the
    /// resampler latency until `gap` or `finish`).
    public var emittedPosition: Int64 { runStart + runEmitted }

    /// Decode one wire frame (any whole number of sample frames, including zero).
    public mutating func append(_ bytes: [UInt8]) throws -> AudioChunk {
        let decoded = try SampleCodec.decode(bytes, format: format)
        inputTimeline += Int64(decoded.first?.count ?? 0)
        guard resamplers != nil else { return emit(decoded) }
        var out: [[Float]] = []
        out.reserveCapacity(decoded.count)
        for c in decoded.indices { out.append(resamplers![c].process(decoded[c])) }
        return emit(out)
    }

    /// Record `inputSamples` (input-rate samples) of paused or discarded time. Returns the
    /// flushed tail of the run the gap ends. A gap of zero changes nothing.
    public mutating func gap(inputSamples: Int64) throws -> AudioChunk {
        guard inputSamples >= 0 else { throw AudioError.negativeGap(inputSamples) }
        // A zero gap (e.g. `discarded: PT0S`) is no discontinuity: keep the run going.
        guard inputSamples > 0 else { return AudioChunk(start: emittedPosition, channels: Array(repeating: [], count: format.channels)) }
        let tail = finishRun()
        inputTimeline += inputSamples
        runStart = toOutputRate(inputTimeline)
        runEmitted = 0
        return tail
    }

    /// End of stream: returns the resampler tails.
    public mutating func finish() -> AudioChunk {
        let tail = finishRun()
        runStart = toOutputRate(inputTimeline)
        runEmitted = 0
        return tail
    }

    private mutating func finishRun() -> AudioChunk {
        guard resamplers != nil else { return AudioChunk(start: emittedPosition, channels: Array(repeating: [], count: format.channels)) }
        var out: [[Float]] = []
        for c in 0..<format.channels { out.append(resamplers![c].flush()) }
        return emit(out)
    }

    private mutating func emit(_ channels: [[Float]]) -> AudioChunk {
        let chunk = AudioChunk(start: emittedPosition, channels: channels)
        runEmitted += Int64(chunk.count)
        return chunk
    }

    private func toOutputRate(_ inputSamples: Int64) -> Int64 {
        inputSamples * Int64(AudioStage.outputRate) / Int64(format.sampleRate)
    }
}
