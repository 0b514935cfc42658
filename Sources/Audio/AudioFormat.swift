/// Sample encodings accepted on the wire.
///
/// - `pcm16le`: 16-bit signed linear, little-endian (the seed dialect's `audio/pcm`).
/// - `pcmu`: G.711 µ-law, one byte per sample (AudioHook `PCMU`).
/// - `l16`: 16-bit signed linear (AudioHook `L16`). RFC 3551 defines L16 as big-endian, but the
///   AudioHook reference server reads it with a host-order `Int16Array`, i.e. little-endian on
///   every platform it runs on; we follow the reference, so `l16` decodes exactly like `pcm16le`.
public enum AudioEncoding: String, Codable, Hashable, Sendable, CaseIterable {
    case pcm16le
    case pcmu
    case l16

    /// Bytes one sample of one channel occupies.
    public var bytesPerSample: Int {
        switch self {
        case .pcm16le, .l16: return 2
        case .pcmu: return 1
        }
    }
}

/// The negotiated media format of a stream. Multi-channel audio is sample-interleaved in the
/// negotiated channel order (AudioHook: the order of the selected `channels` array).
public struct AudioFormat: Codable, Hashable, Sendable, CustomStringConvertible {
    public var encoding: AudioEncoding
    public var sampleRate: Int
    public var channels: Int

    public init(encoding: AudioEncoding, sampleRate: Int, channels: Int) {
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// The seed dialect's `audio/pcm`: 16 kHz mono PCM16LE.
    public static let seedPCM = AudioFormat(encoding: .pcm16le, sampleRate: 16_000, channels: 1)
    /// AudioHook telephony audio: 8 kHz µ-law, `channels` 1 or 2.
    public static func audioHookPCMU(channels: Int) -> AudioFormat {
        AudioFormat(encoding: .pcmu, sampleRate: 8_000, channels: channels)
    }

    /// Bytes one sample frame (one sample of every channel) occupies.
    public var bytesPerFrame: Int { encoding.bytesPerSample * channels }

    public var description: String { "\(encoding.rawValue)/\(sampleRate)/\(channels)ch" }

    /// Throws unless the format is one `AudioStage` can process.
    public func validate() throws {
        guard (1...2).contains(channels) else {
            throw AudioError.unsupportedFormat("\(channels) channels (1 or 2 supported)")
        }
        guard sampleRate >= 4_000 && sampleRate <= 192_000 else {
            throw AudioError.unsupportedFormat("sample rate \(sampleRate) Hz (4000…192000 supported)")
        }
    }
}
