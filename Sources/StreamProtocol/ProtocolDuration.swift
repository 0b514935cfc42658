/// AudioHook durations: ISO 8601 in the seconds-only form the reference accepts
/// (`^PT(\d*\.)?\d+S$`, e.g. `PT0S`, `PT1.25S`), held exactly as microseconds.
///
/// The wire pattern has no upper bound, but every timeline downstream multiplies positions by
/// sample rates; durations above `maximum` (100 years) are refused so that no client value can
/// overflow that arithmetic.
public struct ProtocolDuration: Equatable, Comparable, Hashable, Sendable, CustomStringConvertible {
    public var microseconds: Int64

    /// 100 Julian years: far beyond any call, small enough that `maximum.samples(rate:)` times a
    /// 16 kHz resampling ratio still fits in 64 bits.
    public static let maximumSeconds: Int64 = 3_155_760_000
    public static let maximum = ProtocolDuration(microseconds: maximumSeconds * 1_000_000)

    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// Not `PT<seconds>S` (minutes, exponents, signs, more than 9 decimals, spaces…).
        case malformed
        /// Well-formed but longer than `ProtocolDuration.maximum`.
        case tooLong

        public var description: String {
            switch self {
            case .malformed: return "duration is not of the form PT<seconds>S (e.g. PT1.25S)"
            case .tooLong: return "duration exceeds the maximum of PT\(ProtocolDuration.maximumSeconds)S (100 years)"
            }
        }
    }

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The duration of `samples` at `rate` Hz, rounded toward zero; saturates at the Int64 range.
    public init(samples: Int64, rate: Int) {
        precondition(rate > 0, "sample rate must be positive")
        let r = Int64(rate)
        // |remainder| < rate, so remainder · 10⁶ / rate < 10⁶: the full-width division cannot overflow.
        let part = r.dividingFullWidth((samples % r).multipliedFullWidth(by: 1_000_000)).quotient
        microseconds = Self.saturatingSum(Self.saturatingProduct(samples / r, 1_000_000), part)
    }

    /// Parses the wire form; nil for anything `parse` refuses.
    public init?(_ text: String) {
        guard case .success(let d) = Self.parse(text) else { return nil }
        self = d
    }

    public static func parse(_ text: String) -> Result<ProtocolDuration, ParseError> {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4, bytes.count <= 40, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "T"),
              bytes.last == UInt8(ascii: "S") else { return .failure(.malformed) }
        let body = bytes[2..<(bytes.count - 1)]
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenDot = false
        var digitsAfterDot = 0
        var tooLong = false
        for c in body {
            if c == UInt8(ascii: ".") {
                guard !seenDot else { return .failure(.malformed) }
                seenDot = true
                continue
            }
            guard (0x30...0x39).contains(c) else { return .failure(.malformed) }
            let d = Int64(c - 0x30)
            if seenDot {
                digitsAfterDot += 1
                guard digitsAfterDot <= 9 else { return .failure(.malformed) }
                if fractionDigits < 6 { fraction = fraction * 10 + d; fractionDigits += 1 }
            } else if !tooLong {
                // Keep scanning after the bound is passed: a malformed tail still reads as malformed.
                whole = whole * 10 + d
                if whole > maximumSeconds { tooLong = true }
            }
        }
        // `PT.5S` is allowed by the pattern, `PT5.S` and `PTS` are not.
        if seenDot { guard digitsAfterDot > 0 else { return .failure(.malformed) } } else { guard !body.isEmpty else { return .failure(.malformed) } }
        guard !tooLong else { return .failure(.tooLong) }
        while fractionDigits < 6 { fraction *= 10; fractionDigits += 1 }
        let total = whole * 1_000_000 + fraction
        guard total <= maximum.microseconds else { return .failure(.tooLong) }
        return .success(ProtocolDuration(microseconds: total))
    }

    /// `PT<seconds>S` with up to six decimals and no trailing zeros (negative values, which the
    /// wire form cannot carry, print with a leading `-`).
    public var description: String {
        let sign = microseconds < 0 ? "-" : ""
        let magnitude = microseconds.magnitude
        let whole = magnitude / 1_000_000
        var fraction = String(magnitude % 1_000_000)
        if fraction == "0" { return "\(sign)PT\(whole)S" }
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)PT\(whole).\(fraction)S"
    }

    /// Samples at `rate` Hz in this duration, rounded toward zero. Exact wherever the result fits
    /// in Int64 (always, for durations up to `maximum` and rates up to 2.9 GHz); saturates beyond,
    /// so it never traps and never decreases as the duration grows.
    public func samples(rate: Int) -> Int64 {
        let r = Int64(clamping: rate)
        let whole = microseconds / 1_000_000, part = microseconds % 1_000_000
        // |part| < 10⁶, so part · rate / 10⁶ < rate: the full-width division cannot overflow.
        let partSamples = Int64(1_000_000).dividingFullWidth(part.multipliedFullWidth(by: r)).quotient
        return Self.saturatingSum(Self.saturatingProduct(whole, r), partSamples)
    }

    static func saturatingProduct(_ a: Int64, _ b: Int64) -> Int64 {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        guard overflow else { return p }
        return (a < 0) == (b < 0) ? .max : .min
    }

    static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (s, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return s }
        return a < 0 ? .min : .max
    }

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
