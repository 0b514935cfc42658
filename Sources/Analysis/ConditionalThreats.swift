// Conditional complaint threats: "if this isn't fixed by Friday I'll complain to the regulator",
// "cumaya kadar düzelmezse şikayet edeceğim". The customer names a complaint or a regulator but asks
// for nothing now: the threat only stands if the condition is not met, so it is not an escalation
// request (no supervisor or complaint was asked for) but stays a risk for the supervisor's summary.
// A real complaint ("I want to file a complaint", "şikayet etmek istiyorum") is still an escalation.
enum ConditionalThreats {
    /// English clause openers that make what follows depend on an outcome.
    static let enMarkers: Set<String> = ["if", "unless", "otherwise"]
    /// Turkish: "eğer", "yoksa", and the negative or positive conditional on a verb ("düzelmezse", "çözülmezse", "olursa").
    static let trWords: Set<String> = ["eğer", "yoksa", "aksi"]
    static let trSuffixes = ["mezse", "mazsa", "medikçe", "madıkça", "ürse", "urse", "ırsa", "irse", "erse", "arsa", "olursa", "olmazsa"]
    /// A present request wins over a condition: "I want to make a complaint if that's possible" is a complaint.
    static let enRequest: Set<String> = ["want", "wanna", "like", "demand", "lodge", "now"]
    static let trRequest = ["istiyorum", "talep ediyorum", "şimdi", "hemen"]

    static func isConditional(_ tok: TokenizedText, language: String) -> Bool {
        let words = tok.tokens.map(\.text)
        if language == "tr" {
            let conditional = words.contains { w in trWords.contains(w) || (w.count >= 5 && trSuffixes.contains { w.hasSuffix($0) }) }
            let joined = " " + words.joined(separator: " ") + " "
            return conditional && !trRequest.contains { joined.contains(" " + $0 + " ") }
        }
        return words.contains { enMarkers.contains($0) } && !words.contains { enRequest.contains($0) }
    }

    /// Moves an escalation cue said on a condition to `conditionalThreat`, so no detector reads it as a request.
    static func separate(_ cues: inout [String: String], _ tok: TokenizedText, language: String) {
        guard let m = cues["escalation"], isConditional(tok, language: language) else { return }
        cues["conditionalThreat"] = m
        cues.removeValue(forKey: "escalation")
    }
}
