/// G.711 µ-law (ITU-T G.711, the table the AudioHook reference uses: 0xFF and 0x7F decode to 0).
public enum MuLaw {
    /// Decode table: µ-law byte → 16-bit linear sample (range ±32124).
    public static let decodeTable: [Int16] = (0...255).map { decodeSlow(UInt8($0)) }

    @inline(__always)
    public static func decode(_ byte: UInt8) -> Int16 { decodeTable[Int(byte)] }

    private static func decodeSlow(_ byte: UInt8) -> Int16 {
        let u = Int(~byte)
        let exponent = (u >> 4) & 0x07
        let mantissa = u & 0x0F
        let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
        return Int16(u & 0x80 != 0 ? -magnitude : magnitude)
    }

    private static let bias = 0x84
    private static let clip = 32_635

    /// Encode a 16-bit linear sample (used by test clients and by the WAV µ-law path).
    public static func encode(_ sample: Int16) -> UInt8 {
        var value = Int(sample)
        let sign = value < 0 ? 0x80 : 0
        if value < 0 { value = -value }
        value = min(value, clip) + bias
        var exponent = 7
        var mask = 0x4000
        while exponent > 0 && value & mask == 0 {
            exponent -= 1
            mask >>= 1
        }
        let mantissa = (value >> (exponent + 3)) & 0x0F
        return ~UInt8(sign | (exponent << 4) | mantissa)
    }
}
