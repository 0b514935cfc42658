// Marketing dictionary matching: exact tokens, Turkish suffixed forms (apostrophe base or a known
// nominal suffix chain), and Damerau–Levenshtein fuzzy matches for ASR misspellings.
struct CompiledEntry: Sendable {
    var entry: MarketingEntry
    var order: Int
    var aliases: [[String]]  // folded alias tokens, longest first
}

enum MentionMatcher {
    static func compile(_ entries: [MarketingEntry]) -> [CompiledEntry] {
        entries.enumerated().map { (k, e) in
            let aliases = (e.aliases + [e.canonical]).map { alias -> [String] in
                let lang = alias.contains(where: { "çğışöüÇĞİŞÖÜ".contains($0) }) ? "tr" : "en"
                return Tokenizer.tokenize(alias, language: lang).tokens.map(\.text)
            }.filter { !$0.isEmpty }
            var unique: [[String]] = []
            for a in aliases where !unique.contains(a) { unique.append(a) }
            unique.sort { ($0.joined(separator: " ").count, $1.joined(separator: " ")) > ($1.joined(separator: " ").count, $0.joined(separator: " ")) }
            return CompiledEntry(entry: e, order: k, aliases: unique)
        }
    }

    enum Kind: Int, Comparable { case exact = 0, suffix = 1, fuzzy = 2
        static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
        var name: String { ["exact", "suffix", "fuzzy"][rawValue] }
    }

    static func tokenMatch(_ aliasToken: String, _ t: Token, fuzzy: Bool) -> (Kind, Int)? {
        if t.text == aliasToken { return (.exact, 0) }
        if t.base == aliasToken { return (.suffix, 0) }
        if aliasToken.count >= 3 && t.text.hasPrefix(aliasToken) && TurkishSuffixes.isChain(String(t.text.dropFirst(aliasToken.count))) {
            return (.suffix, 0)
        }
        guard fuzzy, aliasToken.count >= 5, t.base.count >= 5 else { return nil }
        let a = TextNorm.asciiKey(aliasToken), b = TextNorm.asciiKey(t.base)
        let limit = aliasToken.count >= 9 ? 2 : 1
        if a == b { return (.fuzzy, 0) }
        guard a.first == b.first else { return nil }  // ASR keeps the onset; avoids "phone" → "iPhone"
        let d = damerauLevenshtein(Array(a), Array(b), limit: limit)
        if d <= limit { return (.fuzzy, d) }
        // ASR may glue a suffix onto a misspelled name ("vodafonla"): compare the prefix of alias length.
        if b.count > a.count, TurkishSuffixes.isChain(String(b.dropFirst(a.count - 1))) || TurkishSuffixes.isChain(String(b.dropFirst(a.count))) {
            let d2 = damerauLevenshtein(Array(a), Array(b.prefix(a.count)), limit: limit)
            if d2 <= limit { return (.fuzzy, d2 + 1) }
        }
        return nil
    }

    static func find(_ u: TranscriptUtterance, _ tokens: [Token], _ dict: [CompiledEntry]) -> [MarketingMention] {
        var out: [MarketingMention] = []
        do {
            var i = 0
            while i < tokens.count {
                // Best candidate at i: better kind, then smaller distance, then longer alias, then dictionary order.
                var best: (kind: Kind, dist: Int, len: Int, order: Int, entry: MarketingEntry)? = nil
                for c in dict {
                    for alias in c.aliases where i + alias.count <= tokens.count {
                        var worst = Kind.exact, dist = 0, ok = true
                        for (k, a) in alias.enumerated() {
                            guard let m = tokenMatch(a, tokens[i + k], fuzzy: c.entry.fuzzy) else { ok = false; break }
                            worst = max(worst, m.0); dist += m.1
                        }
                        guard ok else { continue }
                        let cand = (kind: worst, dist: dist, len: alias.count, order: c.order, entry: c.entry)
                        if let b = best {
                            if (cand.kind.rawValue, cand.dist, -cand.len, cand.order) < (b.kind.rawValue, b.dist, -b.len, b.order) { best = cand }
                        } else { best = cand }
                    }
                }
                if let b = best {
                    let surface = tokens[i..<(i + b.len)].map(\.text).joined(separator: " ")
                    out.append(MarketingMention(id: b.entry.id, type: b.entry.type, canonical: b.entry.canonical, surface: surface,
                                                turn: u.index, speaker: u.speaker, match: b.kind.name))
                    i += b.len
                } else { i += 1 }
            }
        }
        return out
    }

    /// Optimal-string-alignment distance with an early exit once every cell exceeds `limit`.
    static func damerauLevenshtein(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            var rowMin = cur[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
                cur[j] = v; rowMin = min(rowMin, v)
            }
            if rowMin > limit { return limit + 1 }
            prev2 = prev; prev = cur
        }
        return prev[b.count]
    }
}

enum TurkishSuffixes {
    // Nominal suffix allomorphs (case, possessive, plural, copula), with buffer consonants.
    static let all: Set<String> = {
        var s = Set<String>()
        for v in ["a", "e"] {
            for x in ["d\(v)n", "t\(v)n", "d\(v)", "t\(v)", "y\(v)", v, "n\(v)", "l\(v)r", "n\(v)n", "d\(v)n", "nd\(v)n", "nd\(v)", "c\(v)", "y\(v)m", "d\(v)k\(v)"] { s.insert(x) }
        }
        for v in ["ı", "i", "u", "ü"] {
            for x in [v, "y\(v)", "n\(v)", "s\(v)", "\(v)n", "n\(v)n", "\(v)m", "m", "\(v)m\(v)z", "m\(v)z", "\(v)n\(v)z", "n\(v)z",
                      "l\(v)", "s\(v)z", "c\(v)", "y\(v)l\(v)", "d\(v)r", "t\(v)r", "l\(v)k"] { s.insert(x) }
        }
        s.insert("ki"); s.insert("la"); s.insert("le"); s.insert("yla"); s.insert("yle")
        return s
    }()

    /// Whether `rest` splits entirely into known nominal suffixes (at most 4).
    static func isChain(_ rest: String) -> Bool {
        if rest.isEmpty { return false }
        let r = Array(rest)
        func go(_ i: Int, _ depth: Int) -> Bool {
            if i == r.count { return true }
            if depth == 4 { return false }
            for len in stride(from: min(5, r.count - i), through: 1, by: -1) where all.contains(String(r[i..<(i + len)])) {
                if go(i + len, depth + 1) { return true }
            }
            return false
        }
        return go(0, 0)
    }
}
