// Sentiment lexicons: VADER base (MIT, parsed from VaderLexiconData.swift) plus hand-written
// call-center overlays for English and a hand-curated Turkish stem lexicon (Tapedeck team).
enum SentimentLexicons {
    static let vader: [String: Double] = {
        var map: [String: Double] = [:]
        for line in vaderLexiconTSV.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2, let v = Double(parts[1]) { map[String(parts[0])] = v }
        }
        return map
    }()

    /// Overrides win over VADER. Intent/politeness words are neutral in calls; call-center words get a valence.
    static let enOverlay: [String: Double] = [
        "help": 0, "please": 0, "want": 0, "ok": 0, "okay": 0, "yes": 0, "sure": 0, "cancel": 0, "like": 0, "no": 0,
        "hold": 0, "well": 0, "pretty": 0, "kind": 0, "right": 0, "free": 0.5, "true": 0, "matter": 0, "care": 0,
        "unacceptable": -2.8, "ridiculous": -2.6, "overcharged": -2.2, "outage": -1.5, "slow": -1.2, "late": -1.0,
        "useless": -2.6, "waiting": -0.6, "dropping": -1.2, "disconnected": -1.5, "incompetent": -2.6,
        "fixed": 1.6, "resolved": 1.8, "solved": 1.8, "sorted": 1.2, "helpful": 2.0, "refunded": 1.0,
        "thanks": 0.8, "again": -0.4, "still": -0.3, "broken": -2.0, "error": -1.2, "wrong": -1.8, "missing": -1.2,
    ]

    static let enPhrases: [(Cue, Double)] = [
        ("third time", -2.0), ("already told you", -2.0), ("on hold for", -1.5), ("still not", -1.8),
        ("waste of time", -2.6), ("not working", -1.8), ("isn't working", -1.8), ("doesn't work", -1.8),
        ("does not work", -1.8), ("stopped working", -1.8), ("never works", -2.0), ("no signal", -1.8),
        ("charged twice", -2.0), ("double charged", -2.0), ("how many times", -1.8), ("for hours", -1.0),
        ("fed up", -2.6), ("that fixed it", 2.5), ("works now", 2.0), ("working now", 2.0),
        ("thank you so much", 2.6), ("thank you very much", 2.6), ("thank you", 0.8), ("expected better", -2.0), ("better price", 0), ("better offer", 0), ("better deal", 0), ("good morning", 0),
        ("good afternoon", 0), ("good evening", 0), ("no problem", 1.0), ("no worries", 1.0), ("of course", 0.4),
        ("sorry to hear", 0), ("happy to help", 1.4), ("have a nice day", 1.0), ("have a great day", 1.0),
        ("speak to a manager", -1.5), ("speak to your manager", -1.5), ("never arrived", -2.0),
        ("hasn't arrived", -1.6), ("not happy", -2.2), ("not good", -2.0), ("let me check", 0), ("make sense", 0),
        ("keep waiting", -1.5), ("same story", -1.5), ("nothing changes", -1.8), ("tired of", -2.0), ("sick of", -2.5),
        ("chasing", -1.2), ("not helping", -2.0), ("for nothing", -1.5), ("outrageous", -2.8), ("disgrace", -2.8),
        ("appalling", -2.8), ("shocking", -2.2), ("joke", -1.5), ("not much help", -1.8), ("weren't much help", -1.8), ("wasn't much help", -1.8),
    ].map { (Cue($0.0), $0.1) }

    /// Turkish stems, matched as the longest lexicon prefix of the token. Suffix-negation is detected after the stem.
    static let trStems: [String: Double] = [
        "memnun": 2.0, "memnuniyetsiz": -2.5, "teşekkür": 0.8, "harika": 3.0, "mükemmel": 3.0, "süper": 2.5,
        "güzel": 2.0, "iyi": 1.8, "çözül": 2.0, "çözdü": 1.8, "düzel": 2.0, "hallol": 2.0, "halled": 1.5, "yardımcı": 1.0,
        "ilgilen": 1.2, "beğen": 2.0, "sevin": 2.0, "rahatla": 1.5, "başarılı": 2.0, "sorunsuz": 2.0, "tatmin": 2.0,
        "çalışıyor": 1.0, "mutlu": 2.2, "şahane": 3.0, "kibar": 1.8, "hızlı": 0.8, "kolay": 1.0,
        "kötü": -2.2, "berbat": -3.0, "rezalet": -3.2, "saçma": -2.5, "felaket": -3.0, "korkunç": -3.0,
        "sorun": -1.5, "problem": -1.5, "arıza": -1.5, "bozuk": -2.0, "bozul": -2.0, "yanlış": -1.5, "mağdur": -2.5,
        "bıktı": -3.0, "bıktım": -3.0, "sinir": -2.2, "kızgın": -2.5, "şikayet": -1.5, "şikâyet": -1.5, "yavaş": -1.2,
        "gecik": -1.5, "kesil": -1.5, "kopuyor": -1.5, "çalışmıyor": -2.0, "çekmiyor": -2.0, "gelmedi": -1.5,
        "açılmıyor": -1.8, "maalesef": -1.0, "malesef": -1.0, "yazık": -2.0, "utanç": -2.5, "skandal": -3.0,
        "üzgün": -1.0, "endişe": -1.2, "korku": -1.5, "bekliyorum": -0.8, "bekledim": -0.8, "beklettiniz": -1.5,
        "hala": -0.5, "hâlâ": -0.5, "yine": -0.5, "kabul": 0.5, "olumsuz": -2.0, "olumlu": 2.0, "hata": -1.5,
        "eksik": -1.2, "fazladan": -1.5, "mağduriyet": -2.0, "perişan": -3.0, "bıkkın": -2.5, "dert": -1.5,
    ]

    static let trPhrases: [(Cue, Double)] = [
        ("hayal kırıklığı*", -2.5), ("kabul edilemez", -3.0), ("iyi günler", 0), ("iyi akşamlar", 0), ("iyi çalışmalar", 0),
        ("iyi geceler", 0), ("sağ olun", 1.5), ("sağ ol", 1.5), ("eksik olmayın", 2.0), ("çok teşekkür*", 2.6),
        ("vakit kaybı", -2.5), ("zaman kaybı", -2.5), ("üçüncü kez", -2.0), ("kaçıncı kez", -2.0), ("kaç kere", -1.8),
        ("söyledim zaten", -1.5), ("zaten söyledim", -1.5), ("fazla ücret*", -2.0), ("yazıklar olsun", -3.0),
        ("yeter artık", -2.5), ("sorun değil", 1.0), ("sorun yok", 1.0), ("problem değil", 1.0), ("problem yok", 1.0),
        ("kusura bakmayın", 0), ("rica ederim", 1.0),
        ("beklemeye devam", -1.5), ("aynı hikaye", -1.5), ("hiçbir şey değişmiyor", -1.8), ("yoruldum", -2.0), ("kovala*", -1.2),
        ("saçmalık", -2.8), ("komedi", -1.5), ("usandım", -2.5), ("yardımcı olmuyorsunuz", -2.0), ("hiçbir şey için", -1.5), ("iyi ki", 1.5), ("ne yazık ki", -1.0),
    ].map { (Cue($0.0), $0.1) }

    static let enNegators: Set<String> = ["not", "never", "no", "nothing", "nobody", "none", "neither", "nor", "cannot",
                                          "without", "hardly", "nowhere", "aint"]
    static let enBoosters: [String: Double] = ["very": 0.293, "really": 0.293, "extremely": 0.293, "so": 0.293,
        "totally": 0.293, "absolutely": 0.293, "completely": 0.293, "incredibly": 0.293, "super": 0.293, "truly": 0.293,
        "slightly": -0.293, "somewhat": -0.293, "barely": -0.293, "marginally": -0.293, "quite": 0.15]
    static let enContrast: Set<String> = ["but", "however", "although", "though"]

    static let trBoosters: [String: Double] = ["çok": 0.293, "gerçekten": 0.293, "aşırı": 0.293, "oldukça": 0.2,
        "tamamen": 0.293, "gayet": 0.293, "cidden": 0.293, "resmen": 0.293, "epey": 0.2, "fazlasıyla": 0.293,
        "son": 0.0, "derece": 0.293, "biraz": -0.293, "kısmen": -0.293, "pek": 0.0]
    static let trContrast: Set<String> = ["ama", "fakat", "ancak", "lakin", "yalnız"]
    static let trQuestionParticles: Set<String> = ["mı", "mi", "mu", "mü", "mısınız", "misiniz", "musunuz", "müsünüz",
        "mıyım", "miyim", "muyum", "müyüm", "mıdır", "midir", "mudur", "müdür", "mıydı", "miydi", "muydu", "müydü"]
}
