import Testing
@testable import Analysis

@Suite struct LanguageTests {
    @Test func turkishCaseFolding() {
        #expect(TextNorm.fold("IĞDIR Işık İSTANBUL İADE", language: "tr") == "ığdır ışık istanbul iade")
        #expect(TextNorm.fold("INTERNET", language: "en") == "internet")
    }

    @Test func tokenizerKeepsApostropheBase() {
        let t = Tokenizer.tokenize("Turkcell'den aldım, don't!", language: "tr").tokens
        #expect(t.map(\.text) == ["turkcell'den", "aldım", "don't"])
        #expect(t[0].base == "turkcell")
        #expect(t[1].clause != t[2].clause || t[0].clause != t[1].clause)
    }

    @Test func snowballStemmerLinks() {
        let s = Stemmers()
        // Pairs from the Snowball Turkish/English algorithms (see snowball-data voc/output).
        #expect(s.stem("faturalarımızdan", language: "tr") == "fatura")
        #expect(s.stem("kitaplarımızdan", language: "tr") == "kitap")
        #expect(s.stem("complaints", language: "en") == "complaint")
        #expect(s.stem("refunded", language: "en") == "refund")
    }

    @Test func turkishNegation() {
        #expect(turnScore("memnunum", "tr") > 0.05)
        #expect(turnScore("memnun değilim", "tr") < -0.05)
        #expect(turnScore("hiç iyi değil", "tr") < turnScore("iyi değil", "tr"))
        #expect(turnScore("hiç iyi değil", "tr") < -0.05)
        #expect(turnScore("ürünü beğendim", "tr") > 0.05)
        #expect(turnScore("ürünü beğenmedim", "tr") < -0.05)
        #expect(turnScore("bana hiç yardımcı olmadınız", "tr") < -0.05)
        #expect(turnScore("sorun yok", "tr") >= 0)
        #expect(turnScore("Memnun değilim.", "tr") == turnScore("MEMNUN DEĞİLİM", "tr"))
    }

    @Test func englishOverlayAndRules() {
        #expect(turnScore("This is the third time I am calling and it is still not fixed.", "en") < -0.3)
        #expect(turnScore("ok", "en") == 0)
        #expect(turnScore("I want to cancel my subscription.", "en") == 0)
        #expect(turnScore("Your service is not good.", "en") < -0.05)
        #expect(turnScore("No, that's all, thanks.", "en") > 0)  // "No," does not negate across the comma
        #expect(turnScore("It was slow, but now it is great", "en") > 0.3)
    }

    @Test func questionsAreDamped() {
        #expect(abs(turnScore("is it good?", "en")) < abs(turnScore("it is good", "en")))
    }
}
