import Testing
@testable import Analysis

@Suite struct ProcessTests {
    func issues(_ t: [TranscriptUtterance]) -> [String] { analyzer.finalAnalysis(t)?.detail.processIssues.map(\.type) ?? ["<fewer than 5 words>"] }

    @Test func holdAndDeadAirComeFromTimings() {
        let held = transcript("en", [("A", 0, 3, "Hello, how can I help you today?"), ("C", 3.5, 8, "My order has not arrived yet."),
                                     ("A", 8.5, 10, "Please hold while I check."), ("A", 80, 84, "Thanks for holding, it ships today.")])
        #expect(issues(held).contains("long_hold"))
        #expect(!issues(held).contains("dead_air"))  // the gap is an announced hold, not dead air
        var short = held; short[3].start = 30; short[3].end = 34
        #expect(!issues(short).contains("long_hold"))

        let silent = transcript("en", [("A", 0, 3, "Hello, how can I help you today?"), ("C", 3.5, 8, "I need my account balance please."),
                                       ("A", 25, 28, "Your balance is twenty dollars.")])
        #expect(issues(silent).contains("dead_air"))
        var quick = silent; quick[2].start = 9; quick[2].end = 12
        #expect(!issues(quick).contains("dead_air"))
    }

    @Test func escalationRequests() {
        #expect(issues(transcript("en", [("C", 0, 4, "I want to speak to your manager now.")])).contains("escalation_request"))
        #expect(issues(transcript("tr", [("C", 0, 4, "Yöneticinizle görüşmek istiyorum, hemen bağlayın lütfen.")])).contains("escalation_request"))
        #expect(!issues(transcript("en", [("C", 0, 4, "I manage my account online usually.")])).contains("escalation_request"))
    }

    @Test func repeatedComplaintClustering() {
        let t = transcript("en", [("C", 0, 5, "My internet is down since Monday."), ("A", 5.5, 8, "Let me run a line test."),
                                  ("C", 8.5, 14, "I told you, the internet has been down since Monday."),
                                  ("A", 14.5, 17, "The line test looks fine."), ("C", 17.5, 22, "And my bill is wrong too.")])
        let c = analyzer.finalAnalysis(t)!.detail.repeatedProblems
        #expect(c.count == 1)
        #expect(c.first?.turns == [0, 2])
        #expect(c.first?.concept == "connectivity")
        // The same complaint twice with no agent turn between is one statement, not a repetition.
        let back = transcript("en", [("C", 0, 5, "My internet is down since Monday."), ("C", 5.5, 9, "The internet has been down since Monday.")])
        #expect(analyzer.finalAnalysis(back)!.detail.repeatedProblems.isEmpty)
    }

    @Test func interruptionsNeedRolesAndOverlap() {
        let rows: [(String, Double, Double, String)] = [("C", 0, 6, "I have a problem with the bill again"), ("A", 4, 7, "Yes yes I see that already"),
            ("C", 7.5, 13, "And also the internet keeps dropping"), ("A", 11, 15, "Right right let me stop you there"),
            ("C", 15.5, 20, "Please let me finish what I say"), ("A", 18, 22, "We need to move on now okay")]
        #expect(issues(transcript("en", rows)).contains("excessive_interruptions"))
        let mono = transcript("en", rows.map { ("U", $0.1, $0.2, $0.3) })
        #expect(!issues(mono).contains("excessive_interruptions"))
        #expect(analyzer.finalAnalysis(mono)!.detail.conversation.interruptions == nil)
    }

    @Test func agentScoreRubricHandlesNotApplicable() {
        let snap = analyzer.finalAnalysis(transcript("en", [("A", 0, 4, "Hello, thank you for calling, my name is Sam."),
            ("C", 4.5, 8, "What are your opening hours on Sunday?"), ("A", 8.5, 12, "We open at ten. Is there anything else?"),
            ("C", 12.5, 14, "No, that is all, thank you."), ("A", 14.5, 16, "Thank you for calling, goodbye.")]))!
        let items = Dictionary(uniqueKeysWithValues: snap.detail.agentScore.items.map { ($0.id, $0.result) })
        #expect(items["hold_etiquette"] == "na")
        #expect(items["empathy"] == "na")
        #expect(items["greeting"] == "met")
        #expect(snap.agentScore >= 4)
        let rude = analyzer.finalAnalysis(transcript("en", [("A", 0, 3, "Yeah what."), ("C", 3.5, 8, "My bill is wrong and this is unacceptable."),
            ("A", 8.5, 11, "Calm down, that is not my problem.")]))!
        #expect(rude.agentScore <= 2)
    }
}
