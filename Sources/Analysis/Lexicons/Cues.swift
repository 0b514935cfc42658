// Hand-written EN/TR cue lexicons (Tapedeck team, no third-party source). Patterns: see CueMatcher.swift.
// Turkish entries use prefixes (word*) because suffixes carry person, tense and case.
enum Cues {
    static let problem = CueList(
        en: ["stuck", "declined", "rejected", "haven't heard", "hasn't", "haven't had", "still hasn't", "no service", "no hot water", "cutting out", "cut off", "won't let me", "stopped", "higher than", "too high", "went up", "jumped", "twice", "cracked", "damaged", "lost", "don't recognise", "don't recognize", "never added", "didn't come", "didn't get", "got put", "nobody", "estimate", "isn't sending", "gone nowhere", "without a reason", "not working", "doesn't work", "does not work", "isn't working", "stopped working", "broken", "problem with",
             "issue with", "can't", "cannot", "couldn't", "overcharged", "charged twice", "double charged", "wrong", "no signal",
             "keeps dropping", "drops", "down", "late", "never arrived", "hasn't arrived", "didn't arrive", "not arrived",
             "calling about", "calling because", "slow", "disconnect*", "error", "failed", "missing", "outage", "still not",
             "been waiting", "weeks now", "days now"],
        tr: ["takıl*", "reddedil*", "yatmadı*", "çıkmadı*", "çatlak*", "kırık*", "iki kere", "iki katı", "tahmini", "habersiz", "gidip geliyor", "hizmet yok", "tanımadığım", "sebep yazmıyor", "eklemediğim", "oturttular", "yükseltilmiş", "kimse", "ses çıkmadı", "fazla geldi", "çekildi", "çektiniz", "çalışmıyor*", "çalışmadı*", "bozuk*", "bozul*", "sorun*", "problem*", "arıza*", "yanlış*", "fazla ücret*",
             "fazla para", "fazla fatura*", "çekmiyor*", "gelmedi*", "gecikti*", "kesil*", "kopuyor*", "yavaş*", "açılmıyor*",
             "bağlanamıyor*", "yapamıyor*", "giremiyor*", "ödeyemiyor*", "için arıyorum", "hata*", "eksik*", "iki kez",
             "iki defa", "hala", "hâlâ", "ulaşmadı*",
             // Waiting told as a duration: "üç haftadır bekliyorum", "on gündür".
             "haftadır", "gündür", "aydır", "saattir"])
    static let churn = CueList(
        en: ["switching", "moving my", "move my", "take my ~ to", "taking my business", "elsewhere", "another provider", "another company", "different company", "a competitor", "somewhere else", "close everything", "i'm leaving", "go somewhere", "cancel", "cancel my", "close my account", "switch to", "switching to", "leave", "leaving", "terminate",
             "port my number", "moving to"],
        tr: ["başka bir firma*", "başka bir şirket*", "başka yere", "başka yerde", "rakip*", "ayrılıyorum", "ayrılacağım", "götüreceğim", "taşıyorum", "kapatıp", "iptal etmek", "iptal ettir*", "iptal et", "numaramı taşı*", "taşıyacağım", "başka operatör*", "geçeceğim",
             "geçiyorum", "aboneliğimi iptal*", "hattımı kapat*", "sözleşmeyi fesh*", "fesih*"])
    static let escalation = CueList(
        en: ["supervisor*", "manager*", "team leader", "someone senior", "in charge", "above you", "escalat*", "speak ~ manager", "speak ~ supervisor", "talk ~ manager", "talk ~ supervisor", "your manager", "a supervisor",
             "real person", "a human", "escalate", "connect me ~ manager", "file a complaint", "report you", "lawyer",
             "regulator", "consumer protection", "sue"],
        tr: ["ekip lider*", "üst makam*", "üstünüzdeki", "üst düzey", "yönetici*", "amir*", "yetkili*", "müdür*", "şikayet edeceğim", "şikayetçi olacağım", "tüketici hakem*",
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
        en: ["putting you through", "connecting you", "being connected", "move your call", "passing you over", "pass you over", "transfer your call", "the transfer goes", "transfer you", "transferring you", "put you through", "connect you to", "redirect you"],
        // Not "ilgili birim" alone: "geri bildiriminizi ilgili birime ileteceğim" forwards feedback, the call stays here.
        tr: ["aktaracağım", "aktarılıyorsunuz", "bağlanıyorsunuz", "devrediyorum", "devredeceğim", "aktarma tamamlan*", "aktarıyorum", "aktaracağım", "bağlıyorum", "bağlayacağım", "yönlendiriyorum", "yönlendireceğim"])
    static let verificationAsk = CueList(
        en: ["verify", "confirm your", "date of birth", "security question", "last four digits", "account number",
             "your full name", "postcode", "zip code"],
        tr: ["doğrula*", "kimlik numara*", "tc kimlik", "doğum tarih*", "güvenlik soru*", "son dört hane*", "adınızı ve soyadınızı"])
    static let verificationFail = CueList(
        en: ["can't verify", "cannot verify", "unable to verify", "couldn't verify", "doesn't match", "does not match",
             "don't match", "not match our records", "verification failed"],
        tr: ["doğrulayamadım", "doğrulayamıyorum", "doğrulanamadı*", "eşleşmiyor*", "uyuşmuyor*", "bilgiler hatalı"])
    static let repeatInfo = CueList(
        en: ["already told", "told your colleague", "to the last person", "explained this", "explained it", "been through this", "gave all of this", "gave it to", "for the second time", "i've said", "said it before", "said to your colleague", "already told you", "i already said", "as i said", "like i said", "i told you", "told you already",
             "repeat myself", "for the third time", "how many times", "again and again", "i just said"],
        tr: ["da söyledim", "de söyledim", "anlattım zaten", "zaten anlattım", "kere anlattım", "kez anlattım", "dediğim gibi", "vermiştim", "söylemiştim", "anlatmıştım", "kez söylüyorum", "defa söylüyorum", "de anlattım", "da anlattım", "daha önce söyledim", "az önce söyledim", "söyledim zaten", "zaten söyledim", "tekrar ediyorum",
             "kaç kere söyle*", "kaç kez söyle*", "demin söyledim", "defalarca söyle*", "tekrar tekrar"])
    static let crossCall = CueList(
        en: ["your colleague", "last person", "on the phone before", "every time i call", "third time i'm calling", "third time calling", "called yesterday", "called last week", "called before",
             "calling again", "called three times", "called twice", "second time i'm calling", "second time calling"],
        tr: ["arkadaşınıza", "önceki kişi*", "her aradığımda", "üçüncü kez arıyorum", "üçüncü defa arıyorum", "ikinci kez arıyorum", "tekrar arıyorum", "yine arıyorum",
             "dün de aradım", "geçen hafta da aradım", "kaçıncı kez arıyorum", "defalarca aradım"])
    static let empathy = CueList(
        en: ["so sorry", "really sorry", "sorry you", "sorry for", "sorry about", "apologise", "apologize", "i hear you", "see why", "can imagine", "shouldn't have happened", "frustrating", "annoying", "stressful", "i understand", "i'm sorry", "i am sorry", "sorry to hear", "i apologize", "i apologise", "my apologies",
             "that must be", "i can see why", "you're right", "you are right", "i completely understand"],
        tr: ["üzüldüm", "tahmin edebiliyorum", "yaşanmamalıydı", "haklı olarak", "özür dile*", "can sıkıcı", "anlıyorum", "anlıyorum", "haklısınız", "özür dilerim", "kusura bakmayın", "üzgünüm", "yaşadığınız sorun için",
             "sizi anlıyorum", "çok üzgünüm", "mağduriyet*"])
    static let unhelpful = CueList(
        en: ["how the system works", "nothing else i can do", "nothing more i can do", "like everyone else", "don't make the rules", "already explained", "not really our department", "not our department", "should have read", "it is what it is", "not my job", "not my problem", "calm down", "nothing i can do", "not my fault", "you should have", "that's your problem",
             "i can't help you"],
        tr: ["böyle çalışıyor", "elimden ~ gelmez", "herkes gibi", "kuralları ben", "zaten anlattım", "işi değil", "okusaydınız", "ne yapalım", "bana sormayın", "benim yapabileceğim bir şey yok", "sakin olun", "benim sorunum değil", "yapacak bir şey yok", "sizin hatanız"])
    static let polite = CueList(
        en: ["please", "thank you", "thanks", "you're welcome", "my pleasure", "happy to help", "glad to help"],
        tr: ["lütfen", "teşekkür*", "rica ederim", "efendim", "sağ olun", "memnuniyetle", "estağfurullah"])
    static let rude = CueList(
        en: ["shut up", "stupid", "idiot", "whatever", "don't care"],
        tr: ["kapa çeneni", "aptal*", "salak*", "umurumda değil", "bana ne"])
    static let greeting = CueList(
        en: ["hello", "hi", "good morning", "good afternoon", "good evening", "welcome", "thank you for calling",
             "thanks for calling"],
        tr: ["merhabalar", "hoş geldiniz", "merhaba", "iyi günler", "günaydın", "iyi akşamlar", "hoş geldiniz", "aradığınız için teşekkür*"])
    static let introduction = CueList(
        en: ["you're through to", "you've reached", "customer care", "customer service", "support", "my name is", "this is", "speaking", "you're speaking with", "you are speaking with", "i'm"],
        tr: ["ile görüşüyorsunuz", "adım", "müşteri hizmetleri", "destek", "ulaştınız", "ben ~ yardımcı", "benim adım", "adım", "ben", "görüşüyorsunuz"])
    static let resolutionCheck = CueList(
        en: ["anything else", "can i help with anything", "anything else", "does that solve", "does that help", "is that okay", "did that fix", "is there anything",
             "does that answer"],
        tr: ["başka ~ konu", "başka bir şey", "bir isteğiniz", "başka ~ yardımcı olabileceğim", "başka bir konu", "başka bir isteğiniz", "sorununuz çözüldü mü",
             "başka sorunuz", "yardımcı olabileceğim başka"])
    static let closing = CueList(
        en: ["lovely day", "rest of your day", "goodbye", "bye", "cheers", "have a nice day", "have a great day", "goodbye", "bye", "thank you for calling", "thanks for calling",
             "have a good day", "take care", "thank you for your time"],
        tr: ["hoşça kal*", "kolay gelsin", "görüşürüz", "iyi günler dile*", "kendinize iyi bakın", "iyi günler", "iyi akşamlar", "hoşça kalın", "görüşmek üzere", "tercih ettiğiniz için", "iyi çalışmalar",
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
        en: ["phone you back", "ring you", "get in touch", "expect a call", "be in touch", "contact you", "hear from us", "call you", "call you back", "get back to you", "call you tomorrow", "we'll call you", "we will call you", "i'll call you", "i will call you"],
        tr: ["arayacak*", "arayıp", "geri ara*", "dönüş yap*", "size dönüş*", "sizi ara*", "size ulaş*", "arayacağım", "arayacağız", "dönüş yapılacak", "dönüş yapacağız", "geri dönüş*", "sizi arayacak*"])
    static let customerResolved = CueList(
        en: ["that's sorted", "that's exactly", "that answers", "relief", "really helpful", "been really helpful", "that fixed it", "it works now", "working now", "that solves", "that's great", "perfect thank you",
             "that helps", "problem solved", "all good now", "that's all", "that is all", "that's everything"],
        tr: ["hallolmuş", "içim rahatladı", "çok yardımcı oldunuz", "tam da istediğim", "cevap verdi", "çözdüğünüz", "çözüldü", "düzeldi", "oldu teşekkür*", "tamamdır teşekkür*", "çalışıyor şimdi", "şimdi çalışıyor",
             "halloldu", "harika teşekkür*", "sorun kalmadı", "bu kadar teşekkür*"])

    /// The agent declines a request to reach a manager.
    static let escalationRefused = CueList(
        en: ["no manager", "no supervisor", "can't put you through", "cannot put you through", "not transferring", "don't take calls",
             "not available", "no need", "i'm the one dealing", "won't transfer", "can't transfer"],
        tr: ["yönetici yok", "müsait ~ yok", "bağlayamam", "aktaramam", "aktarmayacağım", "telefona çıkmıyor", "gerek yok", "mümkün değil",
             "ben ilgileniyorum"])
    /// The agent hands the case to someone senior.
    static let escalationAccepted = CueList(
        en: ["escalated ~ to", "raised it with ~ supervisor", "raised it with ~ manager", "passed it up", "passed it to ~ manager",
             "team leader", "senior manager", "escalations manager", "supervisor is taking", "she's taking over", "he's taking over"],
        tr: ["lider* ilet*", "amir* aktar*", "amir* ilet*", "yönetici* ilet*", "yönetici* yükselt*", "yöneticiye", "devralıyor"])
    /// Work that leaves the case open (a ticket, a note, a hand-off), so it is not an outcome.
    static let pendingWork = CueList(
        en: ["ticket", "a case", "note", "report", "logged", "flagged", "priority", "needs review", "be reviewed", "under review", "escalat*", "supervisor", "manager",
             "team leader", "passed it", "pass this"],
        tr: ["kayıt", "kaydı", "talep", "not düş*", "ekip", "ekibe", "yönetici*", "amir*", "lider*", "öncelikli", "şikayet*", "ilet*",
             "incelenecek", "incelenmesi", "acil not*"])
    /// Turning an offer down.
    static let decline = CueList(
        en: ["but no", "no thanks", "no thank you", "not interested", "made up my mind", "too late", "i've decided", "nope"],
        tr: ["istemiyorum", "ilgilenmiyorum", "karar verdim", "kararımı verdim", "çok geç", "hayır", "gerek yok"])
    /// A retention offer to a customer who wants to leave.
    static let retention = CueList(
        en: ["offer you", "i can offer", "discount", "free month", "cheaper plan", "loyalty", "what offers"],
        tr: ["indirim*", "teklif*", "ücretsiz", "uygun bir paket", "sadakat*", "kaybetmek istemeyiz", "kaybetmek istemem"])
    /// Acknowledging an answer to an enquiry.
    static let acknowledged = CueList(
        en: ["got it", "understood", "good to know", "that answers", "okay", "ok", "fine", "right"],
        tr: ["anladım", "anlaşıldı", "bilmek iyi", "cevap verdi", "tamam", "peki"])
    /// Hyperbolic praise that reads as sarcasm when the problem is still open.
    static let sarcasmMarker = CueList(
        en: ["just great", "for nothing", "for absolutely nothing", "top notch", "world class", "marvellous",
             "fabulous", "exactly what i wanted", "oh perfect", "oh great", "oh wonderful", "oh amazing", "oh marvellous", "brilliant system",
             "another week", "after ten days", "wait again", "truly"],
        tr: ["aman", "ne hoş", "ne güzel", "bravo", "tebrikler", "tebrik ederim", "hiçbir şey için", "dünya çapında", "şahane", "yine ~ bekle*",
             "daha bekle*", "gün sonra", "vay canına", "gerçekten", "çok cömert*", "çok yaratıcı"])

    // Emotion cues (customer side only).
    static let anger = CueList(
        en: ["disgrace", "appalling", "shocking", "sick of", "outrageous", "unbelievable", "you're not helping", "i'm done", "ridiculous", "unacceptable", "outrageous", "disgusting", "furious", "angry", "fed up", "joke", "pathetic",
             "terrible service", "worst", "useless", "incompetent", "how dare", "file a complaint", "lawyer", "sue"],
        tr: ["saçmalık", "komedi", "inanılmaz", "kabul edilir gibi değil", "bıktım", "usandım", "yardımcı olmuyorsunuz", "rezalet*", "saçma*", "kabul edilemez", "yazıklar olsun", "şikayet edeceğim", "dava aç*", "berbat*",
             "kızgın*", "sinirlen*", "sinirliyim", "bıktım", "bıktınız", "yeter artık", "utanç*", "skandal*", "avukat*"])
    static let frustration = CueList(
        en: ["keep waiting", "same story", "nothing changes", "tired of", "chasing", "again", "still", "third time", "already told", "waited", "waiting", "every time", "keeps happening",
             "how many times", "for hours", "for days", "for weeks", "nobody", "no one", "waste of time"],
        tr: ["beklemeye devam", "aynı hikaye", "hiçbir şey değişmiyor", "yoruldum", "kovala*", "yine", "hala", "hâlâ", "tekrar", "üçüncü kez", "kaçıncı kez", "bekliyorum", "bekledim", "defalarca",
             "her seferinde", "sinir bozucu", "kimse", "günlerdir", "haftalardır", "saatlerdir", "vakit kaybı"])
    static let anxiety = CueList(
        en: ["panicking", "stressed", "anxious", "scared", "nervous", "worried", "worry", "urgent", "urgently", "scared", "afraid", "as soon as possible", "asap", "nervous",
             "concerned", "emergency", "i need it today", "panic"],
        tr: ["gergin*", "stres*", "kaygı*", "korkuyorum", "endişe*", "acil*", "korkuyorum", "kork*", "bir an önce", "en kısa sürede", "tedirgin*", "panik*",
             "merak ediyorum", "acele*"])
    static let confusion = CueList(
        en: ["don't follow", "i'm lost", "no sense", "don't get it", "not sure i understand", "confus*", "don't really get", "i don't understand", "don't get it", "what do you mean", "confused", "confusing", "not sure what",
             "i'm lost", "makes no sense", "doesn't make sense", "what does that mean", "can you explain"],
        tr: ["kafam karış*", "anlayamadım", "mantıklı gelmedi", "karıştırdım", "pek anlamadım", "tam anlamadım", "anlamadım", "anlayamadım", "ne demek", "nasıl yani", "kafam karış*", "anlamıyorum", "açıklar mısınız",
             "ne anlama geliyor", "emin değilim"])
    static let disappointment = CueList(
        en: ["isn't what", "not what i'd call", "wouldn't call", "hardly", "let down", "not impressed", "not satisfied", "not pleased", "wouldn't call", "not good enough", "can't say i'm happy", "not the best", "weren't much help", "wasn't helpful", "hasn't been great", "disappointed", "disappointing", "expected better", "let down", "i expected", "shame", "not what i expected"],
        tr: ["memnun değil*", "hoşnut değil*", "yarı yolda", "çözüm denmez", "hizmet denmez", "diyemem", "yeterli değil", "pek yardımcı olmadı*", "iyi değildi", "faydalı olmadı", "etkilenmedim", "deneyim değildi", "hayal kırıklığı*", "beklemiyordum", "beklentimi karşıla*", "üzüldüm", "yazık", "daha iyisini bekler*"])
    static let gratitude = CueList(
        en: ["thank you", "thanks", "appreciate", "great", "perfect", "wonderful", "that fixed it", "works now", "helpful"],
        tr: ["teşekkür*", "sağ ol*", "eksik olmayın", "harika*", "süper", "çok iyi", "memnun kaldım", "çözüldü", "düzeldi"])
}
