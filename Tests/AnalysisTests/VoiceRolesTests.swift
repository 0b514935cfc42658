import Testing
@testable import Analysis

// Session 12: the voice's pitch as a cue for who speaks on a mono line.
@Suite struct VoiceRolesTests {
    /// A call whose words say little after the greeting: the customer speaks twice in a row at 3 and 4, which turn
    /// order alone cannot know.
    static let rows: [(String, Double, Double, String)] = [
        ("U", 0, 3, "Hello, Acme, this is Jo, how can I help?"),
        ("U", 3.5, 6, "It is about the thing on the account."),
        ("U", 6.5, 9, "Right, I see."),
        ("U", 9.5, 12, "It went wrong again last week."),
        ("U", 12.5, 15, "And the week before that too."),
        ("U", 15.5, 18, "Right, I see."),
        ("U", 18.5, 21, "So it is the same thing again."),
    ]
    static let truth: [SpeakerRole] = [.agent, .customer, .agent, .customer, .customer, .agent, .customer]

    /// A mono transcript whose utterances carry the given pitches (nil: none measured).
    static func call(_ rows: [(String, Double, Double, String)] = rows, pitches: [Double?]) -> [TranscriptUtterance] {
        var t = transcript("en", rows)
        for k in t.indices { t[k].pitch = pitches[k] }
        return t
    }

    static func pitches(agent: Double, customer: Double) -> [Double?] {
        truth.enumerated().map { k, role in (role == .agent ? agent : customer) * (1 + 0.02 * Double(k % 3 - 1)) }
    }

    @Test func twoVoicesApartTellTheSpeakersApart() {
        let text = analyzer.inferredRoles(Self.call(pitches: Array(repeating: nil, count: Self.rows.count)))
        #expect(text.source == "text")
        #expect(text.turns.map(\.role) != Self.truth, "turn order alone misses the customer's two turns in a row")
        for (agent, customer) in [(110.0, 210.0), (220.0, 105.0), (100.0, 130.0)] {
            let voiced = analyzer.inferredRoles(Self.call(pitches: Self.pitches(agent: agent, customer: customer)))
            #expect(voiced.source == "text+voice", "agent \(agent) Hz, customer \(customer) Hz")
            #expect(voiced.turns.map(\.role) == Self.truth, "agent \(agent) Hz, customer \(customer) Hz")
            #expect(voiced.confidence > text.confidence)
        }
    }

    @Test func oneVoiceOrTooFewPitchesChangeNothing() {
        let text = analyzer.inferredRoles(Self.call(pitches: Array(repeating: nil, count: Self.rows.count)))
        // Two speakers whose voices sit 4 % apart are one pitch group: the cue is not used.
        let close = analyzer.inferredRoles(Self.call(pitches: Self.pitches(agent: 118, customer: 123)))
        #expect(close.source == "text")
        #expect(close.turns == text.turns)
        // Three measured utterances are too few to find two groups in.
        var few: [Double?] = Array(repeating: nil, count: Self.rows.count)
        few[0] = 110; few[1] = 210; few[2] = 110
        let sparse = analyzer.inferredRoles(Self.call(pitches: few))
        #expect(sparse.source == "text")
        #expect(sparse.turns == text.turns)
    }

    /// Real voices, measured over a telephone band by VoiceDescriptorTests.realReadersOverTheTelephone (pocketsphinx-
    /// testdata): one LibriVox reader's five sentences spread over 0.45 octave, yet are one group; another man's five
    /// utterances beside them are not told apart by pitch either (the words must do it).
    @Test func realVoicesOfOneManAreOneGroup() {
        let reader: [Double] = [112.8, 83.8, 105.7, 114.6, 97.9], cards: [Double] = [110.4, 110.2, 99.7, 98.3, 99.2]
        func groups(_ pitches: [Double]) -> [Double?]? {
            let rows = pitches.enumerated().map { k, _ in ("U", Double(k) * 4, Double(k) * 4 + 3, k == 0 ? "Hello, Acme, this is Jo." : "It is about the account.") }
            var cache: [UtteranceFeatures] = []
            return SpeakerRoles.voiceGroups(analyzer.features(Self.call(rows, pitches: pitches), cache: &cache))
        }
        #expect(groups(reader) == nil)
        #expect(groups(zip(reader, cards).flatMap { [$0, $1] }) == nil)
        // The same reader beside a voice an octave up (a woman's, as espeak-ng's f3 measures) is two groups.
        #expect(groups(zip(reader, [212, 220, 205, 208, 216]).flatMap { [$0, $1] }) != nil)
    }

    @Test func aPitchGroupIsOneSpeakersForTheWholeCall() {
        let e: [(Double, Double)] = [(1, 1), (1, 1), (2, 0.5)]
        let groups: [Double?] = [1, 0, nil]
        let agentHigh = SpeakerRoles.voiced(e, groups, highIsAgent: true), customerHigh = SpeakerRoles.voiced(e, groups, highIsAgent: false)
        let sure = 1 - SpeakerRoles.groupError, unsure = SpeakerRoles.groupError
        #expect(agentHigh[0] == (sure, unsure) && agentHigh[1] == (unsure, sure))
        #expect(customerHigh[0] == (unsure, sure) && customerHigh[1] == (sure, unsure))
        #expect(agentHigh[2] == (2, 0.5) && customerHigh[2] == (2, 0.5), "no pitch, the words alone")
        let undecided = SpeakerRoles.voiced([(1, 1)], [0.5], highIsAgent: true)
        #expect(undecided[0].0 == undecided[0].1, "an utterance between the groups says nothing")
    }

    /// One turn whose words read as the other side's ("This is really frustrating" matched the agent's empathy before
    /// the cue needed the listener) costs that turn, not the turns after it: the groups hold for the whole call.
    @Test func aMisreadTurnDoesNotFlipTheRest() {
        let rows: [(String, Double, Double, String)] = [
            ("U", 0.4, 4.5, "Hello, my internet connection has been down since Monday."),
            ("U", 5.5, 9.8, "I'm sorry to hear that. Let me check your account right away."),
            ("U", 10.8, 13.6, "I already told you my account number twice."),
            ("U", 13.9, 15.6, "This is really frustrating."),
            ("U", 16.6, 18.3, "Thank you for your patience."),
            ("U", 18.6, 21.6, "I have reset your modem and it should work now."),
        ]
        let roles = analyzer.inferredRoles(Self.call(rows, pitches: [103.3, 214.5, 100.8, 103.5, 231.6, 213.7]))
        #expect(roles.source == "text+voice")
        #expect(roles.turns.map(\.role) == [.customer, .agent, .customer, .customer, .agent, .agent])
    }

    @Test func stereoCallsIgnorePitch() {
        var t = transcript("en", Self.rows.enumerated().map { k, r in (Self.truth[k] == .agent ? "A" : "C", r.1, r.2, r.3) })
        let plain = analyzer.finalAnalysis(t)
        for k in t.indices { t[k].pitch = k % 2 == 0 ? 110 : 210 }
        #expect(analyzer.finalAnalysis(t) == plain, "channels already say who spoke")
    }

    @Test func jsonTranscriptsCarryPitch() throws {
        let json = #"[{"speaker": "u", "text": "Hello, how can I help?", "start": 0, "end": 2, "pitch": 112.5},"#
            + #"{"speaker": "u", "text": "My internet is down.", "start": 2.5, "end": 4}]"#
        let calls = try TranscriptInput.parse(json)
        #expect(calls[0].utterances.map(\.pitch) == [112.5, nil])
        for bad in [#""pitch": -3"#, #""pitch": "high""#, #""pitch": 0"#] {
            #expect(throws: TranscriptInputError.badUtterance(index: 0, reason: "pitch must be a positive number of Hz (or absent)")) {
                try TranscriptInput.parse(#"[{"speaker": "u", "text": "hi there", "start": 0, "end": 1, "# + bad + "}]")
            }
        }
    }
}
