import Testing
@testable import StreamProtocol

/// Builds AudioHook client messages the way the reference client does.
struct AudioHookClient {
    var id = "30b0e395-84d3-4570-ac13-9a62d8f514c0"
    var org = "d7934305-0972-4844-938e-9060eef73d05"
    var seq: Int64 = 0
    var serverseq: Int64 = 0

    mutating func message(_ type: String, _ parameters: String = "{}", position: String = "PT0S") -> String {
        seq += 1
        return #"{"version":"2","id":"\#(id)","type":"\#(type)","seq":\#(seq),"serverseq":\#(serverseq),"position":"\#(position)","parameters":\#(parameters)}"#
    }

    mutating func open(media: String = #"[{"type":"audio","format":"PCMU","channels":["external","internal"],"rate":8000},{"type":"audio","format":"PCMU","channels":["external"],"rate":8000}]"#,
                       extra: String = "", conversation: String = "090eaa2f-72fa-480a-83e0-8667ff89c0ec", participant: String = "883efee8-3d6c-4537-b500-6d7ca4b92fa0") -> String {
        message("open", #"{"organizationId":"\#(org)","conversationId":"\#(conversation)","participant":{"id":"\#(participant)","ani":"+15551234567","aniName":"Caller","dnis":"+15557654321"},"media":\#(media)\#(extra)}"#)
    }
}

func sent(_ events: [ProtocolEvent]) -> [String] {
    events.compactMap { if case .send(let text) = $0 { return text } else { return nil } }
}

extension AudioHookClient {
    /// A stage that has accepted this client's `open` (and sent `opened`, server seq 1).
    mutating func openedStage() -> AudioHookStage {
        var stage = AudioHookStage(sessionIdHeader: id, organizationHeader: org)
        _ = stage.receive(text: open())
        serverseq = 1
        return stage
    }
}

func json(_ text: String) -> JSONValue { (try? JSONValue.parse(text)) ?? .null }

@Suite struct AudioHookStageTests {
    @Test func openSelectsTheFirstOfferAndNumbersMessagesLikeTheReference() {
        var client = AudioHookClient()
        var stage = AudioHookStage(sessionIdHeader: client.id, organizationHeader: client.org)
        let events = stage.receive(text: client.open(extra: #","supportedLanguages":true,"language":"en-US""#))
        #expect(sent(events) == [#"{"version":"2","id":"30b0e395-84d3-4570-ac13-9a62d8f514c0","type":"opened","seq":1,"clientseq":1,"parameters":{"media":[{"type":"audio","format":"PCMU","channels":["external","internal"],"rate":8000}],"startPaused":false,"supportedLanguages":["en-US","tr-TR"]}}"#])
        guard case .opened(let session)? = events.last else { Issue.record("no opened event"); return }
        #expect(session.media == MediaFormat(encoding: .pcmu, sampleRate: 8000, channels: ["external", "internal"]))
        #expect(session.language == "en-US")
        #expect(!session.isProbe)
        #expect(json(sent(events)[0])["parameters"]?["supportedLanguages"] == .array([.string("en-US"), .string("tr-TR")]))

        client.serverseq = 1
        let pong = sent(stage.receive(text: client.message("ping")))
        #expect(pong == [#"{"version":"2","id":"30b0e395-84d3-4570-ac13-9a62d8f514c0","type":"pong","seq":2,"clientseq":2,"parameters":{}}"#])
    }

    @Test func openedEchoesTheOfferedMediaEntryExactly() {
        var client = AudioHookClient()
        var stage = AudioHookStage(sessionIdHeader: client.id, organizationHeader: nil)
        let offer = #"{"type":"audio","format":"L16","channels":["internal","external"],"rate":8000}"#
        let events = stage.receive(text: client.open(media: "[\(offer)]"))
        #expect(json(sent(events)[0])["parameters"]?["media"] == .array([json(offer)]))
        #expect(stage.media?.channels == ["internal", "external"])
        #expect(json(sent(events)[0])["parameters"]?["supportedLanguages"] == nil, "only sent when asked")
    }

    @Test func audioCountsSamplesAndGapsShiftTheTimeline() {
        var client = AudioHookClient()
        var stage = client.openedStage()
        #expect(stage.receive(binary: [UInt8](repeating: 0xFF, count: 3200)) == [.audio([UInt8](repeating: 0xFF, count: 3200), position: 0)])
        #expect(stage.receive(binary: []) == [], "zero-length frames are accepted")
        _ = stage.receive(text: client.message("paused"))
        #expect(stage.state == .paused)
        #expect(stage.receive(text: client.message("resumed", #"{"start":"PT0.2S","discarded":"PT1.5S"}"#)) == [.gap(start: 1600, duration: 12000)])
        #expect(stage.receive(binary: [UInt8](repeating: 0, count: 320)) == [.audio([UInt8](repeating: 0, count: 320), position: 13600)])
        #expect(stage.receive(text: client.message("discarded", #"{"start":"PT2S","discarded":"PT0.5S"}"#)) == [.gap(start: 13760, duration: 4000)])
    }

    @Test func closeWaitsForFinalEventsThenClosed() {
        var client = AudioHookClient()
        var stage = client.openedStage()
        #expect(stage.receive(text: client.message("close", #"{"reason":"end"}"#)) == [.closeRequested(reason: "end")])
        let event = stage.event(entities: [.object([("type", .string("transcript"))])])
        #expect(event != nil, "final events may still go out while closing")
        let closed = stage.closed()
        #expect(json(closed ?? "")["type"] == .string("closed"))
        #expect(json(closed ?? "")["clientseq"] == .int(2))
        #expect(stage.event(entities: []) == nil, "no events after closed")
        // Pings are still answered after closed.
        #expect(json(sent(stage.receive(text: client.message("ping"))).first ?? "")["type"] == .string("pong"))
    }

    @Test func updateChangesLanguageAndIsAcknowledged() {
        var client = AudioHookClient()
        var stage = client.openedStage()
        let events = stage.receive(text: client.message("update", #"{"language":"tr-TR"}"#))
        #expect(json(sent(events)[0])["type"] == .string("updated"))
        #expect(events.last == .languageChanged("tr-TR"))
    }

    @Test func clientErrorGetsNoReply() {
        var client = AudioHookClient()
        var stage = client.openedStage()
        #expect(stage.receive(text: client.message("error", #"{"code":500,"message":"boom"}"#)) == [.clientError(code: 500, message: "boom")])
    }

    @Test func connectionProbeIsRecognised() {
        var client = AudioHookClient()
        var stage = AudioHookStage(sessionIdHeader: client.id, organizationHeader: client.org)
        let nilUUID = ProtocolIdentifiers.nilUUID
        let events = stage.receive(text: client.open(conversation: nilUUID, participant: nilUUID))
        guard case .opened(let session)? = events.last else { Issue.record("probe not opened"); return }
        #expect(session.isProbe)
    }

    /// A reconnecting client names the sessions it continues; they are kept as sent, for the
    /// session index. Anything not shaped like the protocol's `ContinuedSession` is a bad open.
    @Test func continuedSessionsAreKeptAsSentAndMalformedOnesRefused() {
        let continued = #"[{"id":"e160e428-53e2-487c-977d-96989bf5c99d","serverseq":7,"clientseq":12}]"#
        var client = AudioHookClient()
        var stage = AudioHookStage(sessionIdHeader: client.id, organizationHeader: client.org)
        let events = stage.receive(text: client.open(extra: #","continuedSessions":"# + continued))
        guard case .opened(let session)? = events.last else { Issue.record("no opened event"); return }
        #expect(session.continuedSessions == json(continued))
        #expect(session.json["continuedSessions"] == json(continued))
        var plain = AudioHookClient()
        var plainStage = AudioHookStage(sessionIdHeader: plain.id, organizationHeader: plain.org)
        guard case .opened(let first)? = plainStage.receive(text: plain.open()).last else { Issue.record("no opened event"); return }
        #expect(first.json["continuedSessions"] == nil, "absent unless the client sent it")

        for bad in [#""yes""#, #"[{"id":"not-a-uuid","serverseq":1,"clientseq":1}]"#, #"[{"id":"e160e428-53e2-487c-977d-96989bf5c99d","serverseq":-1,"clientseq":1}]"#,
                    #"[{"id":"e160e428-53e2-487c-977d-96989bf5c99d","clientseq":1}]"#, #"["e160e428-53e2-487c-977d-96989bf5c99d"]"#] {
            var client = AudioHookClient()
            var stage = AudioHookStage(sessionIdHeader: client.id, organizationHeader: client.org)
            let reply = sent(stage.receive(text: client.open(extra: #","continuedSessions":"# + bad))).last.map(json)
            #expect(reply?["type"] == .string("disconnect"), "continuedSessions \(bad)")
            #expect(reply?["parameters"]?["info"]?.stringValue == "Client Error: Invalid Message: Invalid/missing parameters")
        }
    }

    /// The reference's error table (PROTOCOL-NOTES §8): each case answered with `disconnect`.
    @Test func errorTableIsAnsweredWithDisconnect() {
        func info(_ setup: (inout AudioHookClient, inout AudioHookStage) -> [ProtocolEvent]) -> String? {
            var client = AudioHookClient()
            var stage = AudioHookStage(sessionIdHeader: client.id, organizationHeader: client.org)
            let events = setup(&client, &stage)
            guard let text = sent(events).last else { return nil }
            let message = json(text)
            guard message["type"] == .string("disconnect") else { return nil }
            return message["parameters"]?["info"]?.stringValue
        }
        #expect(info { _, s in s.receive(text: "not json") } == "Client Error: Text message not valid JSON")
        #expect(info { c, s in s.receive(text: c.open().replacingOccurrences(of: #""version":"2""#, with: #""version":"3""#)) } == "Client Error: Message not a well-formed client message")
        #expect(info { c, s in s.receive(text: c.open().replacingOccurrences(of: #""position":"PT0S""#, with: #""position":"PT1M""#)) } == "Client Error: Message not a well-formed client message")
        #expect(info { c, s in c.seq = 1; return s.receive(text: c.open()) } == "Client Error: Invalid seq value (not monotonically increasing)")
        #expect(info { c, s in c.serverseq = 5; return s.receive(text: c.open()) } == "Client Error: Invalid serverseq value")
        #expect(info { c, s in c.id = "e160e428-53e2-487c-977d-96989bf5c99d"; return s.receive(text: c.open()) } == "Client Error: Session identifier mismatch")
        #expect(info { c, s in s.receive(text: c.message("dtmf", #"{"digit":"1"}"#)) } == "Client Error: Invalid Message: 'dtmf' is not a supported client message")
        #expect(info { c, s in s.receive(text: c.open(media: "[]").replacingOccurrences(of: #","media":[]"#, with: "")) } == "Client Error: Invalid Message: Invalid/missing parameters")
        #expect(info { c, s in s.receive(text: c.open(extra: #","language":"en""#)) } == "Client Error: Invalid Message: Invalid/missing parameters")
        #expect(info { c, s in s.receive(text: c.open(media: #"[{"type":"audio","format":"PCMU","channels":["external"],"rate":16000}]"#)) } == "Client Error: Invalid Message: Invalid/missing parameters")
        #expect(info { _, s in s.receive(binary: [0, 0]) } == "Client Error: Received audio in state PREPARING")
        #expect(info { c, s in _ = s.receive(text: c.open()); c.serverseq = 1; _ = s.receive(text: c.message("paused")); return s.receive(binary: [0, 0]) } == "Client Error: Received audio in state PAUSED")
        #expect(info { c, s in _ = s.receive(text: c.open()); return s.receive(binary: [0, 0, 0]) }?.hasPrefix("Client Error: Binary data not a valid audio frame") == true)
        #expect(info { _, s in s.receive(text: "{" + String(repeating: " ", count: 70_000) + "}") } == "Client Error: Text message too large (more than 65535 bytes)")
        #expect(info { c, s in c.org = "e160e428-53e2-487c-977d-96989bf5c99d"; return s.receive(text: c.open()) } == "organizationId does not match the Audiohook-Organization-Id header")
    }

    @Test func afterDisconnectTheClientsCloseIsAnsweredWithClosed() {
        var client = AudioHookClient()
        var stage = AudioHookStage(sessionIdHeader: client.id, organizationHeader: client.org)
        _ = stage.receive(text: client.message("dtmf"))
        client.serverseq = 1
        #expect(stage.state == .disconnecting)
        #expect(stage.receive(text: client.message("close", #"{"reason":"disconnect"}"#)) == [.closeRequested(reason: "disconnect")])
        #expect(json(stage.closed() ?? "")["type"] == .string("closed"))
    }

    @Test func aSecondOpenIsIgnored() {
        var client = AudioHookClient()
        var stage = client.openedStage()
        #expect(stage.receive(text: client.open()) == [])
    }

    @Test func sameInputGivesTheSameOutput() {
        func run() -> [ProtocolEvent] {
            var client = AudioHookClient()
            var stage = AudioHookStage(sessionIdHeader: client.id, organizationHeader: client.org)
            var all = stage.receive(text: client.open())
            client.serverseq = 1
            all += stage.receive(binary: [UInt8](repeating: 7, count: 400))
            all += stage.receive(text: client.message("ping"))
            all += stage.receive(text: client.message("close", #"{"reason":"end"}"#))
            return all
        }
        #expect(run() == run())
    }
}

@Suite struct SeedStageTests {
    static let open = #"{"type":"open","id":"your-session-id","seq":1,"parameters":{"media":[{"type":"audio","codec":"audio/pcm"}]}}"#

    @Test func openIsAnsweredAsTheGuideShows() {
        var stage = SeedStage()
        let events = stage.receive(text: Self.open)
        #expect(sent(events) == [#"{"version":"2","type":"opened","id":"your-session-id","parameters":{"startPaused":false,"media":[{"type":"audio","codec":"audio/pcm","rate":16000,"channels":1}],"supportedLanguages":["en","tr"]}}"#])
        #expect(events.last == .opened(NegotiatedSession(dialect: .seed, sessionId: "your-session-id", media: SeedStage.media, language: nil)))
    }

    /// The seed dialect decodes 16 kHz mono only: an offer of anything else is refused rather
    /// than accepted and then decoded wrongly, and `opened` states the format in full.
    @Test func offersOfOtherRatesOrChannelsAreRefused() {
        for offer in [#"{"type":"audio","codec":"audio/pcm","rate":8000,"channels":2}"#, #"{"type":"audio","codec":"audio/pcm","rate":8000}"#,
                      #"{"type":"audio","codec":"audio/pcm","channels":2}"#, #"{"type":"audio","codec":"audio/pcm","channels":["left","right"]}"#] {
            var stage = SeedStage()
            let reply = json(sent(stage.receive(text: #"{"type":"open","id":"s-1","parameters":{"media":[\#(offer)]}}"#)).first ?? "")
            #expect(reply["type"] == .string("error"), "\(offer)")
            #expect(reply["parameters"]?["code"] == .int(415), "\(offer)")
            #expect(reply["id"] == .string("s-1"), "the error names the session the client meant")
            #expect(stage.state == .awaitingOpen)
        }
        for offer in [#"{"type":"audio","codec":"audio/pcm","rate":16000,"channels":1}"#, #"{"type":"audio","codec":"audio/pcm","channels":"mono"}"#,
                      #"{"type":"audio","codec":"audio/pcm","rate":8000},{"type":"audio","codec":"audio/pcm","rate":16000}"#] {
            var stage = SeedStage()
            let reply = json(sent(stage.receive(text: #"{"type":"open","id":"s-2","parameters":{"media":[\#(offer)]}}"#)).first ?? "")
            #expect(reply["type"] == .string("opened"), "\(offer)")
            #expect(reply["parameters"]?["media"] == .array([json(#"{"type":"audio","codec":"audio/pcm","rate":16000,"channels":1}"#)]))
        }
    }

    /// Errors for a refused open, and the `closed` that follows, carry the client's id.
    @Test func repliesBeforeASuccessfulOpenEchoTheClientsId() {
        var stage = SeedStage()
        let refused = json(sent(stage.receive(text: #"{"type":"open","id":"call-9","parameters":{"language":"de"}}"#)).first ?? "")
        #expect(refused["type"] == .string("error") && refused["id"] == .string("call-9"))
        let audio = json(sent(stage.receive(binary: [0, 0])).first ?? "")
        #expect(audio["parameters"]?["code"] == .int(409) && audio["id"] == .string("call-9"))
        #expect(stage.receive(text: #"{"type":"close","id":"call-9","parameters":{}}"#) == [.closeRequested(reason: "end")])
        #expect(stage.closed().map(json)?["id"] == .string("call-9"))
        var anonymous = SeedStage()
        #expect(json(sent(anonymous.receive(binary: [0, 0])).first ?? "")["id"] == .string(""), "nothing to echo yet")
    }

    @Test func oddSizedFramesAreReassembledIntoWholeSamples() {
        var stage = SeedStage()
        _ = stage.receive(text: Self.open)
        #expect(stage.receive(binary: [1, 2, 3]) == [.audio([1, 2], position: 0)])
        #expect(stage.receive(binary: [4, 5, 6, 7]) == [.audio([3, 4, 5, 6], position: 1)])
        #expect(stage.receive(binary: [8]) == [.audio([7, 8], position: 3)])
    }

    @Test func closeFlushesThenClosed() {
        var stage = SeedStage()
        _ = stage.receive(text: Self.open)
        #expect(stage.receive(text: #"{"type":"close","id":"your-session-id","parameters":{}}"#) == [.closeRequested(reason: "end")])
        let event = stage.event(parameters: .object([("entity", .object([("type", .string("transcript")), ("value", .string("hello"))]))]))
        #expect(event == #"{"version":"2","type":"event","id":"your-session-id","parameters":{"entity":{"type":"transcript","value":"hello"}}}"#)
        #expect(stage.closed() == #"{"version":"2","type":"closed","id":"your-session-id","parameters":{}}"#)
    }

    @Test func languageIsNormalisedOrRefused() {
        var stage = SeedStage()
        let events = stage.receive(text: #"{"type":"open","id":"s","parameters":{"media":[{"type":"audio","codec":"audio/pcm"}],"language":"tr-TR"}}"#)
        guard case .opened(let session)? = events.last else { Issue.record("not opened"); return }
        #expect(session.language == "tr")
        var other = SeedStage()
        let refused = other.receive(text: #"{"type":"open","id":"s","parameters":{"language":"de"}}"#)
        #expect(json(sent(refused)[0])["type"] == .string("error"))
        #expect(other.state == .awaitingOpen)
    }

    @Test func badInputGetsAnErrorAndTheSessionGoesOn() {
        var stage = SeedStage()
        for (input, code) in [("nonsense", 400), (#"{"id":"x"}"#, 400), (#"{"type":"open","id":""}"#, 400),
                              (#"{"type":"open","id":"x","parameters":{"media":[{"type":"audio","codec":"audio/opus"}]}}"#, 415)] {
            let reply = json(sent(stage.receive(text: input)).first ?? "")
            #expect(reply["type"] == .string("error"), "\(input)")
            #expect(reply["parameters"]?["code"] == .int(Int64(code)), "\(input)")
        }
        #expect(json(sent(stage.receive(binary: [0, 0])).first ?? "")["parameters"]?["code"] == .int(409))
        #expect(json(sent(stage.receive(text: Self.open)).first ?? "")["type"] == .string("opened"))
        #expect(json(sent(stage.receive(text: #"{"type":"bogus"}"#)).first ?? "")["type"] == .string("error"))
        #expect(stage.state == .active)
    }
}

@Suite struct DialectDetectionTests {
    /// The upgrade request decides the dialect; an AudioHook-shaped `open` on a seed connection
    /// (authenticated by `?x-api-key=` alone, never signed) is answered as a seed message.
    @Test func theUpgradeDecidesTheDialectAndMessagesCannotSwitchIt() {
        var seed = ProtocolStage(dialect: .seed, headers: [:])
        _ = seed.receive(text: SeedStageTests.open)
        #expect(seed.dialect == .seed)
        var client = AudioHookClient()
        var smuggled = ProtocolStage(dialect: .seed, headers: [:])
        let answer = json(sent(smuggled.receive(text: client.open())).first ?? "")
        #expect(smuggled.dialect == .seed)
        #expect(answer["type"] == .string("error"), "an AudioHook open offers no seed media: refused, not opened")
        #expect(answer["parameters"]?["code"] == .int(415))
        var hinted = ProtocolStage(dialect: .audiohook, headers: ["audiohook-session-id": client.id])
        #expect(hinted.dialect == .audiohook)
        #expect(json(sent(hinted.receive(text: SeedStageTests.open)).first ?? "")["type"] == .string("disconnect"))
    }
}
