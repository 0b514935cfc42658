// Hand-written EN/TR cue lexicons (Tapedeck team, no third-party source). Patterns: see CueMatcher.swift.
// Turkish entries use prefixes (word*) because suffixes carry person, tense and case.
enum Cues {
    static let problem = CueList(
        en: ["not working", "doesn't work", "does not work", "isn't working", "stopped working", "broken", "problem with",
             "issue with", "can't", "cannot", "couldn't", "overcharged", "charged twice", "double charged", "wrong", "no signal",
             "keeps dropping", "drops", "down", "late", "never arrived", "hasn't arrived", "didn't arrive", "not arrived",
             "calling about", "calling because", "slow", "disconnect*", "error", "failed", "missing", "outage", "still not"],
        tr: ["çalışmıyor*", "çalışmadı*", "bozuk*", "bozul*", "sorun*", "problem*", "arıza*", "yanlış*", "fazla ücret*",
             "fazla para", "fazla fatura*", "çekmiyor*", "gelmedi*", "gecikti*", "kesil*", "kopuyor*", "yavaş*", "açılmıyor*",
             "bağlanamıyor*", "yapamıyor*", "giremiyor*", "ödeyemiyor*", "için arıyorum", "hata*", "eksik*", "iki kez",
             "iki defa", "hala", "hâlâ", "ulaşmadı*"])
    static let churn = CueList(
        en: ["cancel", "cancel my", "close my account", "switch to", "switching to", "leave", "leaving", "terminate",
             "port my number", "moving to"],
        tr: ["iptal etmek", "iptal ettir*", "iptal et", "numaramı taşı*", "taşıyacağım", "başka operatör*", "geçeceğim",
             "geçiyorum", "aboneliğimi iptal*", "hattımı kapat*", "sözleşmeyi fesh*", "fesih*"])
    static let escalation = CueList(
        en: ["speak ~ manager", "speak ~ supervisor", "talk ~ manager", "talk ~ supervisor", "your manager", "a supervisor",
             "real person", "a human", "escalate", "connect me ~ manager", "file a complaint", "report you", "lawyer",
             "regulator", "consumer protection", "sue"],
        tr: ["yönetici*", "amir*", "yetkili*", "müdür*", "şikayet edeceğim", "şikayetçi olacağım", "tüketici hakem*",
             "btk", "cimer", "avukat*", "dava aç*", "üst birim*"])
    static let hold = CueList(
        en: ["please hold", "put you on hold", "place you on hold", "on hold for a moment", "hold on a moment",
             "bear with me", "one moment please", "let me check", "hold the line"],
        tr: ["hatta kal*", "bekletiyorum", "bekleteceğim", "beklemeye al*", "bekletebilir miyim", "kısa bir süre bekle*",
             "bir dakika bekle*", "kontrol ediyorum", "kontrol edeyim", "hatta bekle*"])
    static let holdPermission = CueList(
        en: ["may i put you on hold", "may i place you on hold", "can i put you on hold", "do you mind if i put you",
             "is it okay if i place you", "mind holding"],
        tr: ["bekletebilir miyim", "bekletmemde sakınca", "beklemeye alabilir miyim", "hatta kalabilir misiniz"])
    static let holdThanks = CueList(
        en: ["thank you for holding", "thanks for holding", "thank you for waiting", "thanks for waiting",
             "thank you for your patience", "sorry for the wait"],
        tr: ["beklediğiniz için", "beklettiğim için", "sabrınız için"])
    static let transfer = CueList(
        en: ["transfer you", "transferring you", "put you through", "connect you to", "redirect you"],
        tr: ["aktarıyorum", "aktaracağım", "bağlıyorum", "bağlayacağım", "yönlendiriyorum", "yönlendireceğim",
             "ilgili birim*"])
    static let verificationAsk = CueList(
        en: ["verify", "confirm your", "date of birth", "security question", "last four digits", "account number",
             "your full name", "postcode", "zip code"],
        tr: ["doğrula*", "kimlik numara*", "tc kimlik", "doğum tarih*", "güvenlik soru*", "son dört hane*", "adınızı ve soyadınızı"])
    static let verificationFail = CueList(
        en: ["can't verify", "cannot verify", "unable to verify", "couldn't verify", "doesn't match", "does not match",
             "don't match", "not match our records", "verification failed"],
        tr: ["doğrulayamadım", "doğrulayamıyorum", "doğrulanamadı*", "eşleşmiyor*", "uyuşmuyor*", "bilgiler hatalı"])
    static let repeatInfo = CueList(
        en: ["already told you", "i already said", "as i said", "like i said", "i told you", "told you already",
             "repeat myself", "for the third time", "how many times", "again and again", "i just said"],
        tr: ["daha önce söyledim", "az önce söyledim", "söyledim zaten", "zaten söyledim", "tekrar ediyorum",
             "kaç kere söyle*", "kaç kez söyle*", "demin söyledim", "defalarca söyle*", "tekrar tekrar"])
    static let crossCall = CueList(
        en: ["third time i'm calling", "third time calling", "called yesterday", "called last week", "called before",
             "calling again", "called three times", "called twice", "second time i'm calling", "second time calling"],
        tr: ["üçüncü kez arıyorum", "üçüncü defa arıyorum", "ikinci kez arıyorum", "tekrar arıyorum", "yine arıyorum",
             "dün de aradım", "geçen hafta da aradım", "kaçıncı kez arıyorum", "defalarca aradım"])
    static let empathy = CueList(
        en: ["i understand", "i'm sorry", "i am sorry", "sorry to hear", "i apologize", "i apologise", "my apologies",
             "that must be", "i can see why", "you're right", "you are right", "i completely understand"],
        tr: ["anlıyorum", "haklısınız", "özür dilerim", "kusura bakmayın", "üzgünüm", "yaşadığınız sorun için",
             "sizi anlıyorum", "çok üzgünüm", "mağduriyet*"])
    static let unhelpful = CueList(
        en: ["not my problem", "calm down", "nothing i can do", "not my fault", "you should have", "that's your problem",
             "i can't help you"],
        tr: ["benim yapabileceğim bir şey yok", "sakin olun", "benim sorunum değil", "yapacak bir şey yok", "sizin hatanız"])
    static let polite = CueList(
        en: ["please", "thank you", "thanks", "you're welcome", "my pleasure", "happy to help", "glad to help"],
        tr: ["lütfen", "teşekkür*", "rica ederim", "efendim", "sağ olun", "memnuniyetle", "estağfurullah"])
    static let rude = CueList(
        en: ["shut up", "stupid", "idiot", "whatever", "don't care"],
        tr: ["kapa çeneni", "aptal*", "salak*", "umurumda değil", "bana ne"])
    static let greeting = CueList(
        en: ["hello", "hi", "good morning", "good afternoon", "good evening", "welcome", "thank you for calling",
             "thanks for calling"],
        tr: ["merhaba", "iyi günler", "günaydın", "iyi akşamlar", "hoş geldiniz", "aradığınız için teşekkür*"])
    static let introduction = CueList(
        en: ["my name is", "this is", "speaking", "you're speaking with", "you are speaking with", "i'm"],
        tr: ["ben ~ yardımcı", "benim adım", "adım", "ben", "görüşüyorsunuz"])
    static let resolutionCheck = CueList(
        en: ["anything else", "does that solve", "does that help", "is that okay", "did that fix", "is there anything",
             "does that answer"],
        tr: ["başka ~ yardımcı olabileceğim", "başka bir konu", "başka bir isteğiniz", "sorununuz çözüldü mü",
             "başka sorunuz", "yardımcı olabileceğim başka"])
    static let closing = CueList(
        en: ["have a nice day", "have a great day", "goodbye", "bye", "thank you for calling", "thanks for calling",
             "have a good day", "take care", "thank you for your time"],
        tr: ["iyi günler", "iyi akşamlar", "hoşça kalın", "görüşmek üzere", "tercih ettiğiniz için", "iyi çalışmalar",
             "aradığınız için teşekkür*"])
    static let outcome = CueList(
        en: ["i've processed", "i have processed", "i've applied", "i have applied", "i've reset", "i have reset",
             "i've refunded", "i have refunded", "refund has been", "it's done", "it is done", "has been fixed",
             "i've fixed", "i have fixed", "it is fixed", "it's fixed", "i've updated", "i have updated", "i've cancelled", "i have cancelled",
             "is now active", "i've added", "i have added", "i've credited", "i have credited", "i've sent", "i've restarted"],
        tr: ["iade ettim", "iade edildi", "tanımladım", "tanımlandı", "düzelttim", "düzeltildi", "iptal ettim", "iptal edildi",
             "tamamlandı", "çözdüm", "çözüldü", "yeniledim", "sıfırladım", "gönderdim", "güncelledim", "aktif edildi",
             "yükledim", "açtım"])
    static let nextStep = CueList(
        en: ["i will", "i'll", "we will", "we'll", "call you back", "within ~ days", "within ~ hours", "technician will",
             "you will receive", "you'll receive", "i've opened a ticket", "i have opened a ticket", "i've created a ticket"],
        tr: ["göndereceğim", "göndereceğiz", "arayacağım", "arayacağız", "dönüş yapılacak", "dönüş yapacağız",
             "saat içinde", "gün içinde", "talep oluşturdum", "kayıt oluşturdum", "ekibimiz ~ gelecek", "teknisyen*",
             "yapılacak", "iletilecek", "iletiyorum"])
    static let callback = CueList(
        en: ["call you back", "get back to you", "call you tomorrow", "we'll call you", "we will call you", "i'll call you", "i will call you"],
        tr: ["arayacağım", "arayacağız", "dönüş yapılacak", "dönüş yapacağız", "geri dönüş*", "sizi arayacak*"])
    static let customerResolved = CueList(
        en: ["that fixed it", "it works now", "working now", "that solves", "that's great", "perfect thank you",
             "that helps", "problem solved", "all good now", "that's all", "that is all", "that's everything"],
        tr: ["çözüldü", "düzeldi", "oldu teşekkür*", "tamamdır teşekkür*", "çalışıyor şimdi", "şimdi çalışıyor",
             "halloldu", "harika teşekkür*", "sorun kalmadı", "bu kadar teşekkür*"])

    // Emotion cues (customer side only).
    static let anger = CueList(
        en: ["ridiculous", "unacceptable", "outrageous", "disgusting", "furious", "angry", "fed up", "joke", "pathetic",
             "terrible service", "worst", "useless", "incompetent", "how dare", "file a complaint", "lawyer", "sue"],
        tr: ["rezalet*", "saçma*", "kabul edilemez", "yazıklar olsun", "şikayet edeceğim", "dava aç*", "berbat*",
             "kızgın*", "sinirlen*", "sinirliyim", "bıktım", "bıktınız", "yeter artık", "utanç*", "skandal*", "avukat*"])
    static let frustration = CueList(
        en: ["again", "still", "third time", "already told", "waited", "waiting", "every time", "keeps happening",
             "how many times", "for hours", "for days", "for weeks", "nobody", "no one", "waste of time"],
        tr: ["yine", "hala", "hâlâ", "tekrar", "üçüncü kez", "kaçıncı kez", "bekliyorum", "bekledim", "defalarca",
             "her seferinde", "sinir bozucu", "kimse", "günlerdir", "haftalardır", "saatlerdir", "vakit kaybı"])
    static let anxiety = CueList(
        en: ["worried", "worry", "urgent", "urgently", "scared", "afraid", "as soon as possible", "asap", "nervous",
             "concerned", "emergency", "i need it today", "panic"],
        tr: ["endişe*", "acil*", "korkuyorum", "kork*", "bir an önce", "en kısa sürede", "tedirgin*", "panik*",
             "merak ediyorum", "acele*"])
    static let confusion = CueList(
        en: ["i don't understand", "don't get it", "what do you mean", "confused", "confusing", "not sure what",
             "i'm lost", "makes no sense", "doesn't make sense", "what does that mean", "can you explain"],
        tr: ["anlamadım", "anlayamadım", "ne demek", "nasıl yani", "kafam karış*", "anlamıyorum", "açıklar mısınız",
             "ne anlama geliyor", "emin değilim"])
    static let disappointment = CueList(
        en: ["disappointed", "disappointing", "expected better", "let down", "i expected", "shame", "not what i expected"],
        tr: ["hayal kırıklığı*", "beklemiyordum", "beklentimi karşıla*", "üzüldüm", "yazık", "daha iyisini bekler*"])
    static let gratitude = CueList(
        en: ["thank you", "thanks", "appreciate", "great", "perfect", "wonderful", "that fixed it", "works now", "helpful"],
        tr: ["teşekkür*", "sağ ol*", "eksik olmayın", "harika*", "süper", "çok iyi", "memnun kaldım", "çözüldü", "düzeldi"])
}
