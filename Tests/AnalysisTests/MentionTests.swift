import Testing
@testable import Analysis

@Suite struct MentionTests {
    func mentions(_ text: String, _ lang: String) -> [MarketingMention] {
        analyzer.finalAnalysis(transcript(lang, [("C", 0, 5, text + " bunu söylemek istiyorum tamam mı")]))?.detail.marketingMentions ?? []
    }

    @Test func suffixedBrandMatchesTurkishForms() {
        let m = mentions("Turkcell'den teklif aldım", "tr")
        #expect(m.map(\.id) == ["turkcell"])
        #expect(m.first?.match == "suffix")
        #expect(mentions("yaz kampanyasından yararlandım", "tr").map(\.id) == ["summer-campaign"])
        #expect(mentions("turkcellden geçtim", "tr").map(\.id) == ["turkcell"])
    }

    @Test func fuzzyMatchesAsrMisspellings() {
        let m = mentions("Vodafon daha ucuz", "tr")
        #expect(m.map(\.id) == ["vodafone"])
        #expect(m.first?.match == "fuzzy")
        #expect(mentions("I saw it on netflx yesterday", "en").map(\.id) == ["netflix"])
    }

    @Test func noFalseFuzzyMatches() {
        #expect(mentions("my phone is broken", "en").isEmpty)
        #expect(mentions("the vocabulary is large", "en").isEmpty)
        #expect(MentionMatcher.damerauLevenshtein(Array("vodafone"), Array("vodafoen"), limit: 1) == 1)
    }

    @Test func flatFieldIsCsvFriendly() {
        let snap = analyzer.finalAnalysis(transcript("en", [("C", 0, 5, "Vodafone and Turkcell and Vodafone again are cheaper")]))!
        #expect(snap.marketingMentions == "Vodafone (competitor) x2; Turkcell (competitor) x1")
        #expect(!snap.summary.contains("\n"))
    }
}
