import Testing
@testable import Analysis

// Session 6: structural turn-taking cues for mono roles, and status/summary reading the guessed roles.
@Suite struct TurnTakingTests {
    func features(_ lang: String, _ rows: [(String, Double, Double, String)]) -> [UtteranceFeatures] {
        var cache: [UtteranceFeatures] = []
        return analyzer.features(transcript(lang, rows), cache: &cache)
    }

    @Test func talkingOverThePreviousTurnIsTheOtherSpeaker() {
        let over = features("en", [("U", 0, 4, "Right, so the thing is the bill."), ("U", 3.0, 5, "Right, okay, so.")])
        let after = features("en", [("U", 0, 4, "Right, so the thing is the bill."), ("U", 4.5, 6, "Right, okay, so.")])
        #expect(SpeakerRoles.switchProbability(over, at: 1) == SpeakerRoles.overlapSwitch)
        #expect(SpeakerRoles.switchProbability(after, at: 1) == SpeakerRoles.switchProbability)
    }

    @Test func aLongPauseAfterALookupIsTheSameSpeakerComingBack() {
        let f = features("en", [("U", 0, 2, "Okay, let me have a look."), ("U", 20, 23, "It's one hundred pounds per payment.")])
        #expect(SpeakerRoles.switchProbability(f, at: 1) == SpeakerRoles.afterLookupPauseSwitch)
        let tr = features("tr", [("U", 0, 2, "Tamam, hemen bakayım."), ("U", 20, 23, "Limitiniz yüz lira.")])
        #expect(SpeakerRoles.switchProbability(tr, at: 1) == SpeakerRoles.afterLookupPauseSwitch)
    }

    @Test func aVerificationRequestIsAnsweredByTheOtherSide() {
        let f = features("en", [("U", 0, 3, "Can I take your postcode and date of birth, please?"), ("U", 3.5, 6, "Sure, the postcode is BN2 4AX.")])
        #expect(SpeakerRoles.switchProbability(f, at: 1) == SpeakerRoles.afterQuestionSwitch)
        // Saying the details back is not asking for them: no agent weight for the answer.
        #expect(SpeakerRoles.evidence(f[1], first: false) < SpeakerRoles.evidence(f[0], first: false))
        #expect(SpeakerRoles.evidence(f[1], first: false) <= 0)
    }

    @Test func askingForARepeatIsTheAgentAndRepeatingIsTheCustomer() {
        let f = features("en", [("U", 0, 3, "Can you explain the problem again?"), ("U", 3.5, 6, "Like I said to the last person, the premium went out twice.")])
        #expect(SpeakerRoles.evidence(f[0], first: false) > SpeakerRoles.evidence(f[1], first: false))
        #expect(SpeakerRoles.evidence(f[1], first: false) < 0)
    }

    @Test func strongNegativeFeelingLeansCustomer() {
        let f = features("en", [("U", 0, 3, "This is absolutely terrible, I hate this awful mess."), ("U", 3.5, 6, "This is the account page.")])
        #expect(SpeakerRoles.evidence(f[0], first: false) < SpeakerRoles.evidence(f[1], first: false))
    }

    @Test func theAgentsViewOfTheSystemLeansAgent() {
        let en = features("en", [("U", 0, 3, "I can't see that from here, it sits with billing.")])
        #expect(SpeakerRoles.lookingUp(en[0].tokenized, language: "en"))
        let tr = features("tr", [("U", 0, 3, "Benim tarafımda hat testi temiz çıkıyor.")])
        #expect(SpeakerRoles.lookingUp(tr[0].tokenized, language: "tr"))
    }

    // "I'll wait for the call then" accepts the agent's promise; only a next step said to the listener is the agent's.
    @Test func acceptingANextStepIsNotMakingOne() {
        let f = features("en", [("U", 0, 3, "Okay, I'll wait for the call then."), ("U", 3.5, 6, "We'll call you back by Friday with an update.")])
        #expect(!SpeakerRoles.addressesListener(f[0]) && SpeakerRoles.addressesListener(f[1]))
        #expect(SpeakerRoles.evidence(f[0], first: false) < SpeakerRoles.evidence(f[1], first: false))
        let tr = features("tr", [("U", 0, 3, "Peki, aramayı beklerim o zaman."), ("U", 3.5, 6, "Ekibimiz sizi cuma günü arayacak.")])
        #expect(!SpeakerRoles.addressesListener(tr[0]) && SpeakerRoles.addressesListener(tr[1]))
    }

    // Holding the floor for a fourth utterance in a row is rare: four uncued turns after a greeting alternate.
    @Test func longRunsOfOneSpeakerNeedEvidence() {
        let rows: [(String, Double, Double, String)] = [("U", 0, 3, "Hello, Acme, this is Jo, how can I help?"), ("U", 3.5, 6, "It is about the thing."),
            ("U", 6.5, 9, "Right."), ("U", 9.5, 12, "It is about the thing."), ("U", 12.5, 15, "Right.")]
        let r = analyzer.inferredRoles(transcript("en", rows))
        let roles = r.turns.map(\.role)
        var longest = 1, cur = 1
        for k in roles.indices.dropFirst() { cur = roles[k] == roles[k - 1] ? cur + 1 : 1; longest = max(longest, cur) }
        #expect(longest < 4, "\(roles)")
        #expect(SpeakerRoles.runSwitch == SpeakerRoles.runSwitch.sorted(), "the chance of a change grows with the run")
    }

    // On a mono call the issues and the status read the guessed roles: the agent's own mention of a supervisor is no
    // customer's request for one (read on every turn, it made this resolved call "escalated").
    @Test func monoIssuesAndStatusReadTheGuessedRoles() throws {
        let rows: [(String, Double, Double, String)] = [
            ("U", 0, 3, "Hello, Acme Bank, this is Sam, how can I help?"),
            ("U", 3.5, 8, "My card was declined at the shop even though I have money in the account."),
            ("U", 8.5, 11, "I'm sorry about that. Can I take your date of birth, please?"),
            ("U", 11.5, 13, "Fourth of May, eighty-six."),
            ("U", 13.5, 17, "Thank you. I've lifted the block on your card, it works again now."),
            ("U", 17.5, 21, "Brilliant, thank you so much."),
            ("U", 21.5, 25, "You're welcome. Next time you can also ask to speak to a supervisor straight away. Have a lovely day."),
        ]
        let s = try #require(analyzer.finalAnalysis(transcript("en", rows)))
        let roles = try #require(s.detail.roles)
        #expect(roles.used)
        #expect(roles.turns.last?.role == .agent)
        #expect(!s.detail.processIssues.contains { $0.type == "escalation_request" })
        #expect(s.detail.summary.status == "resolved")
        #expect(s.detail.summary.action == "lifted the block on their card")
    }
}

// An answered enquiry closed politely is neutral; praise makes it positive.
@Suite struct EnquirySentimentTests {
    func label(_ lang: String, _ ack: String) -> String {
        analyzer.finalAnalysis(transcript(lang, [("A", 0, 3, lang == "en" ? "Good afternoon, Acme Insurance, this is Jo. How can I help?" : "İyi günler, Acme Sigorta, ben Ece. Nasıl yardımcı olabilirim?"),
            ("C", 3.5, 6, lang == "en" ? "Does my policy cover a windscreen chip?" : "Poliçem cam çatlağını kapsıyor mu?"),
            ("A", 6.5, 10, lang == "en" ? "Yes, windscreen repairs are covered with no excess." : "Evet, cam onarımı muafiyetsiz olarak kapsamda."),
            ("C", 10.5, 12, ack), ("A", 12.5, 15, lang == "en" ? "Thanks for calling, have a lovely day." : "Aradığınız için teşekkürler, iyi günler.")]))!.sentiment
    }

    @Test func courtesyIsNeutralPraiseIsPositive() {
        #expect(label("en", "Okay, good to know.") == "neutral")
        #expect(label("tr", "Tamam, bilmek iyi oldu.") == "neutral")
        #expect(label("en", "Brilliant, that's wonderful news, thank you so much!") == "positive")
    }
}

// A customer leaving without asking for a manager is disappointed, even when fed up on the way out.
@Suite struct ChurnEmotionTests {
    @Test func leavingIsDisappointment() {
        let tr = analyzer.finalAnalysis(transcript("tr", [("A", 0, 3, "İyi günler, Acme Havayolları, buyurun."),
            ("C", 3.5, 6, "Geniş koltuk için para ödedim, normal koltuğa oturttular."), ("A", 6.5, 9, "Görüyorum ama değiştiremiyorum."),
            ("C", 9.5, 12, "Açıkçası bıktım, başka bir şirkete geçiyorum."), ("A", 12.5, 15, "Size indirim verebilirim."),
            ("C", 15.5, 17, "Sağ olun ama istemiyorum.")]))!
        #expect(tr.detail.processIssues.contains { $0.type == "churn_intent" })
        #expect(tr.emotion == "disappointed")
        // Asking for a manager on the way out is anger, churn or not.
        let en = analyzer.finalAnalysis(transcript("en", [("A", 0, 3, "Hello, Acme Air."),
            ("C", 3.5, 6, "I paid for extra legroom and got a normal seat."), ("A", 6.5, 9, "I can't change that."),
            ("C", 9.5, 12, "This is outrageous, I'm furious. I'm switching to another airline."), ("C", 12.5, 15, "Put me through to your manager right now.")]))!
        #expect(en.emotion == "angry")
    }
}

// On an answered enquiry the agent does most of the talking by design: talk share is not judged.
@Suite struct EnquiryRubricTests {
    @Test func talkShareIsNotJudgedOnAnEnquiry() throws {
        let s = try #require(analyzer.finalAnalysis(transcript("en", [("A", 0, 6, "Good morning, you're through to Acme Bank, my name is Sarah. How can I help you today?"),
            ("C", 6.5, 8, "What's the limit for contactless payments?"), ("A", 8.5, 16, "It's one hundred pounds per payment, and you can change it in the app under card settings."),
            ("C", 16.5, 17.5, "Okay, got it."), ("A", 18, 23, "Thanks so much for calling, enjoy the rest of your day.")])))
        let item = try #require(s.detail.agentScore.items.first { $0.id == "talk_ratio" })
        #expect(item.result == "na" && item.reason == "enquiry answered")
        // A complaint call is still judged on talk share.
        let c = try #require(analyzer.finalAnalysis(transcript("en", [("A", 0, 6, "Good morning, you're through to Acme Bank, my name is Sarah. How can I help you today?"),
            ("C", 6.5, 8, "My card was declined and it's really annoying."), ("A", 8.5, 20, "I'm sorry, I've lifted the block on your card and it works again now, you can use it straight away at any shop."),
            ("C", 20.5, 21.5, "Thank you so much."), ("A", 22, 26, "Thanks for calling, enjoy the rest of your day.")])))
        #expect(c.detail.agentScore.items.first { $0.id == "talk_ratio" }?.result != "na")
    }
}
