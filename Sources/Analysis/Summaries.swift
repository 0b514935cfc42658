import Foundation
// Call status and the masking clip shared by the summary and the flat fields (the summary itself: CallSummary).
enum Summaries {
    static func clip(_ text: String, _ limit: Int = 140) -> String {
        // Mask long digit runs (account, card, TC kimlik numbers) before anything is shown.
        var out = "", run = ""
        for ch in text.replacingOccurrences(of: "\n", with: " ") {
            if ch.isNumber { run.append(ch); continue }
            out += run.count >= 7 ? String(repeating: "#", count: run.count) : run; run = ""
            out.append(ch)
        }
        out += run.count >= 7 ? String(repeating: "#", count: run.count) : run
        out = out.trimmingCharacters(in: .whitespaces)
        if out.count > limit { out = String(out.prefix(limit - 1)) + "…" }
        return out
    }

    /// resolved (customer confirms, an action finished and the customer did not end negative, or an enquiry answered)
    /// → transferred → escalated (a request the agent did not decline) → unresolved / in_progress.
    static func status(_ f: [UtteranceFeatures], issues: [ProcessIssue], final: Bool) -> String {
        let customer = CallSentiment.customerTurns(f)
        let types = Set(issues.map(\.type))
        let lastCustomer = customer.last?.sentiment.compound ?? 0
        if customer.suffix(2).contains(where: { $0.cues["customerResolved"] != nil && $0.sentiment.compound > 0 }) { return "resolved" }
        if types.contains("transfer") || types.contains("multiple_transfers") { return "transferred" }
        if let request = customer.first(where: { $0.cues["escalation"] != nil }),
           ProcessIssueDetectors.escalationAnswer(f, after: request) != .refused { return "escalated" }
        let lastAction = f.lastIndex { CallContext.completedAction($0) != nil }
        if let a = lastAction, lastCustomer > -0.3,
           !f[(a + 1)...].contains(where: { $0.utterance.speaker == .customer && $0.cues["problem"] != nil && $0.sentiment.compound < 0 }) {
            return "resolved"
        }
        if enquiryAnswered(f, customer: customer) && !types.contains("callback_promised") { return "resolved" }
        return final ? "unresolved" : "in_progress"
    }

    /// A question with no complaint in it, answered by the agent and acknowledged by the customer.
    static func enquiryAnswered(_ f: [UtteranceFeatures], customer: [UtteranceFeatures]) -> Bool {
        guard let first = customer.first, let last = customer.last, customer.count >= 2 else { return false }
        let asked = first.tokenized.questionMarks > 0 || (first.utterance.language == "tr" && first.tokenized.tokens.contains { SentimentLexicons.trQuestionParticles.contains($0.text) })
        let complaint = customer.contains { ["problem", "churn", "escalation", "confusion", "anger", "repeatInfo"].contains(where: $0.cues.keys.contains) }
        let answered = f.contains { $0.utterance.speaker != .customer && $0.utterance.start > first.utterance.start && $0.cues["hold"] == nil }
        return asked && !complaint && answered && last.cues["acknowledged"] != nil && last.sentiment.compound > -0.05
    }
}
