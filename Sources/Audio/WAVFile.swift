import Foundation

/// Decoded contents of a WAV file.
public struct WAVAudio: Equatable, Sendable {
    /// How the samples were stored in the file.
    public enum SampleEncoding: String, Equatable, Sendable { case pcm8, pcm16, pcm24, pcm32, float32, muLaw }
    public var sampleRate: Int
    public var encoding: SampleEncoding
    /// Per-channel samples in [-1, 1] (float WAVs are passed through unclipped).
    public var channels: [[Float]]

    public init(sampleRate: Int, encoding: SampleEncoding, channels: [[Float]]) {
        self.sampleRate = sampleRate
        self.encoding = encoding
        self.channels = channels
    }

    public var frameCount: Int { channels.first?.count ?? 0 }
}

/// RIFF/WAVE reading (PCM 8/16/24/32-bit, IEEE float 32, µ-law; any rate and channel count;
/// WAVE_FORMAT_EXTENSIBLE included) and PCM16 writing.
public enum WAVFile {
    public static func read(_ url: URL) throws -> WAVAudio {
        try decode([UInt8](Data(contentsOf: url)))
    }

    public static func decode(_ bytes: [UInt8]) throws -> WAVAudio {
        guard bytes.count >= 12, tag(bytes, 0) == "RIFF", tag(bytes, 8) == "WAVE" else { throw AudioError.notWAV }
        var offset = 12
        var fmt: (tag: UInt16, channels: Int, rate: Int, blockAlign: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = tag(bytes, offset)
            let size = Int(u32(bytes, offset + 4))
            let body = offset + 8
            let available = bytes.count - body
            if id == "data" {
                guard let f = fmt else { throw AudioError.missingFormatChunk }
                guard size <= available else { throw AudioError.truncated(chunk: id, declared: size, available: available) }
                return try decodeSamples(bytes[body..<(body + size)], format: f)
            }
            guard size <= available else { throw AudioError.truncated(chunk: id, declared: size, available: available) }
            if id == "fmt " {
                guard size >= 16 else { throw AudioError.invalidWAVHeader("chunk is \(size) bytes, need ≥ 16") }
                var formatTag = u16(bytes, body)
                let channels = Int(u16(bytes, body + 2))
                let rate = Int(u32(bytes, body + 4))
                let blockAlign = Int(u16(bytes, body + 12))
                let bits = Int(u16(bytes, body + 14))
                if formatTag == 0xFFFE {
                    // WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the subformat GUID.
                    guard size >= 40 else { throw AudioError.invalidWAVHeader("extensible chunk is \(size) bytes, need 40") }
                    formatTag = u16(bytes, body + 24)
                }
                guard channels > 0 else { throw AudioError.invalidWAVHeader("zero channels") }
                guard rate > 0 else { throw AudioError.invalidWAVHeader("zero sample rate") }
                guard bits > 0, blockAlign == channels * ((bits + 7) / 8) else {
                    throw AudioError.invalidWAVHeader("block align \(blockAlign) does not match \(channels) channels × \(bits) bits")
                }
                fmt = (formatTag, channels, rate, blockAlign, bits)
            }
            offset = body + size + (size & 1)  // chunks are word-aligned
        }
        throw fmt == nil ? AudioError.missingFormatChunk : AudioError.missingDataChunk
    }

    private static func decodeSamples(_ data: ArraySlice<UInt8>, format f: (tag: UInt16, channels: Int, rate: Int, blockAlign: Int, bits: Int)) throws -> WAVAudio {
        let encoding: WAVAudio.SampleEncoding
        switch (f.tag, f.bits) {
        case (1, 8): encoding = .pcm8
        case (1, 16): encoding = .pcm16
        case (1, 24): encoding = .pcm24
        case (1, 32): encoding = .pcm32
        case (3, 32): encoding = .float32
        case (7, 8): encoding = .muLaw
        default: throw AudioError.unsupportedWAVEncoding(formatTag: f.tag, bitsPerSample: f.bits)
        }
        let frames = data.count / f.blockAlign  // a trailing partial frame is ignored
        let width = f.blockAlign / f.channels
        var channels = [[Float]](repeating: [Float](repeating: 0, count: frames), count: f.channels)
        let base = data.startIndex
        for c in 0..<f.channels {
            for i in 0..<frames {
                let o = base + i * f.blockAlign + c * width
                let value: Float
                switch encoding {
                case .pcm8: value = (Float(data[o]) - 128) / 128
                case .pcm16: value = Float(Int16(bitPattern: UInt16(data[o]) | UInt16(data[o + 1]) << 8)) / 32_768
                case .pcm24:
                    let raw = Int32(bitPattern: UInt32(data[o]) << 8 | UInt32(data[o + 1]) << 16 | UInt32(data[o + 2]) << 24)
                    value = Float(raw >> 8) / 8_388_608
                case .pcm32:
                    let raw = Int32(bitPattern: UInt32(data[o]) | UInt32(data[o + 1]) << 8 | UInt32(data[o + 2]) << 16 | UInt32(data[o + 3]) << 24)
                    value = Float(Double(raw) / 2_147_483_648)
                case .float32:
                    value = Float(bitPattern: UInt32(data[o]) | UInt32(data[o + 1]) << 8 | UInt32(data[o + 2]) << 16 | UInt32(data[o + 3]) << 24)
                case .muLaw: value = Float(MuLaw.decode(data[o])) / 32_768
                }
                channels[c][i] = value
            }
        }
        return WAVAudio(sampleRate: f.rate, encoding: encoding, channels: channels)
    }

    /// Encode per-channel float samples as a 16-bit PCM WAV (rounded, clipped).
    public static func encodePCM16(channels: [[Float]], sampleRate: Int) throws -> [UInt8] {
        guard !channels.isEmpty, channels.allSatisfy({ $0.count == channels[0].count }) else { throw AudioError.channelLengthMismatch }
        let frames = channels[0].count
        let dataSize = frames * channels.count * 2
        var out: [UInt8] = []
        out.reserveCapacity(44 + dataSize)
        func put32(_ v: Int) { for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8((v >> s) & 0xFF)) } }
        func put16(_ v: Int) { out.append(UInt8(v & 0xFF)); out.append(UInt8((v >> 8) & 0xFF)) }
        out += Array("RIFF".utf8); put32(36 + dataSize); out += Array("WAVE".utf8)
        out += Array("fmt ".utf8); put32(16); put16(1); put16(channels.count); put32(sampleRate)
        put32(sampleRate * channels.count * 2); put16(channels.count * 2); put16(16)
        out += Array("data".utf8); put32(dataSize)
        for i in 0..<frames {
            for ch in channels { put16(Int(UInt16(bitPattern: SampleCodec.toInt16(ch[i])))) }
        }
        return out
    }

    public static func write(_ url: URL, channels: [[Float]], sampleRate: Int) throws {
        try Data(encodePCM16(channels: channels, sampleRate: sampleRate)).write(to: url)
    }

    private static func tag(_ b: [UInt8], _ o: Int) -> String {
        String(decoding: b[o..<(o + 4)], as: UTF8.self)
    }
    private static func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}
