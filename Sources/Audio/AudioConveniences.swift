/// Whole-signal helpers for clients and tools (tapedeck send, transcribe, benchmarks), built on
/// the streaming pieces: the live pipeline uses AudioStage and Segmenter directly.
extension WAVAudio {
    /// Audio made in memory (synthesised or already decoded).
    public init(sampleRate: Int, channels: [[Float]]) {
        self.init(sampleRate: sampleRate, encoding: .float32, channels: channels)
    }

    public var duration: Double { Double(frameCount) / Double(sampleRate) }

    /// All channels averaged into one.
    public var mono: [Float] {
        guard channels.count > 1 else { return channels.first ?? [] }
        var out = [Float](repeating: 0, count: frameCount)
        for channel in channels { for i in 0..<out.count { out[i] += channel[i] } }
        let scale = 1 / Float(channels.count)
        for i in 0..<out.count { out[i] *= scale }
        return out
    }
}

extension Resampler {
    /// Converts a complete signal; the output has exactly `outputLength(forInput:)` samples and
    /// is centred on the input (a click stays at the same time).
    public static func convert(_ samples: [Float], from inputRate: Int, to outputRate: Int) -> [Float] {
        guard inputRate != outputRate else { return samples }
        var resampler = Resampler(inputRate: inputRate, outputRate: outputRate)
        return resampler.process(samples) + resampler.flush()
    }
}

/// Encoders for what clients send.
public enum PCM {
    /// 16-bit little-endian bytes.
    public static func bytesLE(_ samples: [Float]) -> [UInt8] {
        SampleCodec.encode([samples.map(SampleCodec.toInt16)], encoding: .pcm16le)
    }

    /// Channels (equal lengths) interleaved and µ-law encoded.
    public static func muLawInterleaved(_ channels: [[Float]]) -> [UInt8] {
        SampleCodec.encode(channels.map { $0.map(SampleCodec.toInt16) }, encoding: .pcmu)
    }
}
