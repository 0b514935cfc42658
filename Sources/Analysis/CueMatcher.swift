// Phrase cues over folded tokens. Pattern syntax (one cue = space-separated parts):
//   word   exact token (or the token's apostrophe base)
//   word*  prefix: Turkish suffixes ("endişe*" matches "endişeliyim")
//   ~      skip up to 3 tokens ("speak ~ manager")
struct Cue: Sendable, Equatable {
    let pattern: String
    let parts: [String]
    init(_ pattern: String) { self.pattern = pattern; self.parts = pattern.split(separator: " ").map(String.init) }

    /// Index of the first token of the earliest match, or nil.
    func firstMatch(in tokens: [Token]) -> Int? {
        guard !parts.isEmpty, tokens.count >= 1 else { return nil }
        for start in tokens.indices where Cue.partMatches(parts[0], tokens[start]) {
            if matchRest(1, tokens, start + 1) { return start }
        }
        return nil
    }

    private func matchRest(_ p: Int, _ tokens: [Token], _ t: Int) -> Bool {
        if p == parts.count { return true }
        if parts[p] == "~" {
            for skip in 0...3 where t + skip <= tokens.count {
                if matchRest(p + 1, tokens, t + skip) { return true }
            }
            return false
        }
        guard t < tokens.count, Cue.partMatches(parts[p], tokens[t]) else { return false }
        return matchRest(p + 1, tokens, t + 1)
    }

    static func partMatches(_ part: String, _ token: Token) -> Bool {
        if part.hasSuffix("*") {
            let prefix = part.dropLast()
            return token.text.hasPrefix(prefix) || token.base.hasPrefix(prefix)
        }
        return token.text == part || token.base == part
    }
}

struct CueList: Sendable {
    let en: [Cue]
    let tr: [Cue]
    init(en: [String], tr: [String]) { self.en = en.map(Cue.init); self.tr = tr.map(Cue.init) }

    /// First matching cue (in list order) for the utterance language.
    func match(_ tokens: [Token], language: String) -> String? {
        for cue in (language == "tr" ? tr : en) where cue.firstMatch(in: tokens) != nil { return cue.pattern }
        return nil
    }
}
