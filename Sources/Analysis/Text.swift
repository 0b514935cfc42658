// Language-aware text normalisation: Turkish case folding, tokenizing, diacritic keys, Snowball stems.
import Foundation
import CStemmer

enum TextNorm {
    /// Turkish dotted/dotless I handled by hand (I→ı, İ→i) so results never depend on ICU locale data.
    static func fold(_ text: String, language: String) -> String {
        var s = text.replacingOccurrences(of: "’", with: "'").replacingOccurrences(of: "`", with: "'")
        if language == "tr" {
            s = s.replacingOccurrences(of: "I", with: "ı").replacingOccurrences(of: "İ", with: "i")
        }
        return s.lowercased()
    }

    /// Matching key for fuzzy comparisons: Turkish/Latin diacritics removed.
    static func asciiKey(_ word: String) -> String {
        var out = ""
        out.reserveCapacity(word.count)
        for ch in word {
            switch ch {
            case "ç": out.append("c")
            case "ğ": out.append("g")
            case "ı", "î", "i̇": out.append("i")
            case "ö": out.append("o")
            case "ş": out.append("s")
            case "ü", "û": out.append("u")
            case "â": out.append("a")
            case "é", "è": out.append("e")
            default: out.append(ch)
            }
        }
        return out
    }
}

struct Token: Equatable, Sendable {
    var text: String   // folded, apostrophe kept ("turkcell'den", "don't")
    var base: String   // part before an apostrophe ("turkcell"); equals text when none
    var clause: Int = 0 // punctuation-delimited clause number: negation never crosses "No, thanks."
}

struct TokenizedText: Equatable, Sendable {
    var tokens: [Token]
    var questionMarks: Int
    var exclamations: Int
    var wordCount: Int
}

enum Tokenizer {
    static func tokenize(_ text: String, language: String) -> TokenizedText {
        let folded = TextNorm.fold(text, language: language)
        var tokens: [Token] = []
        var current = ""
        var q = 0, e = 0, clause = 0
        func flush() {
            while current.hasSuffix("'") { current.removeLast() }
            if !current.isEmpty {
                let base = current.split(separator: "'", maxSplits: 1).first.map(String.init) ?? current
                tokens.append(Token(text: current, base: base, clause: clause))
            }
            current = ""
        }
        for ch in folded {
            if ch.isLetter || ch.isNumber {
                current.append(ch)
            } else if ch == "'" && !current.isEmpty {
                current.append(ch)
            } else {
                flush()
                if ch == "?" { q += 1 } else if ch == "!" { e += 1 }
                if ",.;:!?…".contains(ch) { clause += 1 }
            }
        }
        flush()
        return TokenizedText(tokens: tokens, questionMarks: q, exclamations: e, wordCount: tokens.count)
    }
}

/// Snowball stemmer (libstemmer). Not thread-safe, so each analysis run owns its instances.
final class Stemmer {
    private let handle: OpaquePointer?
    private var cache: [String: String] = [:]

    init(language: String) {
        handle = sb_stemmer_new(language == "tr" ? "turkish" : "english", "UTF_8")
    }
    deinit { if let h = handle { sb_stemmer_delete(h) } }

    func stem(_ word: String) -> String {
        if let c = cache[word] { return c }
        guard let h = handle else { return word }
        let bytes = Array(word.utf8)
        let result: String = bytes.withUnsafeBufferPointer { buf -> String in
            guard let p = sb_stemmer_stem(h, buf.baseAddress, Int32(buf.count)) else { return word }
            let len = Int(sb_stemmer_length(h))
            return String(decoding: UnsafeBufferPointer(start: p, count: len), as: UTF8.self)
        }
        cache[word] = result
        return result
    }
}

/// A pair of stemmers, one per analysis language.
final class Stemmers {
    let en = Stemmer(language: "en")
    let tr = Stemmer(language: "tr")
    func stem(_ w: String, language: String) -> String { language == "tr" ? tr.stem(w) : en.stem(w) }
}
