import Foundation
import Testing
@testable import Analysis

// The failure classes of issue 13, each on a call written for this test (not taken from the dev set).
@Suite struct CallContextTests {
    func final(_ lang: String, _ rows: [(String, Double, Double, String)]) -> AnalysisSnapshot { analyzer.finalAnalysis(transcript(lang, rows))! }
    func types(_ s: AnalysisSnapshot) -> Set<String> { Set(s.detail.processIssues.map(\.type)) }

    @Test func negatedPraiseIsNegative() {
        #expect(turnScore("Honestly, the service hasn't been great lately.", "en") < -0.05)
        #expect(turnScore("The agent wasn't helpful at all.", "en") < -0.05)
        #expect(turnScore("Bu hizmetten memnun kaldım diyemem.", "tr") < -0.05)
        #expect(turnScore("Pek yardımcı olmadınız.", "tr") < -0.05)
    }

    @Test func praiseAboutAnOpenProblemIsSarcasm() {
        let open = final("en", [("A", 0, 3, "Hello, Acme support, how can I help?"), ("C", 3.5, 8, "My refund is stuck for ten days now."),
                                ("A", 8.5, 12, "It still has to go through the normal checks."),
                                ("C", 12.5, 17, "Oh wonderful, another week then. Truly world class service.")])
        #expect(open.sentiment == "negative")
        #expect(open.detail.sentiment.turns.last!.compound < 0)
        // The same words after the agent finished the job are thanks, not sarcasm.
        let done = final("en", [("A", 0, 3, "Hello, Acme support, how can I help?"), ("C", 3.5, 8, "My refund is stuck for ten days now."),
                                ("A", 8.5, 12, "I've released the refund, it reaches your card today."),
                                ("C", 12.5, 17, "Oh wonderful, thank you so much.")])
        #expect(done.sentiment == "positive")
        #expect(done.detail.summary.status == "resolved")
        let tr = final("tr", [("A", 0, 3, "Merhaba, Acme destek, buyurun."), ("C", 3.5, 8, "Tahmini faturam yine çok yüksek geldi."),
                              ("A", 8.5, 12, "Maalesef bunu bugün değiştiremiyorum."),
                              ("C", 12.5, 17, "Ne güzel, harika! Mükemmel bir sistem, yine bekleyeceğim.")])
        #expect(tr.sentiment == "negative")
    }

    @Test func refusedSupervisorRequestIsNotAnEscalation() {
        let refused = final("en", [("C", 0, 4, "My claim has been ignored for a month."), ("C", 4.5, 8, "Let me talk to a supervisor."),
                                   ("A", 8.5, 12, "I can't put you through to a supervisor, sorry.")])
        #expect(types(refused).contains("escalation_request"))
        #expect(refused.detail.summary.status == "unresolved")
        let accepted = final("en", [("C", 0, 4, "My claim has been ignored for a month."), ("C", 4.5, 8, "Let me talk to a supervisor."),
                                    ("A", 8.5, 12, "Of course, I've escalated it to my team leader.")])
        #expect(accepted.detail.summary.status == "escalated")
    }

    @Test func oneTransferSaidOverSeveralTurnsCountsOnce() {
        let once = final("en", [("A", 0, 3, "Hello, this is Kim."), ("C", 3.5, 7, "I want to change my policy address."),
                                ("A", 7.5, 10, "Let me put you through to the policy team."), ("C", 10.5, 12, "Fine."),
                                ("A", 12.5, 15, "Connecting you now, please stay on the line.")])
        #expect(types(once).contains("transfer") && !types(once).contains("multiple_transfers"))
        #expect(once.detail.summary.status == "transferred")
        let twice = final("en", [("A", 0, 3, "Hello, this is Kim."), ("C", 3.5, 7, "I want to change my policy address."),
                                 ("A", 7.5, 10, "Let me put you through to the policy team."),
                                 ("A", 30, 33, "Hello, my name is Raj from policies."), ("C", 33.5, 36, "Hi, it's about my address."),
                                 ("A", 36.5, 40, "That is billing actually, I'll transfer you to them.")])
        #expect(types(twice).contains("multiple_transfers"))
    }

    @Test func turkishCallbackPromises() {
        for promise in ["Sizi yarın saat on birde geri arayıp bilgi vereceğiz.", "Ekibimiz perşembeye kadar arayacak.",
                        "Yirmi dört saat içinde bir arkadaşım arayacak."] {
            let s = final("tr", [("C", 0, 4, "Faturamda hatalı bir ücret var."), ("A", 4.5, 9, promise), ("C", 9.5, 11, "Tamam, beklerim.")])
            #expect(types(s).contains("callback_promised"), "\(promise)")
            #expect(s.detail.summary.commitments.first?.what == "callback")
            #expect(s.detail.summary.commitments.first?.when != nil, "\(promise)")
        }
    }

    @Test func churnToAnUnnamedCompetitor() {
        let en = final("en", [("C", 0, 5, "After this I'm moving my insurance to another provider.")])
        #expect(types(en).contains("churn_intent"))
        let tr = final("tr", [("C", 0, 5, "Bundan sonra sigortamı başka bir firmaya taşıyacağım.")])
        #expect(types(tr).contains("churn_intent"))
    }

    @Test func repeatsToAColleague() {
        let en = final("en", [("C", 0, 5, "My router keeps rebooting every hour."), ("A", 5.5, 8, "What is the problem exactly?"),
                              ("C", 8.5, 14, "As I already gave it to your colleague, the router keeps rebooting.")])
        #expect(types(en).contains("customer_repeats_information"))
        #expect(en.detail.repeatedProblems.count == 1)
        let tr = final("tr", [("C", 0, 5, "Modemim her saat kendini yeniden başlatıyor."), ("A", 5.5, 8, "Sorun tam olarak nedir?"),
                              ("C", 8.5, 14, "Dün arkadaşınıza da söyledim, modem her saat yeniden başlıyor.")])
        #expect(types(tr).contains("customer_repeats_information"))
    }

    @Test func customerOverAgentInterruptionsAreCounted() {
        let s = final("en", [("A", 0, 6, "So what I can do for you today is look at the options"), ("C", 4, 8, "No wait, I need the bill fixed first"),
                             ("A", 8.5, 14, "Right, the bill, let me explain how the charges work"), ("C", 12, 16, "I know how they work, just fix it")])
        #expect(s.detail.conversation.interruptions == 2)
        #expect(s.detail.conversation.agentInterruptions == 0)
    }

    @Test func monoCustomerWordsStayTheCustomers() {
        // The pipeline's journal test speaks these two lines on a mono call.
        let s = final("en", [("U", 0, 3, "My internet has been down since Monday."), ("U", 4.5, 7.5, "I already told you my account number twice.")])
        #expect(types(s).contains("customer_repeats_information"))
        #expect(s.sentiment == "negative")
    }

    @Test func monoCallsWithoutRoleCuesHaveNoAgentScore() throws {
        // Nothing says who is who: the roles are reported with a low confidence and not used, so the score is unknown.
        let s = final("en", [("U", 0, 2, "Okay, right then."), ("U", 2.5, 4, "Yes, sure, fine."),
                             ("U", 4.5, 6, "Right, okay."), ("U", 6.5, 8, "Fine, yes, alright.")])
        #expect(s.detail.roles?.source == "text" && s.detail.roles?.used == false)
        #expect(s.agentScoreIfKnown == nil)
        #expect(s.detail.agentScore.score == nil)
        let obj = try JSONSerialization.jsonObject(with: Data(s.seedJSON().utf8)) as! [String: Any]
        #expect(obj["agent_score"] is NSNull)
        #expect(s.agentScore == 3, "the legacy integer for the seed event and CSV until they render null")
    }

    @Test func monoCallsAreScoredOnInferredRoles() {
        let s = final("en", [("U", 0, 3, "Hello, Acme support, my name is Sam, how can I help?"), ("U", 3.5, 7, "My card stopped working at the shop."),
                             ("U", 7.5, 11, "I'm so sorry about that. I've unblocked it, you can use it now."), ("U", 11.5, 13, "Great, thanks a lot."),
                             ("U", 13.5, 16, "Is there anything else I can help with?"), ("U", 16.5, 18, "No, that's all."),
                             ("U", 18.5, 21, "Thank you for calling, have a nice day.")])
        let roles = s.detail.roles!
        #expect(roles.used && roles.source == "text")
        #expect(roles.turns.map(\.role) == [.agent, .customer, .agent, .customer, .agent, .customer, .agent])
        #expect(s.agentScoreIfKnown.map { $0 >= 4 } == true, "an excellent agent: \(String(describing: s.agentScoreIfKnown))")
        // Customer sentiment reads the inferred customer turns only.
        #expect(s.detail.sentiment.turns.map(\.speaker) == roles.turns.map(\.role))
        #expect(s.detail.sentiment.customerScore > 0, "the customer ended thanking: \(s.detail.sentiment.customerScore)")
        // Interruptions need real channels: still no claim on mono.
        #expect(s.detail.conversation.interruptions == nil)
    }

    @Test func rubricSpreadsExcellentAndDismissiveAgents() {
        let excellentEN = final("en", [("A", 0, 4, "Good morning, thanks for calling Acme, my name is Lou. How can I help?"),
            ("C", 4.5, 9, "My parcel was due Monday and it never came."), ("A", 9.5, 14, "I'm so sorry about that, I completely understand."),
            ("A", 14.5, 19, "I've sent a new parcel by express, it arrives tomorrow."), ("C", 19.5, 22, "Thank you, that's great."),
            ("A", 22.5, 25, "Is there anything else I can help with?"), ("C", 25.5, 27, "No, that's all, thanks."),
            ("A", 27.5, 30, "Thank you for calling, have a nice day.")])
        let dismissiveEN = final("en", [("A", 0, 1.5, "Yeah."), ("C", 2, 6, "My parcel was due Monday and it never came."),
            ("A", 6.5, 9, "Nothing I can do, it's with the courier."), ("C", 9.5, 13, "That's not good enough."), ("A", 13.5, 15, "It is what it is.")])
        #expect(excellentEN.agentScore >= 4)
        #expect(dismissiveEN.agentScore <= 2)
        let excellentTR = final("tr", [("A", 0, 4, "İyi günler, Acme müşteri hizmetleri, ben Deniz. Nasıl yardımcı olabilirim?"),
            ("C", 4.5, 9, "Kargom pazartesi gelecekti, hâlâ gelmedi."), ("A", 9.5, 14, "Çok özür dilerim, sizi anlıyorum."),
            ("A", 14.5, 19, "Yeni bir gönderi hazırladım, yarın elinizde olur."), ("C", 19.5, 22, "Çok teşekkür ederim, harika."),
            ("A", 22.5, 25, "Başka yardımcı olabileceğim bir konu var mı?"), ("C", 25.5, 27, "Yok, teşekkürler."),
            ("A", 27.5, 30, "Aradığınız için teşekkür ederiz, iyi günler.")])
        let dismissiveTR = final("tr", [("A", 0, 1.5, "Evet."), ("C", 2, 6, "Kargom pazartesi gelecekti, hâlâ gelmedi."),
            ("A", 6.5, 9, "Benim yapabileceğim bir şey yok, kargo firmasına sorun."), ("C", 9.5, 13, "Bu hiç iyi değil."), ("A", 13.5, 15, "Ne yapalım, böyle.")])
        #expect(excellentTR.agentScore >= 4)
        #expect(dismissiveTR.agentScore <= 2)
    }
}
