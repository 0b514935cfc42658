import Foundation
// Structured extractive summary (issue, key points, outcome, next steps, status) rendered with an
// EN or TR template by call language. Ranking stays simple: Lead-K ties TextRank on dialogues (§5.3).
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

    static func build(_ f: [UtteranceFeatures], status: String) -> SummaryDetail {
        let customer = CallSentiment.customerTurns(f)
        let agentSide = f.filter { $0.utterance.speaker != .customer }
        let issueTurn = customer.first { $0.cues["problem"] != nil || $0.cues["churn"] != nil }
            ?? customer.prefix(max(1, customer.count / 3)).max { ($0.tokenized.wordCount, $1.utterance.index) < ($1.tokenized.wordCount, $0.utterance.index) }
        // Key points: the strongest negative customer turns after the issue, chronological, at most 2.
        let candidates = customer.filter { $0.utterance.index != issueTurn?.utterance.index && $0.sentiment.compound <= -0.3 && $0.tokenized.wordCount >= 4 }
        let key = candidates.sorted { ($0.sentiment.compound, $0.utterance.index) < ($1.sentiment.compound, $1.utterance.index) }
            .prefix(2).sorted { $0.utterance.index < $1.utterance.index }
        let outcome = agentSide.last { $0.cues["outcome"] != nil }
        var steps: [String] = []
        for a in agentSide where a.cues["nextStep"] != nil && a.cues["hold"] == nil {
            let s = clip(a.utterance.text)
            if !steps.contains(s) { steps.append(s) }
        }
        return SummaryDetail(issue: issueTurn.map { clip($0.utterance.text) }, keyPoints: key.map { clip($0.utterance.text) },
                             outcome: outcome.map { clip($0.utterance.text) }, nextSteps: Array(steps.suffix(2)), status: status)
    }

    static func render(_ s: SummaryDetail, language: String) -> String {
        let tr = language == "tr"
        var parts: [String] = []
        let statusName: [String: String] = tr
            ? ["resolved": "çözüldü", "unresolved": "çözülmedi", "transferred": "aktarıldı", "escalated": "üst birime taşındı", "in_progress": "devam ediyor"]
            : ["resolved": "resolved", "unresolved": "unresolved", "transferred": "transferred", "escalated": "escalated", "in_progress": "in progress"]
        func q(_ t: String) -> String { tr ? "“\(t)”" : "\"\(t)\"" }
        // No second full stop after a quote that already ends a sentence.
        func dot(_ t: String) -> String { t.last.map { ".!?…".contains($0) } == true ? "" : "." }
        func dot(_ list: [String]) -> String { list.last.map(dot) ?? "." }
        if let i = s.issue { parts.append((tr ? "Müşteri şu konuda aradı: " : "Customer called about: ") + q(i) + dot(i)) }
        else { parts.append(tr ? "Müşteri henüz bir sorun belirtmedi." : "Customer has not stated an issue yet.") }
        if !s.keyPoints.isEmpty { parts.append((tr ? "Öne çıkanlar: " : "Key points: ") + s.keyPoints.map(q).joined(separator: "; ") + dot(s.keyPoints)) }
        if let o = s.outcome { parts.append((tr ? "Temsilci: " : "Agent: ") + q(o) + dot(o)) }
        if !s.nextSteps.isEmpty { parts.append((tr ? "Sonraki adımlar: " : "Next steps: ") + s.nextSteps.map(q).joined(separator: "; ") + dot(s.nextSteps)) }
        parts.append((tr ? "Durum: " : "Status: ") + (statusName[s.status] ?? s.status) + ".")
        return parts.joined(separator: " ")
    }
}
