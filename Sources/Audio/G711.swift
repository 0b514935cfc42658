/// G.711 µ-law, the AudioHook `PCMU` codec.
public enum MuLaw {
    /// Decoding table: byte → 16-bit linear sample (0xFF and 0x7F decode to 0).
    public static let decodeTable: [Int16] = (0...255).map { decodeSlow(UInt8($0)) }

    @inline(__always)
    public static func decode(_ byte: UInt8) -> Int16 { decodeTable[Int(byte)] }

    static func decodeSlow(_ byte: UInt8) -> Int16 {
        let u = ~byte
        let sign = u & 0x80
        let exponent = Int((u >> 4) & 0x07)
        let mantissa = Int(u & 0x0F)
        let magnitude = ((mantissa << 3) + 0x84) << exponent
        let value = magnitude - 0x84
        return Int16(sign != 0 ? -value : value)
    }

    public static func encode(_ sample: Int16) -> UInt8 {
        let bias = 0x84
        let clip = 32635
        var value = Int(sample)
        let sign: UInt8 = value < 0 ? 0x80 : 0
        if value < 0 { value = -value }
        value = min(value, clip) + bias
        var exponent = 7
        var mask = 0x4000
        while exponent > 0 && value & mask == 0 {
            exponent -= 1
            mask >>= 1
        }
        let mantissa = (value >> (exponent + 3)) & 0x0F
        return ~(sign | UInt8(exponent << 4) | UInt8(mantissa))
    }
}
