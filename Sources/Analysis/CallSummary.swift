// The supervisor's summary, built from what the analysis found rather than quoted: the issue as a
// topic, what the agent did, the outcome, commitments with the time said, and the risk. Rendered
// from fixed EN and TR templates, so the same analysis always gives the same sentence and no
// recognition error in a customer sentence is passed through.
enum CallSummary {
    struct Topic { let key: String; let en: String; let tr: String; let prefixes: [String] }

    // Most specific first: "refund for a damaged item" is about the refund.
    static let topics: [Topic] = [
        Topic(key: "refund", en: "a refund", tr: "iade", prefixes: ["refund", "money back", "returned", "iade", "param"]),
        Topic(key: "double_charge", en: "a double charge", tr: "mükerrer çekim", prefixes: ["twice", "double", "iki kez", "iki kere", "mükerrer", "iki defa"]),
        Topic(key: "claim", en: "an insurance claim", tr: "sigorta hasar talebi", prefixes: ["claim", "hasar", "talebim", "kasko"]),
        Topic(key: "premium", en: "a policy price or premium", tr: "poliçe fiyatı veya prim", prefixes: ["premium", "renewal", "prim", "yenileme", "poliçe"]),
        Topic(key: "flight", en: "a flight", tr: "uçuş", prefixes: ["flight", "uçuş", "rebook"]),
        Topic(key: "baggage", en: "baggage", tr: "bagaj", prefixes: ["bag", "suitcase", "luggage", "bagaj", "valiz"]),
        Topic(key: "seat", en: "a seat booking", tr: "koltuk rezervasyonu", prefixes: ["seat", "legroom", "koltuk"]),
        Topic(key: "card", en: "a bank card", tr: "banka kartı", prefixes: ["card", "kart"]),
        Topic(key: "money_transfer", en: "a money transfer", tr: "para transferi", prefixes: ["transfer i", "landlord", "havale", "eft"]),
        Topic(key: "fee", en: "an unexpected fee", tr: "beklenmeyen bir kesinti", prefixes: ["fee", "kesinti"]),
        Topic(key: "app_login", en: "app or account access", tr: "uygulama veya hesap girişi", prefixes: ["log in", "login", "app", "password", "uygulama", "şifre", "giriş"]),
        Topic(key: "energy", en: "an energy bill or meter", tr: "enerji faturası veya sayaç", prefixes: ["meter", "electricity", "gas", "hot water", "direct debit", "sayaç", "elektrik", "doğalgaz", "gaz", "otomatik ödeme", "talimat"]),
        Topic(key: "delivery", en: "an order delivery", tr: "sipariş teslimatı", prefixes: ["order", "deliver", "package", "parcel", "courier", "sipariş", "kargo", "teslimat", "paket"]),
        Topic(key: "damaged", en: "a damaged item", tr: "hasarlı ürün", prefixes: ["cracked", "broken", "damaged", "çatlak", "kırık", "hasarlı"]),
        Topic(key: "connectivity", en: "a connection problem", tr: "bağlantı sorunu", prefixes: ["internet", "broadband", "wifi", "modem", "signal", "connection", "network", "sinyal", "çekmiyor", "bağlantı", "şebeke"]),
        Topic(key: "tv", en: "a TV service", tr: "TV hizmeti", prefixes: ["tv", "box", "channel", "televizyon", "kutu", "kanal"]),
        Topic(key: "billing", en: "a bill", tr: "fatura", prefixes: ["bill", "invoice", "charge", "fatura", "ücret", "tarife"]),
        Topic(key: "plan", en: "a plan or contract", tr: "tarife veya sözleşme", prefixes: ["plan", "contract", "policy", "sözleşme", "paket"]),
    ]

    static func topic(of f: UtteranceFeatures) -> Topic? {
        let text = " " + f.tokenized.tokens.map(\.text).joined(separator: " ")
        return topics.first { t in t.prefixes.contains { text.contains(" " + $0) } }
    }

    static let outcomes: [String: (en: String, tr: String)] = [
        "refund_issued": ("issued a refund", "iade başlattı"), "flight_rebooked": ("rebooked the flight", "uçuşu yeniden ayarladı"),
        "charge_reversed": ("reversed the charge or block", "ücreti ya da engeli kaldırdı"), "service_reset": ("reset the service", "hizmeti yeniden başlattı"),
        "delivery_arranged": ("arranged a delivery", "yeni bir gönderim ayarladı"), "request_approved": ("approved the request", "talebi onayladı"),
        "bill_corrected": ("corrected the bill", "faturayı düzeltti"), "change_completed": ("completed the change", "istenen işlemi yaptı"),
    ]

    /// What a finished action did, as an outcome key.
    static func outcomeKey(_ f: UtteranceFeatures) -> String {
        let text = " " + f.tokenized.tokens.map(\.text).joined(separator: " ")
        func has(_ words: [String]) -> Bool { words.contains { text.contains(" " + $0) } }
        if has(["refund", "iade"]) { return "refund_issued" }
        if has(["rebook", "uçuşuna", "flight", "uçuş"]) { return "flight_rebooked" }
        if has(["cancelled", "reversed", "removed", "taken", "lifted", "iptal", "sildim", "kaldırdım", "çıkardım"]) { return "charge_reversed" }
        if has(["reset", "re ", "activation", "sıfırla", "yeniden", "aktivasyon", "eşleştir"]) { return "service_reset" }
        if has(["sent", "arranged", "replacement", "located", "courier", "gönder", "ayarladım", "kurye", "bulduk"]) { return "delivery_arranged" }
        if has(["approved", "applied", "onayla", "uygula"]) { return "request_approved" }
        if has(["reading", "bill", "debit", "okuma", "fatura", "talimat"]) { return "bill_corrected" }
        return "change_completed"
    }

    static func build(_ f: [UtteranceFeatures], status: String, issues: [ProcessIssue], mentions: [MarketingMention]) -> SummaryDetail {
        let customer = CallSentiment.customerTurns(f)
        let customerIdx = Set(customer.map(\.utterance.index))
        let agentSide = f.filter { !customerIdx.contains($0.utterance.index) }
        let types = Set(issues.map(\.type))
        let issueTurn = customer.first { $0.cues["problem"] != nil || $0.cues["churn"] != nil } ?? customer.first
        let topic = customer.lazy.compactMap(topic(of:)).first
        let isQuestion = issueTurn.map { $0.cues["problem"] == nil && $0.cues["churn"] == nil && $0.tokenized.questionMarks > 0 } ?? false
        let complained = customer.contains { $0.cues["problem"] != nil || $0.cues["churn"] != nil || $0.cues["escalation"] != nil || $0.sentiment.compound <= -0.3 }
        let kind = issueTurn == nil ? "none" : (isQuestion ? "question" : (complained ? "complaint" : "request"))

        var tried: [String] = []
        func note(_ s: String) { if !tried.contains(s) { tried.append(s) } }
        var outcome: String?
        var action: String?
        for a in agentSide {
            if a.cues["verificationFail"] != nil { tried.removeAll { $0 == "verified" }; note("verification_failed") }
            else if a.cues["verificationAsk"] != nil && !tried.contains("verification_failed") { note("verified") }
            if a.cues["hold"] != nil { note("hold") }
            if a.cues["retention"] != nil { note("retention_offer") }
            if a.cues["escalationAccepted"] != nil { note("escalated") }
            if a.cues["escalationRefused"] != nil { note("escalation_declined") }
            if a.cues["unhelpful"] != nil { note("dismissed") }
            if a.cues["pendingWork"] != nil && a.cues["escalationAccepted"] == nil { note("case_logged") }
            if CallContext.completedAction(a) != nil { outcome = outcomeKey(a); action = SummaryFacts.action(a) }
        }
        if types.contains("transfer") || types.contains("multiple_transfers") { note("transferred") }
        if kind == "question" && status == "resolved" && outcome == nil { note("answered") }

        var commitments: [Commitment] = []
        for a in agentSide {
            // Regular expressions only on turns that can carry a commitment: live updates re-run this for every turn.
            let done = CallContext.completedAction(a) != nil
            if a.cues["callback"] != nil {
                commitments.append(Commitment(what: "callback", when: TimeExpressions.find(a.utterance.text, language: a.utterance.language),
                                              who: SummaryFacts.team(a)))
            } else if done || a.cues["nextStep"] != nil || a.cues["pendingWork"] != nil,
                      let when = TimeExpressions.find(a.utterance.text, language: a.utterance.language) {
                commitments.append(Commitment(what: done ? "result_due" : "follow_up", when: when, who: done ? nil : SummaryFacts.team(a)))
            }
        }

        var risks: [String] = []
        if types.contains("churn_intent") {
            let competitors = mentions.filter { $0.type == "competitor" && $0.speaker != .agent }.map(\.canonical)
            var unique: [String] = []
            for c in competitors where !unique.contains(c) { unique.append(c) }
            risks.append(unique.isEmpty ? "churn" : "churn:" + unique.joined(separator: ", "))
        }
        if let e = issues.first(where: { $0.type == "escalation_request" }) {
            let complaintThreat = f.contains { $0.cues["escalation"].map { ["lawyer", "regulator", "consumer protection", "sue", "report you", "file a complaint", "btk", "cimer", "avukat*", "dava aç*", "tüketici hakem*", "şikayet edeceğim"].contains($0) } ?? false }
            risks.append(complaintThreat ? "complaint_threat" : (e.evidence.contains("declined") ? "escalation_declined" : "escalation"))
        }
        // A threat on a condition ("if it isn't fixed by Friday I'll go to the regulator") is a risk, not an escalation.
        if !types.contains("escalation_request"), customer.contains(where: { $0.cues["conditionalThreat"] != nil }) { risks.append("conditional_complaint_threat") }
        if f.contains(where: { $0.cues["crossCall"] != nil && customerIdx.contains($0.utterance.index) }) || types.contains("customer_repeats_information") { risks.append("repeat_contact") }
        if let last = customer.last, last.sentiment.compound <= -0.3, status != "resolved" { risks.append("ended_dissatisfied") }

        return SummaryDetail(issue: topic?.key, issueKind: kind, tried: tried, outcome: outcome, commitments: commitments, risks: risks,
                             amount: kind == "none" ? nil : SummaryFacts.amount(customer), action: action, status: status)
    }

    static func render(_ s: SummaryDetail, language: String) -> String {
        let tr = language == "tr"
        let topic = s.issue.flatMap { key in topics.first { $0.key == key } }
        var parts: [String] = []
        // The amount the customer named, in the call's own words: "(sixty-four pounds)".
        let amount = s.amount.map { " (\($0))" } ?? ""
        switch (s.issueKind, tr) {
        case ("none", false): parts.append("The customer has not stated an issue yet.")
        case ("none", true): parts.append("Müşteri henüz bir konu belirtmedi.")
        case ("question", false): parts.append("The customer asked about \(topic?.en ?? "their account").")
        case ("question", true): parts.append("Müşteri \(topic?.tr ?? "hesabı") hakkında bilgi istedi.")
        case ("request", false): parts.append(topic.map { "The customer called with a request about \($0.en)\(amount)." } ?? "The customer called with a request\(amount).")
        case ("request", true): parts.append(topic.map { "Müşteri \($0.tr)\(amount) ile ilgili bir talep için aradı." } ?? "Müşteri bir talep\(amount) için aradı.")
        case (_, false): parts.append(topic.map { "The customer called about \($0.en)\(amount)." } ?? "The customer called with a complaint\(amount).")
        case (_, true): parts.append(topic.map { "Müşteri \($0.tr)\(amount) nedeniyle aradı." } ?? "Müşteri bir şikayetle\(amount) aradı.")
        }
        let en: [String: String] = ["verified": "verified the caller", "verification_failed": "could not verify the caller",
            "hold": "put the customer on hold to check", "retention_offer": "offered a retention deal", "escalated": "escalated to a supervisor",
            "escalation_declined": "declined a supervisor request", "dismissed": "gave no way forward", "case_logged": "logged a case",
            "transferred": "transferred the call", "answered": "answered the question"]
        let trNames: [String: String] = ["verified": "kimlik doğrulaması yaptı", "verification_failed": "kimliği doğrulayamadı",
            "hold": "müşteriyi beklemeye alıp kontrol etti", "retention_offer": "müşteriyi tutmak için teklif sundu",
            "escalated": "konuyu yöneticiye iletti", "escalation_declined": "yönetici talebini geri çevirdi", "dismissed": "bir çözüm yolu sunmadı",
            "case_logged": "kayıt açtı", "transferred": "çağrıyı aktardı", "answered": "soruyu yanıtladı"]
        var actions = s.tried.compactMap { tr ? trNames[$0] : en[$0] }
        // The agent's own words when they said what they did ("cancelled the duplicate charge"), else the outcome's name.
        if let a = s.action, !tr { actions.append(a) }
        else if let o = s.outcome.flatMap({ outcomes[$0] }) { actions.append(tr ? o.tr : o.en) }
        if !actions.isEmpty { parts.append((tr ? "Temsilci " : "The agent ") + list(actions, and: tr ? "ve" : "and") + ".") }
        let statusName: [String: String] = tr
            ? ["resolved": "çözüldü", "unresolved": "çözülmedi", "transferred": "başka birime aktarıldı", "escalated": "üst birime taşındı", "in_progress": "görüşme sürüyor"]
            : ["resolved": "resolved", "unresolved": "not resolved", "transferred": "transferred to another team", "escalated": "escalated", "in_progress": "call in progress"]
        parts.append((tr ? "Sonuç: " : "Outcome: ") + (statusName[s.status] ?? s.status) + ".")
        if !s.commitments.isEmpty {
            let items = s.commitments.map { c -> String in
                let refund = s.outcome == "refund_issued"
                let what = tr ? (c.what == "callback" ? "geri arama" : (c.what == "result_due" ? (refund ? "iade" : "sonuç") : "takip"))
                              : (c.what == "callback" ? "a callback" : (c.what == "result_due" ? (refund ? "the refund" : "the result") : "a follow-up"))
                // Who owns it, as named: "a callback from the billing team by friday", "Fatura ekibinden cuma geri arama".
                let owner = c.who.map { tr ? "\($0) ekibinden " : " from the \($0) team" } ?? ""
                guard let when = c.when else { return tr ? owner + what : what + owner }
                return tr ? "\(owner)\(when) \(what)" : "\(what)\(owner) \(when)"
            }
            var unique: [String] = []
            for i in items where !unique.contains(i) { unique.append(i) }
            parts.append((tr ? "Taahhüt: " : "Commitment: ") + unique.joined(separator: "; ") + ".")
        }
        if !s.risks.isEmpty {
            let names = s.risks.map { r -> String in
                if r.hasPrefix("churn:") { return (tr ? "ayrılma niyeti (" : "churn (") + r.dropFirst(6) + ")" }
                switch r {
                case "churn": return tr ? "ayrılma niyeti" : "churn"
                case "complaint_threat": return tr ? "resmi şikayet tehdidi" : "formal complaint threat"
                case "conditional_complaint_threat": return tr ? "çözülmezse şikayet edeceğini söyledi" : "threatened to complain if not fixed"
                case "escalation": return tr ? "yönetici talebi" : "escalation requested"
                case "escalation_declined": return tr ? "karşılanmayan yönetici talebi" : "supervisor request declined"
                case "repeat_contact": return tr ? "tekrar eden başvuru" : "repeat contact"
                case "ended_dissatisfied": return tr ? "müşteri memnuniyetsiz kapattı" : "customer ended dissatisfied"
                default: return r
                }
            }
            parts.append("Risk: " + names.joined(separator: "; ") + ".")
        }
        return parts.joined(separator: " ")
    }

    static func list(_ items: [String], and: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(and) " + items.last!
    }
}
