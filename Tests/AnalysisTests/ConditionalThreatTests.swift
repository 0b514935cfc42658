import Testing
@testable import Analysis

// A complaint threat said on a condition is a risk, not an escalation request; a real complaint still is one.
@Suite struct ConditionalThreatTests {
    func conditional(_ text: String, _ lang: String) -> Bool {
        ConditionalThreats.isConditional(Tokenizer.tokenize(text, language: lang), language: lang)
    }

    @Test func conditionsAreRecognisedInEnglishAndTurkish() {
        #expect(conditional("If this isn't fixed by Friday I'll complain to the regulator.", "en"))
        #expect(conditional("I'll report you to the regulator unless it's sorted today.", "en"))
        #expect(!conditional("I want to file a complaint with the regulator.", "en"))
        #expect(!conditional("I want to file a complaint if that's how it is.", "en"), "a present request wins")
        #expect(conditional("Cumaya kadar düzelmezse tüketici hakem heyetine şikayet edeceğim.", "tr"))
        #expect(conditional("Eğer bu sefer de olmazsa sizi şikayet edeceğim.", "tr"))
        #expect(!conditional("Tüketici hakem heyetine şikayet etmek istiyorum.", "tr"))
    }

    func call(_ lang: String, _ threat: String, _ fix: String, _ thanks: String) -> AnalysisSnapshot {
        analyzer.finalAnalysis(transcript(lang, [("A", 0, 3, lang == "en" ? "Good morning, Acme Water, this is Jo, how can I help?" : "Merhaba, Acme Su, ben Ece, nasıl yardımcı olabilirim?"),
            ("C", 3.5, 8, lang == "en" ? "My water has been off since Monday." : "Pazartesiden beri suyum kesik."),
            ("C", 8.5, 12, threat), ("A", 12.5, 16, fix), ("C", 16.5, 19, thanks)]))!
    }

    @Test func aConditionalThreatMetByAFixIsNoEscalation() {
        let en = call("en", "If this isn't fixed by tonight I'll complain to the regulator.", "I've sent an engineer and the supply is back on now.", "Oh that's brilliant, thank you so much.")
        #expect(!en.detail.processIssues.contains { $0.type == "escalation_request" })
        #expect(en.detail.summary.status == "resolved")
        #expect(en.detail.summary.risks.contains("conditional_complaint_threat"))
        #expect(en.summary.contains("threatened to complain if not fixed"))
        let tr = call("tr", "Bu akşama kadar düzelmezse tüketici hakem heyetine şikayet edeceğim.", "Ekibi gönderdim, su şu an geri geldi.", "Çok sevindim, çok teşekkür ederim.")
        #expect(!tr.detail.processIssues.contains { $0.type == "escalation_request" })
        #expect(tr.summary.contains("çözülmezse şikayet edeceğini söyledi"))
    }

    @Test func aRealComplaintIsStillAnEscalationRequest() {
        let en = call("en", "I want to file a complaint with the regulator.", "I understand, I can't restore it today.", "This is a disgrace.")
        #expect(en.detail.processIssues.contains { $0.type == "escalation_request" })
        #expect(!en.detail.summary.risks.contains("conditional_complaint_threat"))
    }
}
