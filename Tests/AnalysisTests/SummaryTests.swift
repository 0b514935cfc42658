import Testing
@testable import Analysis

@Suite struct SummaryTests {
    @Test func englishSummaryIsBuiltFromFactsNotQuotes() {
        let s = analyzer.finalAnalysis(transcript("en", [("A", 0, 3, "Hello, Acme Mobile, this is Jo."),
            ("C", 3.5, 8, "hi uh my bill is way too high this month"), ("A", 8.5, 12, "Can I take your date of birth to verify?"),
            ("C", 12.5, 14, "Fourth of May 1980."), ("A", 14.5, 19, "Thanks. I'll ask billing to check and call you back by Friday."),
            ("C", 19.5, 22, "Okay. If not I'm switching to Vodafone.")]))!
        #expect(s.summary.hasPrefix("The customer called about a bill."))
        #expect(s.summary.contains("verified the caller"))
        #expect(s.summary.contains("Outcome: not resolved."))
        #expect(s.summary.contains("a callback by Friday"))
        #expect(s.summary.contains("churn (Vodafone)"))
        #expect(!s.summary.contains("uh my bill"), "no customer sentence is quoted")
    }

    @Test func turkishSummaryIsInTurkish() {
        let s = analyzer.finalAnalysis(transcript("tr", [("A", 0, 3, "Merhaba, Acme destek, ben Ece."),
            ("C", 3.5, 8, "İade ettiğim ayakkabının parası hâlâ yatmadı."), ("A", 8.5, 12, "Kusura bakmayın, iadenizi şimdi başlattım, üç iş günü içinde hesabınızda olur."),
            ("C", 12.5, 15, "Çok teşekkürler, harika.")]))!
        #expect(s.summary.hasPrefix("Müşteri iade nedeniyle aradı."))
        #expect(s.summary.contains("Temsilci iade başlattı."))
        #expect(s.summary.contains("Sonuç: çözüldü."))
        #expect(s.summary.contains("Taahhüt: üç iş günü içinde iade."))
    }

    @Test func timeExpressions() {
        #expect(TimeExpressions.find("Someone will ring you within twenty-four hours.", language: "en") == "within twenty-four hours")
        #expect(TimeExpressions.find("I'll call you tomorrow at ten.", language: "en") == "tomorrow at ten")
        #expect(TimeExpressions.find("Ekibimiz cuma öğleden sonraya kadar dönüş yapacak.", language: "tr") == "cuma öğleden sonraya kadar")
        #expect(TimeExpressions.find("Yarın saat onda sizi arayacağım.", language: "tr") == "yarın saat onda")
        #expect(TimeExpressions.find("Pazaryeri'ne hoş geldiniz.", language: "tr") == nil)
        #expect(TimeExpressions.find("Thanks for calling.", language: "en") == nil)
        // A time said as not happening is skipped for the one that is promised.
        #expect(TimeExpressions.find("Not today, I'm afraid, but a specialist will call you back within forty-eight hours.", language: "en") == "within forty-eight hours")
        #expect(TimeExpressions.find("Bugün değil maalesef, iki gün içinde arayacaklar.", language: "tr") == "iki gün içinde")
    }

    @Test func longNumbersAreMaskedInFlatFields() {
        #expect(Summaries.clip("account 55218340 please") == "account ######## please")
    }

    // Session 6: the call's own amount, the agent's own words for what was done, and who owns a commitment.
    @Test func summaryCarriesTheCallsOwnFacts() {
        let en = analyzer.finalAnalysis(transcript("en", [("A", 0, 3, "Good morning, Acme Water, this is Jo, how can I help?"),
            ("C", 3.5, 8, "I was charged twice for March, sixty-four pounds both times."),
            ("A", 8.5, 12, "I'm sorry about that. I've cancelled the duplicate charge and credited your card."), ("C", 12.5, 14, "Great, thanks."),
            ("A", 14.5, 19, "Our billing team will also call you back by Friday to confirm.")]))!
        #expect(en.detail.summary.amount == "sixty four pounds")
        #expect(en.detail.summary.action == "cancelled the duplicate charge and credited their card")
        #expect(en.summary == "The customer called about a double charge (sixty four pounds). The agent cancelled the duplicate charge and credited their card. Outcome: resolved. Commitment: a callback from the billing team by Friday.")
        let tr = analyzer.finalAnalysis(transcript("tr", [("A", 0, 3, "Merhaba, Acme Su, ben Ece, nasıl yardımcı olabilirim?"),
            ("C", 3.5, 8, "Mart faturam iki kere çekilmiş, ikisinde de altmış dört lira."), ("A", 8.5, 12, "Kusura bakmayın, mükerrer tahsilatı iptal ettim."),
            ("C", 12.5, 14, "Tamam, teşekkürler."), ("A", 14.5, 19, "Fatura ekibimiz sizi cuma öğleden sonraya kadar arayıp teyit edecek.")]))!
        #expect(tr.detail.summary.amount == "altmış dört lira")
        #expect(tr.detail.summary.action == nil, "Turkish keeps the outcome key: verb endings are not rewritten")
        #expect(tr.summary.contains("mükerrer çekim (altmış dört lira)"))
        #expect(tr.summary.contains("Taahhüt: fatura ekibinden cuma öğleden sonraya kadar geri arama."))
    }

    @Test func actionSpansStopAtClauseAndSpeakerBoundaries() {
        func action(_ text: String) -> String? {
            var cache: [UtteranceFeatures] = []
            return SummaryFacts.action(analyzer.features(transcript("en", [("A", 0, 3, text)]), cache: &cache)[0])
        }
        #expect(action("I've taken the roaming charge off, the bill is back to normal.") == "took the roaming charge off")
        #expect(action("thanks for holding i've got an answer i've lifted the block on your card") == "lifted the block on their card")
        #expect(action("I've refunded the payment and the money is back.") == "refunded the payment")
        #expect(action("I've checked it.") == nil)
        #expect(action("I've removed the bundle and credited forty five pounds to your account from today onwards") == "removed the bundle and credited forty five pounds to their account")
        #expect(action("I've removed the bundle and credited forty five pounds back to your account") == "removed the bundle and credited forty five pounds back to their account")
        #expect(action("I've removed the old bundle and credited forty five pounds back to your") == "removed the old bundle and credited forty five pounds back")
    }
}
