import Foundation

public enum AudioError: Error, Equatable, CustomStringConvertible {
    case notWAV(String)
    case unsupportedEncoding(format: Int, bits: Int)
    case truncated(String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .notWAV(let why): return "not a WAV file: \(why)"
        case let .unsupportedEncoding(format, bits):
            return "unsupported WAV encoding (format tag \(format), \(bits) bits); use PCM 8/16/24/32-bit, float 32-bit or µ-law (`sox in.wav -b 16 out.wav` converts)"
        case .truncated(let why): return "WAV file is truncated: \(why)"
        case .unreadable(let why): return "cannot read the file: \(why)"
        }
    }
}

/// Decoded audio: one array per channel, samples in [-1, 1).
public struct AudioBuffer: Equatable, Sendable {
    public var sampleRate: Int
    public var channels: [[Float]]

    public init(sampleRate: Int, channels: [[Float]]) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    public var frameCount: Int { channels.first?.count ?? 0 }
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

/// RIFF/WAVE reading (PCM 8/16/24/32, IEEE float 32, µ-law) and 16-bit PCM writing.
public enum WAVFile {
    public static func read(_ url: URL) throws -> AudioBuffer {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw AudioError.unreadable("\(url.path): \(error.localizedDescription)") }
        return try decode([UInt8](data))
    }

    public static func decode(_ bytes: [UInt8]) throws -> AudioBuffer {
        func u32(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24 }
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        guard bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x41, 0x56, 0x45] else {
            throw AudioError.notWAV("no RIFF/WAVE header")
        }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            var size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard size >= 16, body + 16 <= bytes.count else { throw AudioError.truncated("fmt chunk") }
                var tag = u16(body)
                if tag == 0xFFFE, size >= 40, body + 26 <= bytes.count { tag = u16(body + 24) }  // WAVE_FORMAT_EXTENSIBLE
                format = (tag, u16(body + 2), u32(body + 4), u16(body + 14))
            } else if id == "data" {
                guard let f = format else { throw AudioError.notWAV("data chunk before fmt chunk") }
                // Streaming writers leave the size at 0 or 0xFFFFFFFF: take what is there.
                if size == 0 || size == 0xFFFF_FFFF || body + size > bytes.count { size = bytes.count - body }
                return try samples(Array(bytes[body..<(body + size)]), f)
            }
            offset = body + size + (size & 1)
        }
        throw AudioError.notWAV(format == nil ? "no fmt chunk" : "no data chunk")
    }

    private static func samples(_ data: [UInt8], _ f: (tag: Int, channels: Int, rate: Int, bits: Int)) throws -> AudioBuffer {
        guard f.channels >= 1, f.channels <= 8, f.rate >= 1000, f.rate <= 384_000 else {
            throw AudioError.notWAV("implausible format: \(f.channels) channels at \(f.rate) Hz")
        }
        let width: Int
        switch (f.tag, f.bits) {
        case (1, 8), (7, 8): width = 1
        case (1, 16): width = 2
        case (1, 24): width = 3
        case (1, 32), (3, 32): width = 4
        default: throw AudioError.unsupportedEncoding(format: f.tag, bits: f.bits)
        }
        let frames = data.count / (width * f.channels)
        var channels = [[Float]](repeating: [Float](repeating: 0, count: frames), count: f.channels)
        data.withUnsafeBytes { raw in
            for i in 0..<frames {
                for c in 0..<f.channels {
                    let o = (i * f.channels + c) * width
                    let v: Float
                    switch (f.tag, width) {
                    case (7, 1): v = Float(MuLaw.decode(raw[o])) / 32768
                    case (_, 1): v = (Float(raw[o]) - 128) / 128
                    case (_, 2): v = Float(Int16(bitPattern: UInt16(raw[o]) | UInt16(raw[o + 1]) << 8)) / 32768
                    case (_, 3):
                        let u = Int32(raw[o]) << 8 | Int32(raw[o + 1]) << 16 | Int32(raw[o + 2]) << 24
                        v = Float(u >> 8) / 8_388_608
                    case (3, 4): v = Float(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian)
                    default: v = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int32.self))) / 2_147_483_648
                    }
                    channels[c][i] = v
                }
            }
        }
        return AudioBuffer(sampleRate: f.rate, channels: channels)
    }

    /// 16-bit PCM WAV bytes (samples are clipped to [-1, 1]).
    public static func encode(_ buffer: AudioBuffer) -> [UInt8] {
        let channelCount = buffer.channels.count
        let dataSize = buffer.frameCount * channelCount * 2
        var out: [UInt8] = []
        out.reserveCapacity(44 + dataSize)
        func put32(_ v: Int) { for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> s)) } }
        func put16(_ v: Int) { out.append(UInt8(truncatingIfNeeded: v)); out.append(UInt8(truncatingIfNeeded: v >> 8)) }
        out += Array("RIFF".utf8); put32(36 + dataSize); out += Array("WAVE".utf8)
        out += Array("fmt ".utf8); put32(16); put16(1); put16(channelCount); put32(buffer.sampleRate)
        put32(buffer.sampleRate * channelCount * 2); put16(channelCount * 2); put16(16)
        out += Array("data".utf8); put32(dataSize)
        for i in 0..<buffer.frameCount {
            for c in 0..<channelCount { put16(Int(PCM.int16(buffer.channels[c][i]))) }
        }
        return out
    }
}

/// Sample conversions.
public enum PCM {
    @inline(__always)
    public static func int16(_ x: Float) -> Int16 {
        let scaled = (x * 32768).rounded()
        return Int16(max(-32768, min(32767, scaled)))
    }

    /// Little-endian 16-bit bytes.
    public static func bytesLE(_ samples: [Float]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: samples.count * 2)
        for (i, s) in samples.enumerated() {
            let v = UInt16(bitPattern: int16(s))
            out[2 * i] = UInt8(truncatingIfNeeded: v)
            out[2 * i + 1] = UInt8(truncatingIfNeeded: v >> 8)
        }
        return out
    }

    /// Interleaves channels (equal lengths) and encodes them as µ-law.
    public static func muLawInterleaved(_ channels: [[Float]]) -> [UInt8] {
        let frames = channels.first?.count ?? 0
        var out = [UInt8](repeating: 0, count: frames * channels.count)
        for i in 0..<frames {
            for c in 0..<channels.count { out[i * channels.count + c] = MuLaw.encode(int16(channels[c][i])) }
        }
        return out
    }
}
