// Customer emotion from text only (never the agent's: see the EU AI Act note in ANALYTICS-NOTES §1.5).
// Decision rules in priority order over the last 3 customer turns.
enum EmotionRules {
    static let labels = ["calm", "satisfied", "frustrated", "angry", "anxious", "confused", "disappointed"]

    static func classify(_ customer: [UtteranceFeatures], escalated: Bool, repeatedOpen: Bool) -> (String, [Evidence]) {
        let window = Array(customer.suffix(3))
        guard !window.isEmpty else { return ("calm", []) }
        let minCompound = window.map(\.sentiment.compound).min() ?? 0
        let meanCompound = window.map(\.sentiment.compound).reduce(0, +) / Double(window.count)
        func hits(_ name: String) -> [Evidence] {
            window.compactMap { f in f.cues[name].map { Evidence(turn: f.utterance.index, cue: $0) } }
        }
        let anger = hits("anger"), frustration = hits("frustration") + hits("repeatInfo") + hits("crossCall")
        let anxiety = hits("anxiety"), confusion = hits("confusion"), disappointment = hits("disappointment")
        let gratitude = hits("gratitude") + hits("customerResolved")
        let last = window.last!

        // A customer who ends the window thanking us is satisfied even after an earlier complaint.
        if last.sentiment.compound >= 0.3, let g = last.cues["gratitude"] ?? last.cues["customerResolved"] {
            return ("satisfied", [Evidence(turn: last.utterance.index, cue: g)])
        }
        // A customer who has decided to leave ("I'm switching to them", "başka bir şirkete geçiyorum") and asks for no
        // manager is disappointed: a "fed up" or "nobody helped" on the way out is the reason, not rage.
        let churn = hits("churn")
        if !churn.isEmpty && !escalated && minCompound > -0.7 { return ("disappointed", churn) }
        if !anger.isEmpty && (minCompound <= -0.4 || escalated) { return ("angry", anger) }
        if minCompound <= -0.6 && escalated {
            return ("angry", window.compactMap { f in f.cues["escalation"].map { Evidence(turn: f.utterance.index, cue: $0) } })
        }
        // Worry is more specific than a bare "still"/"again", so anxiety is checked first.
        if !anxiety.isEmpty { return ("anxious", anxiety) }
        // Bare "again"/"still"/"yine" also open neutral problem statements, so alone they need clearly negative words.
        let weak: Set<String> = ["again", "still", "waiting", "waited", "yine", "hala", "hâlâ", "tekrar", "bekliyorum", "bekledim"]
        let strongFrustration = frustration.filter { !weak.contains($0.cue) }
        if !strongFrustration.isEmpty && (minCompound < -0.05 || repeatedOpen) { return ("frustrated", frustration) }
        // "I'm still not sure I understand" is confusion; the bare "still" must not turn it into frustration.
        if !confusion.isEmpty && strongFrustration.isEmpty { return ("confused", confusion) }
        if !frustration.isEmpty && (minCompound <= -0.35 || repeatedOpen) { return ("frustrated", frustration) }
        if !confusion.isEmpty { return ("confused", confusion) }
        if !disappointment.isEmpty { return ("disappointed", disappointment) }
        if !anger.isEmpty { return ("frustrated", anger) }
        if repeatedOpen && minCompound < 0 { return ("frustrated", []) }
        if meanCompound >= 0.2 && !gratitude.isEmpty { return ("satisfied", gratitude) }
        if minCompound <= -0.3 { return ("disappointed", window.filter { $0.sentiment.compound <= -0.3 }.map { Evidence(turn: $0.utterance.index, cue: "negative turn") }) }
        return ("calm", [])
    }
}
