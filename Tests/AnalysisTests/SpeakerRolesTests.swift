import Testing
@testable import Analysis

// Speaker roles from text (mono calls): the roles come from cues and turn order, are deterministic, and
// carry a confidence that decides whether the rubric and customer sentiment may use them.
@Suite struct SpeakerRolesTests {
    func roles(_ lang: String, _ rows: [(String, Double, Double, String)]) -> RoleDetail {
        analyzer.inferredRoles(transcript(lang, rows))
    }

    @Test func englishAndTurkishCallsGetTheirRolesBack() {
        let en = [("A", 0.0, 3.0, "Good morning, Acme Bank, this is Ruth, how can I help?"), ("C", 3.5, 7.0, "There's a payment on my card I didn't make."),
                  ("A", 7.5, 10.0, "Can you confirm your date of birth for me?"), ("C", 10.5, 12.0, "The fourth of June, seventy-nine."),
                  ("A", 12.5, 16.0, "Thank you. I've cancelled the card and refunded the payment."), ("C", 16.5, 18.0, "Brilliant, thank you so much."),
                  ("A", 18.5, 21.0, "Thanks for calling, have a good day.")]
        let r = roles("en", en)
        #expect(r.turns.map(\.role) == en.map { $0.0 == "A" ? .agent : .customer })
        #expect(r.used && r.confidence >= SpeakerRoles.minConfidence)
        let tr = [("A", 0.0, 3.0, "Acme Bank, ben Ece, size nasıl yardımcı olabilirim?"), ("C", 3.5, 7.0, "Kartımdan benim yapmadığım bir harcama çekilmiş."),
                  ("A", 7.5, 10.0, "Çok üzgünüm. Doğum tarihinizi alabilir miyim?"), ("C", 10.5, 12.0, "Dört haziran yetmiş dokuz."),
                  ("A", 12.5, 16.0, "Teşekkürler. Kartınızı iptal ettim, harcamayı iade ettim."), ("C", 16.5, 18.0, "Çok teşekkür ederim."),
                  ("A", 18.5, 21.0, "Aradığınız için teşekkürler, iyi günler.")]
        let t = roles("tr", tr)
        #expect(t.turns.map(\.role) == tr.map { $0.0 == "A" ? .agent : .customer })
        #expect(t.used)
    }

    @Test func aQuestionHandsTheTurnOver() {
        // Two uncued turns: after a question the second reads as the other speaker, after a statement less surely so.
        let asked = roles("en", [("U", 0, 2, "Hello, Acme, how can I help?"), ("U", 2.5, 4, "Right, okay, so."), ("U", 4.5, 6, "Which one do you mean?"), ("U", 6.5, 8, "The second one.")])
        let told = roles("en", [("U", 0, 2, "Hello, Acme, how can I help?"), ("U", 2.5, 4, "Right, okay, so."), ("U", 4.5, 6, "I mean that one then."), ("U", 6.5, 8, "The second one.")])
        #expect(asked.turns[3].role != asked.turns[2].role)
        #expect(asked.turns[3].confidence > told.turns[3].confidence || told.turns[3].role == told.turns[2].role)
    }

    @Test func sameTranscriptSameRolesAndConfidences() {
        let rows = [("U", 0.0, 2.0, "Hi, it's about my bill."), ("U", 2.5, 4.0, "Let me have a look at your account."), ("U", 4.5, 6.0, "It's too high again.")]
        #expect(roles("en", rows) == roles("en", rows))
        for g in roles("en", rows).turns { #expect(g.confidence >= 0.5 && g.confidence <= 1) }
    }

    @Test func stereoCallsKeepTheirChannels() {
        let s = analyzer.finalAnalysis(transcript("en", [("A", 0, 3, "Hello, how can I help?"), ("C", 3.5, 7, "My internet is down since Monday.")]))!
        #expect(s.detail.roles == RoleDetail(source: "channels", confidence: 1, used: true, turns: []))
    }
}
