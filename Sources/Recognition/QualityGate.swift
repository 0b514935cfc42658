/// Whisper's checks on a decoded utterance, as pure functions of its text and scores, so the
/// same transcript always gets the same verdict (and tests need no model).
public struct QualityGate: Hashable, Sendable {
    public var compressionRatioThreshold: Float
    public var logProbabilityThreshold: Float
    public var noSpeechThreshold: Float

    public init(compressionRatioThreshold: Float = 2.4, logProbabilityThreshold: Float = -1.0, noSpeechThreshold: Float = 0.6) {
        (self.compressionRatioThreshold, self.logProbabilityThreshold, self.noSpeechThreshold) =
            (compressionRatioThreshold, logProbabilityThreshold, noSpeechThreshold)
    }

    public enum Verdict: String, Sendable {
        case accepted
        /// Compresses too well to be speech: a repetition loop.
        case repetitive
        /// The model itself found the text unlikely.
        case unlikely
        /// Likely silence or noise; a low score is expected there and no reason to decode again.
        case silence
    }

    public func verdict(text: String, averageLogProbability: Float, noSpeechProbability: Float) -> Verdict {
        if Self.compressionRatio(text) > compressionRatioThreshold { return .repetitive }
        guard averageLogProbability < logProbabilityThreshold else { return .accepted }
        return noSpeechProbability > noSpeechThreshold ? .silence : .unlikely
    }

    /// Whisper's no-speech rule: the result is left empty.
    public func isNoSpeech(averageLogProbability: Float, noSpeechProbability: Float) -> Bool {
        noSpeechProbability > noSpeechThreshold && averageLogProbability < logProbabilityThreshold
    }

    /// UTF-8 length over compressed length, as Whisper's `len(b) / len(zlib.compress(b))`.
    /// The compressed length is computed here, not by zlib: a DEFLATE stream with the fixed
    /// Huffman code (what zlib itself emits for text this short) after LZ77 with one-step
    /// lazy matching, plus zlib's 6 bytes of header and checksum. Being our code it cannot
    /// change under a replay with another zlib build (the determinism contract), and it needs
    /// no new system library; it agrees with zlib's ratio to within a few percent on
    /// transcripts (see QualityGateTests).
    public static func compressionRatio(_ text: String) -> Float {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return 0 }
        return Float(bytes.count) / Float(deflatedLength(bytes))
    }

    static func deflatedLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        let window = 32768, minimum = 3, maximum = 258
        /// Longest earlier match at `i`; the nearest wins among equals (shorter distance codes).
        func longest(at i: Int) -> (length: Int, distance: Int) {
            guard i + minimum <= n else { return (0, 0) }
            var best = (length: 0, distance: 0)
            var j = i - 1
            let limit = min(maximum, n - i)
            while j >= max(0, i - window) {
                if bytes[j] == bytes[i] && bytes[j + 1] == bytes[i + 1] && bytes[j + 2] == bytes[i + 2] {
                    var length = 3
                    while length < limit && bytes[j + length] == bytes[i + length] { length += 1 }
                    if length > best.length { best = (length, i - j) }
                    if length == limit { break }
                }
                j -= 1
            }
            return best.length >= minimum ? best : (0, 0)
        }
        func literalBits(_ byte: UInt8) -> Int { byte < 144 ? 8 : 9 }
        func lengthBits(_ length: Int) -> Int {
            let (code, extra): (Int, Int)
            switch length {
            case 3...10: (code, extra) = (257 + length - 3, 0)
            case 258: (code, extra) = (285, 0)
            default:
                // Lengths 11...257 come in groups of four codes per extra-bit count.
                let e = Self.log2(length - 3) - 2
                (code, extra) = (261 + 4 * e + ((length - 3) >> e) - 4, e)
            }
            return (code < 280 ? 7 : 8) + extra
        }
        func distanceBits(_ distance: Int) -> Int { 5 + (distance <= 4 ? 0 : Self.log2(distance - 1) - 1) }

        var bits = 3  // block header
        var i = 0
        while i < n {
            let here = longest(at: i)
            if here.length == 0 { bits += literalBits(bytes[i]); i += 1; continue }
            // zlib's lazy evaluation: a longer match one byte later wins over this one.
            if here.length < maximum, i + 1 < n, longest(at: i + 1).length > here.length {
                bits += literalBits(bytes[i]); i += 1; continue
            }
            bits += lengthBits(here.length) + distanceBits(here.distance)
            i += here.length
        }
        bits += 7  // end of block
        let fixed = (bits + 7) / 8
        let stored = n + 5 * max(1, (n + 65534) / 65535)
        return min(fixed, stored) + 6
    }

    private static func log2(_ x: Int) -> Int { Int.bitWidth - 1 - x.leadingZeroBitCount }
}
