/// Decoding of raw interleaved frames into per-channel float samples in [-1, 1).
public enum SampleCodec {
    /// Split `bytes` (sample-interleaved, channel order as negotiated) into per-channel 16-bit
    /// samples. Throws `invalidFrameLength` unless the byte count is a whole number of frames;
    /// an empty frame is valid and yields empty channels.
    public static func decodeInt16(_ bytes: [UInt8], format: AudioFormat) throws -> [[Int16]] {
        let frameBytes = format.bytesPerFrame
        guard frameBytes > 0, bytes.count % frameBytes == 0 else {
            throw AudioError.invalidFrameLength(bytes: bytes.count, bytesPerFrame: frameBytes)
        }
        let frames = bytes.count / frameBytes
        let channelCount = format.channels
        var out = [[Int16]](repeating: [Int16](repeating: 0, count: frames), count: channelCount)
        bytes.withUnsafeBufferPointer { src in
            for c in 0..<channelCount {
                out[c].withUnsafeMutableBufferPointer { dst in
                    switch format.encoding {
                    case .pcmu:
                        for i in 0..<frames {
                            dst[i] = MuLaw.decode(src[i * channelCount + c])
                        }
                    case .pcm16le, .l16:
                        for i in 0..<frames {
                            let o = (i * channelCount + c) * 2
                            dst[i] = Int16(bitPattern: UInt16(src[o]) | UInt16(src[o + 1]) << 8)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Same as `decodeInt16` followed by `toFloat`.
    public static func decode(_ bytes: [UInt8], format: AudioFormat) throws -> [[Float]] {
        try decodeInt16(bytes, format: format).map(toFloat)
    }

    /// Scale 16-bit samples to Float in [-1, 1) (division by 32768 is exact).
    public static func toFloat(_ samples: [Int16]) -> [Float] {
        samples.map { Float($0) * (1.0 / 32_768.0) }
    }

    /// Float → 16-bit with rounding to nearest and clipping (the WAV writer and test clients).
    @inline(__always)
    public static func toInt16(_ sample: Float) -> Int16 {
        let scaled = (sample * 32_768).rounded()
        if scaled >= 32_767 { return 32_767 }
        if scaled <= -32_768 { return -32_768 }
        if scaled.isNaN { return 0 }
        return Int16(scaled)
    }

    /// Interleave per-channel 16-bit samples into wire bytes of `encoding` (test clients).
    public static func encode(_ channels: [[Int16]], encoding: AudioEncoding) -> [UInt8] {
        let frames = channels.first?.count ?? 0
        var out: [UInt8] = []
        out.reserveCapacity(frames * channels.count * encoding.bytesPerSample)
        for i in 0..<frames {
            for ch in channels {
                let s = ch[i]
                switch encoding {
                case .pcmu:
                    out.append(MuLaw.encode(s))
                case .pcm16le, .l16:
                    let u = UInt16(bitPattern: s)
                    out.append(UInt8(u & 0xFF))
                    out.append(UInt8(u >> 8))
                }
            }
        }
        return out
    }
}
