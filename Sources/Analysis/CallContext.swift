// Readings that need more than one utterance or more than a phrase list: whether a turn reports a
// finished action (so the problem is no longer open), agent-like turns on mono calls, and the
// customer's valence once the call context is known (sarcasm about an open problem, complaint floors).
import Foundation

enum CallContext {
    // Investigating or handing off is work on the case, not a result.
    static let enNonResult: Set<String> = ["checked", "looked", "opened", "logged", "raised", "added", "flagged", "passed", "asked",
        "noted", "escalated", "reviewed", "read", "traced", "tried", "contacted", "forwarded", "created", "explained", "pulled", "matched",
        "compared", "pinged", "run", "ran", "gone", "been", "had", "got", "heard", "told", "said", "called", "waited", "returned", "paid"]
    static let enIrregular: Set<String> = ["sent", "put", "set", "taken", "done", "made", "given", "rebooked", "reset", "cut", "shut"]
    static let trNonResult: [String] = ["bak", "oku", "incele", "hesapla", "karşılaştır", "ilet", "işaretle", "düş", "aktar", "yükselt",
        "oluştur", "aç", "söyle", "anlat", "sor", "bekle", "gör", "dinle", "de", "ara", "yap", "öde", "git", "gel", "ver", "üzül", "sevin", "anla", "duy", "bil", "düşün", "iste"]
    static let trLightNonResult: Set<String> = ["kontrol", "takip", "not", "rica", "teşekkür", "kayıt"]
    static let trPastFirstPerson = ["dım", "dim", "dum", "düm", "tım", "tim", "tum", "tüm", "dık", "dik", "duk", "dük", "tık", "tik", "tuk", "tük"]

    /// The matched evidence when an agent-side turn reports a finished action ("I've refunded…", "sıfırladım", "onaylandı").
    /// Computed once per utterance at feature extraction (live updates ask for every turn on every update).
    static func completedAction(_ f: UtteranceFeatures) -> String? { f.finishedAction }

    static func detectCompletedAction(_ f: UtteranceFeatures) -> String? {
        // On mono calls the customer's own story ("I returned it", "iade ettim") is past tense too: there, a turn
        // that states a problem is never the agent's result.
        guard f.utterance.speaker != .customer, f.cues["pendingWork"] == nil, f.tokenized.questionMarks == 0,
              f.utterance.speaker == .agent || f.cues["problem"] == nil else { return nil }
        if let o = f.cues["outcome"] { return o }
        let t = f.tokenized.tokens.map(\.text)
        if f.utterance.language == "tr" {
            for (k, w) in t.enumerated() where w.count >= 6 {
                if let pastVerb = trPastFirstPerson.first(where: { w.hasSuffix($0) }) {
                    let stem = String(w.dropLast(pastVerb.count))
                    if stem.hasSuffix("ma") || stem.hasSuffix("me") || stem.hasSuffix("ama") || stem.hasSuffix("eme") { continue }
                    if stem == "et" || stem == "ett" || stem == "yap" || stem == "ed" {
                        if k > 0 && !trLightNonResult.contains(t[k - 1]) { return "\(t[k - 1]) \(w)" }
                        continue
                    }
                    if trNonResult.contains(where: { stem == $0 || stem == $0 + "t" || stem == $0 + "d" }) { continue }
                    return w
                }
                // Passive past: onaylandı, tamamlandı, iade edildi (never reddedildi).
                if ["ldı", "ldi", "ldu", "ldü", "ndı", "ndi"].contains(where: { w.hasSuffix($0) }) && !w.hasPrefix("redded") && !w.hasPrefix("kesil")
                    && !w.hasPrefix("çekil") && !w.hasPrefix("ol") { return w }
            }
            if t.contains("artık") || t.contains("döndü") || (t.contains("geri") && t.contains("geldi")) || t.contains("stabil") { return "state restored" }
            return nil
        }
        for (k, w) in t.enumerated() where w == "i've" || w == "we've" || (w == "have" && k > 0 && (t[k - 1] == "i" || t[k - 1] == "we")) {
            for next in t[(k + 1)..<min(t.count, k + 3)] {
                if enNonResult.contains(next) { break }
                if next.hasSuffix("ed") || enIrregular.contains(next) { return "\(w) \(next)" }
            }
        }
        let state: Set<String> = ["working", "stable", "active", "back", "approved", "fixed", "sorted", "resolved", "lower", "normal"]
        if t.contains(where: { state.contains($0) }) && (t.contains("now") || t.contains("again")) { return "state restored" }
        return nil
    }

    /// Problem statements carried by grammar rather than a phrase: Turkish negated verbs (-mıyor, -madı:
    /// "göndermiyor", "ulaşmadı") and English negated auxiliaries ("hasn't", "won't") in a statement.
    static func grammaticalProblem(_ tok: TokenizedText, language: String) -> String? {
        guard tok.questionMarks == 0 else { return nil }
        if language == "tr" {
            let keep = ["anla", "bil", "iste", "düşün", "bekle", "sanm", "zanned"]
            for w in tok.tokens.map(\.text) where w.count >= 7 && !keep.contains(where: { w.hasPrefix($0) }) {
                for suffix in ["mıyor", "miyor", "muyor", "müyor", "madı", "medi", "mamış", "memiş"] {
                    if let r = w.range(of: suffix, options: .backwards), w.distance(from: r.upperBound, to: w.endIndex) <= 3 { return w }
                }
            }
            return nil
        }
        let auxiliaries: Set<String> = ["hasn't", "haven't", "didn't", "isn't", "won't", "wasn't", "can't", "cannot", "couldn't", "doesn't", "never"]
        return tok.tokens.first { auxiliaries.contains($0.text) }?.text
    }

    /// "…'a gidiyorum", "I'm going to Ridgeway": leaving for a named company that is not in the dictionary.
    static func movingToNamedCompany(_ text: String, _ tok: TokenizedText, language: String) -> String? {
        let t = tok.tokens
        if language == "tr" {
            let motion = ["gidiyorum", "gideceğim", "geçiyorum", "geçeceğim", "taşıyorum", "taşıyacağım", "götürüyorum", "götüreceğim"]
            for k in t.indices.dropLast() where t[k].text.contains("'") && motion.contains(t[k + 1].text) { return "\(t[k].text) \(t[k + 1].text)" }
            return nil
        }
        // English: a capitalised name right after "going to" / "over to" / "switching to" in the original text.
        for lead in ["going to ", "over to ", "switching to ", "moving to "] {
            var search = text.startIndex..<text.endIndex
            while let r = text.range(of: lead, options: [], range: search) {
                if let first = text[r.upperBound...].first, first.isUppercase { return lead + String(text[r.upperBound...].prefix { $0.isLetter }) }
                search = r.upperBound..<text.endIndex
            }
        }
        return nil
    }

    /// On mono calls, turns that read as the agent's (greeting, empathy, actions, holds, offers, closing) do not speak for the customer.
    static func agentLike(_ f: UtteranceFeatures, first: Bool) -> Bool {
        let c = f.cues
        // Words only a customer says ("I already told you", "I'm leaving", "this is a joke") outweigh agent-like ones
        // ("account number" in "I already told you my account number").
        if ["repeatInfo", "crossCall", "churn", "anger", "escalation", "disappointment", "anxiety", "confusion", "customerResolved"].contains(where: { c[$0] != nil }) { return false }
        if first && (c["greeting"] != nil || c["introduction"] != nil) { return true }
        for k in ["empathy", "hold", "holdThanks", "transfer", "callback", "verificationAsk", "resolutionCheck", "closing", "unhelpful",
                  "escalationRefused", "escalationAccepted", "pendingWork"] where c[k] != nil { return true }
        return completedAction(f) != nil
    }

    /// Customer turns with valence read in context. Features are returned in the same order; only the customer side changes.
    static func adjusted(_ f: [UtteranceFeatures]) -> [UtteranceFeatures] {
        let customerIdx = Set(CallSentiment.customerTurns(f).map(\.utterance.index))
        var out = f
        var open = false, churnSaid = false
        for k in out.indices {
            let x = out[k]
            guard customerIdx.contains(x.utterance.index) else {
                if completedAction(x) != nil { open = false }
                continue
            }
            var c = x.sentiment.compound
            let resolvedWords = x.cues["customerResolved"] != nil
            // The problem may be told in the same turn as the ironic praise ("Great service, truly. Three weeks I've waited.").
            if (open || x.cues["problem"] != nil) && !resolvedWords && x.cues["sarcasmMarker"] != nil && (x.sentiment.positiveMass >= 1 || c >= 0) {
                c = -max(0.45, abs(c)); out[k].cues["sarcasm"] = x.cues["sarcasmMarker"]
            }
            // Not understanding is not disliking: a confused turn without complaint cues stays near neutral.
            if x.cues["confusion"] != nil && x.cues["anger"] == nil && x.cues["escalation"] == nil && x.cues["churn"] == nil { c = max(c, -0.2) }
            // Declining a retention offer after saying they will leave keeps the call negative ("Thanks, but no.").
            if churnSaid && x.cues["churn"] == nil && x.cues["decline"] != nil && !resolvedWords { c = min(c, -0.3) }
            let strong = ["anger", "escalation", "churn", "repeatInfo", "disappointment", "anxiety", "sarcasm"].contains { out[k].cues[$0] != nil }
            if strong && !resolvedWords { c = min(c, -0.45) }
            else if (x.cues["problem"] != nil || x.cues["crossCall"] != nil) && x.cues["confusion"] == nil && !resolvedWords && c < 0.3 { c = min(c, -0.25) }
            out[k].sentiment.compound = round3(c)
            if x.cues["problem"] != nil || x.cues["churn"] != nil || x.cues["escalation"] != nil || c <= -0.3 { open = true }
            if x.cues["churn"] != nil { churnSaid = true }
        }
        return out
    }
}
