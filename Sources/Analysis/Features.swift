// Per-utterance features, computed once and cached in AnalysisState (the live pipeline re-analyses
// the whole transcript after every final utterance; only the new utterance pays for tokenizing/scoring).

struct UtteranceFeatures: Equatable, Sendable {
    var utterance: TranscriptUtterance
    var tokenized: TokenizedText
    var sentiment: UtteranceSentiment
    var cues: [String: String]  // cue-set name → matched pattern
    var contentStems: [String]  // sorted, unique: for repeated-problem similarity
    var concepts: [String]      // sorted concept keys
    var mentions: [MarketingMention]
    var finishedAction: String? = nil  // CallContext.detectCompletedAction
}

enum FeatureExtractor {
    static let cueSets: [(String, CueList)] = [
        ("problem", Cues.problem), ("churn", Cues.churn), ("escalation", Cues.escalation), ("hold", Cues.hold),
        ("holdPermission", Cues.holdPermission), ("holdThanks", Cues.holdThanks), ("transfer", Cues.transfer),
        ("verificationAsk", Cues.verificationAsk), ("verificationFail", Cues.verificationFail),
        ("repeatInfo", Cues.repeatInfo), ("crossCall", Cues.crossCall), ("empathy", Cues.empathy),
        ("unhelpful", Cues.unhelpful), ("polite", Cues.polite), ("rude", Cues.rude), ("greeting", Cues.greeting),
        ("introduction", Cues.introduction), ("resolutionCheck", Cues.resolutionCheck), ("closing", Cues.closing),
        ("outcome", Cues.outcome), ("nextStep", Cues.nextStep), ("callback", Cues.callback), ("customerResolved", Cues.customerResolved),
        ("escalationRefused", Cues.escalationRefused), ("escalationAccepted", Cues.escalationAccepted),
        ("pendingWork", Cues.pendingWork), ("acknowledged", Cues.acknowledged), ("sarcasmMarker", Cues.sarcasmMarker), ("retention", Cues.retention), ("decline", Cues.decline),
        ("anger", Cues.anger), ("frustration", Cues.frustration), ("anxiety", Cues.anxiety),
        ("confusion", Cues.confusion), ("disappointment", Cues.disappointment), ("gratitude", Cues.gratitude),
    ]

    static func extract(_ u: TranscriptUtterance, stemmers: Stemmers, dictionary: [CompiledEntry]) -> UtteranceFeatures {
        let lang = u.language == "tr" ? "tr" : "en"
        let tok = Tokenizer.tokenize(u.text, language: lang)
        var cues: [String: String] = [:]
        for (name, list) in cueSets {
            if let m = list.match(tok.tokens, language: lang) { cues[name] = m }
        }
        if cues["problem"] == nil, let m = CallContext.grammaticalProblem(tok, language: lang) { cues["problem"] = m }
        if cues["churn"] == nil, let m = CallContext.movingToNamedCompany(u.text, tok, language: lang) { cues["churn"] = m }
        ConditionalThreats.separate(&cues, tok, language: lang)
        let stop = lang == "tr" ? Stopwords.tr : Stopwords.en
        var stems = Set<String>()
        for t in tok.tokens where t.base.count >= 3 && !stop.contains(t.base) && !t.base.allSatisfy(\.isNumber)
            && !t.base.hasPrefix("değil") {
            stems.insert(stemmers.stem(t.base, language: lang))
        }
        var concepts = Set<String>()
        for t in tok.tokens {
            for (key, prefixes) in Concepts.table where prefixes.contains(where: { t.base.hasPrefix($0) }) { concepts.insert(key) }
        }
        var features = UtteranceFeatures(utterance: u, tokenized: tok,
                                 sentiment: SentimentScorer.score(tok, language: lang),
                                 cues: cues, contentStems: stems.sorted(), concepts: concepts.sorted(),
                                 mentions: MentionMatcher.find(u, tok.tokens, dictionary))
        features.finishedAction = CallContext.detectCompletedAction(features)
        return features
    }
}

enum Concepts {
    // Concept key → token prefixes (EN and TR). Ordered array so iteration is deterministic.
    static let table: [(String, [String])] = [
        ("billing", ["bill", "invoice", "charge", "overcharg", "payment", "fatura", "ücret", "ödeme", "tahsil", "borç"]),
        ("connectivity", ["internet", "wifi", "modem", "connection", "signal", "network", "bağlantı", "sinyal", "çekmiyor", "şebeke", "kopuyor"]),
        ("delivery", ["deliver", "package", "parcel", "order", "shipment", "kargo", "sipariş", "teslimat", "paket"]),
        ("refund", ["refund", "money back", "iade", "geri ödeme"]),
        ("account", ["password", "login", "log in", "şifre", "giriş"]),
        ("device", ["phone", "device", "telefon", "cihaz"]),
    ]
}

enum Stopwords {
    // Negation-safe: used only for similarity and summary features, never before sentiment scoring.
    static let en: Set<String> = ["the", "and", "for", "you", "your", "this", "that", "with", "have", "has", "had", "are",
        "was", "were", "but", "not", "can", "could", "would", "will", "just", "about", "from", "they", "them", "there",
        "what", "when", "which", "who", "why", "how", "all", "any", "been", "being", "did", "does", "doing", "its",
        "it's", "i'm", "i've", "i'll", "she", "him", "her", "his", "our", "out", "too", "very", "again", "still", "now",
        "then", "than", "yes", "okay", "please", "thank", "thanks", "told", "said", "already", "calling", "call", "time",
        "my", "me", "is", "it", "to", "a", "an", "of", "in", "on", "at", "as", "be", "so", "do", "we", "he", "or", "if",
        "since", "some", "more", "also", "into", "over", "after", "before", "because", "like", "want", "need", "get", "got"]
    static let tr: Set<String> = ["bir", "ve", "bu", "şu", "o", "da", "de", "ile", "için", "ama", "fakat", "çok", "daha",
        "gibi", "kadar", "ben", "sen", "siz", "biz", "onlar", "benim", "sizin", "bizim", "mı", "mi", "mu", "mü", "ne",
        "neden", "nasıl", "evet", "hayır", "tamam", "lütfen", "efendim", "yine", "hala", "hâlâ", "zaten", "tekrar",
        "söyledim", "arıyorum", "şimdi", "hiç", "her", "hep", "diye", "artık", "önce", "sonra", "değil", "yok", "var",
        "olarak", "olan", "oldu", "ediyorum", "etti", "kez", "defa", "kere"]
}
