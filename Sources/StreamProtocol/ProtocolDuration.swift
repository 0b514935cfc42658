/// AudioHook durations: ISO 8601 in the seconds-only form the reference accepts
/// (`^PT(\d*\.)?\d+S$`, e.g. `PT0S`, `PT1.25S`), held exactly as microseconds.
public struct ProtocolDuration: Equatable, Comparable, Hashable, Sendable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public init(samples: Int64, rate: Int) {
        microseconds = samples * 1_000_000 / Int64(rate)
    }

    /// Parses the wire form; nil for anything else (`PT1M`, exponents, signs, more than 9 decimals).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4, bytes.count <= 40, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "T"),
              bytes.last == UInt8(ascii: "S") else { return nil }
        let body = bytes[2..<(bytes.count - 1)]
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenDot = false
        var digitsAfterDot = 0
        for c in body {
            if c == UInt8(ascii: ".") {
                guard !seenDot else { return nil }
                seenDot = true
                continue
            }
            guard (0x30...0x39).contains(c) else { return nil }
            let d = Int64(c - 0x30)
            if seenDot {
                digitsAfterDot += 1
                guard digitsAfterDot <= 9 else { return nil }
                if fractionDigits < 6 { fraction = fraction * 10 + d; fractionDigits += 1 }
            } else {
                guard whole < 1_000_000_000_000 else { return nil }
                whole = whole * 10 + d
            }
        }
        // `PT.5S` is allowed by the pattern, `PT5.S` and `PTS` are not.
        if seenDot { guard digitsAfterDot > 0 else { return nil } } else { guard !body.isEmpty else { return nil } }
        while fractionDigits < 6 { fraction *= 10; fractionDigits += 1 }
        microseconds = whole * 1_000_000 + fraction
    }

    /// `PT<seconds>S` with up to six decimals and no trailing zeros.
    public var description: String {
        let whole = microseconds / 1_000_000
        var fraction = String(microseconds % 1_000_000)
        if fraction == "0" { return "PT\(whole)S" }
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "PT\(whole).\(fraction)S"
    }

    public func samples(rate: Int) -> Int64 { microseconds * Int64(rate) / 1_000_000 }

    public static func < (a: ProtocolDuration, b: ProtocolDuration) -> Bool { a.microseconds < b.microseconds }
}

/// Identifier and language-tag rules from the AudioHook reference validators.
public enum ProtocolIdentifiers {
    public static let nilUUID = "00000000-0000-0000-0000-000000000000"

    /// RFC 4122 UUIDs of versions 1–5 with the standard variant, or the nil UUID; any case.
    public static func isUUID(_ text: String) -> Bool {
        let chars = Array(text.lowercased().utf8)
        guard chars.count == 36 else { return false }
        if String(decoding: chars, as: UTF8.self) == nilUUID { return true }
        for (i, c) in chars.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                guard (0x30...0x39).contains(c) || (0x61...0x66).contains(c) else { return false }
            }
        }
        guard (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(chars[14]) else { return false }
        return [UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(chars[19])
    }

    /// `^[a-z]{2,3}-[A-Za-z]{2,3}$`, e.g. `en-US`, `tr-TR`, `cmn-CN`.
    public static func isLanguageTag(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let primary = parts[0].utf8, region = parts[1].utf8
        return (2...3).contains(primary.count) && primary.allSatisfy { (0x61...0x7A).contains($0) }
            && (2...3).contains(region.count) && region.allSatisfy { (0x61...0x7A).contains($0) || (0x41...0x5A).contains($0) }
    }
}
