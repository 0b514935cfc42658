import Foundation

/// Whisper's byte-level BPE vocabulary (`vocabulary.txt`, one token per line by id) and its
/// special tokens, found by name so English-only and multilingual models both work.
struct WhisperTokenizer: Sendable {
    let tokens: [String]
    let endOfText: Int
    let startOfTranscript: Int
    let transcribe: Int?
    let noTimestamps: Int
    let noSpeech: Int?
    let timestampBegin: Int
    /// Language code → token id, in vocabulary order.
    let languages: [(code: String, token: Int)]
    let isMultilingual: Bool
    private static let byteDecoder: [Character: UInt8] = {
        // GPT-2's printable stand-ins for the 256 byte values.
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var codes = printable
        var extra = 0
        for b in 0..<256 where !printable.contains(b) {
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
        }
        var map: [Character: UInt8] = [:]
        for (byte, code) in zip(printable, codes) { map[Character(Unicode.Scalar(UInt32(code))!)] = UInt8(byte) }
        return map
    }()

    init(directory: URL) throws {
        let url = directory.appendingPathComponent("vocabulary.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw RecognitionError.badConfig("cannot read \(url.path)")
        }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        tokens = lines
        var index: [String: Int] = [:]
        for (i, token) in lines.enumerated() where token.hasPrefix("<|") { index[token] = i }
        guard let eot = index["<|endoftext|>"], let sot = index["<|startoftranscript|>"], let nts = index["<|notimestamps|>"],
              let ts = index["<|0.00|>"] else {
            throw RecognitionError.badConfig("vocabulary.txt lacks Whisper's special tokens")
        }
        endOfText = eot
        startOfTranscript = sot
        noTimestamps = nts
        timestampBegin = ts
        transcribe = index["<|transcribe|>"]
        noSpeech = index["<|nospeech|>"] ?? index["<|nocaptions|>"]
        isMultilingual = lines.count >= 51865
        var languages: [(String, Int)] = []
        if isMultilingual {
            for id in (sot + 1)..<lines.count {
                let token = lines[id]
                guard token.hasPrefix("<|"), token.hasSuffix("|>") else { break }
                let code = String(token.dropFirst(2).dropLast(2))
                guard code.count <= 3, code.allSatisfy({ $0.isLowercase }) else { break }
                languages.append((code, id))
            }
        }
        self.languages = languages
    }

    func languageToken(_ code: String) -> Int? { languages.first { $0.code == code }?.token }

    /// Text of the given tokens (special tokens are skipped).
    func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids where id < endOfText {
            for character in tokens[id] { if let b = Self.byteDecoder[character] { bytes.append(b) } }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
