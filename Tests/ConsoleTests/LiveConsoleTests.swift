import Audio
import Foundation
import Pipeline
import Recognition
import TapedeckTesting
import Testing
@testable import Console
@testable import Server

/// A live session run through the server's observers (the same decorators `TapedeckServer`
/// puts around the WebSocket, the recognition pool and the journal), over in-memory seams: no
/// socket, no model. What it sends must move the metrics and reach the console's live pages.
final class ObservedCall: @unchecked Sendable {
    static let engine = EngineIdentity(engine: "canned", model: "none", modelDigest: "-")
    let transport = MemoryTransport()
    let transcriber = StubTranscriber(held: true)
    let observation: SessionObservation
    let id: String
    private var running: Task<SessionDriver.Outcome, any Error>?

    init(metrics: ServerMetrics, live: LiveSessions, organization: String, sessionId: String) {
        id = sessionId
        let facts = ConnectionFacts(organization: organization, keyId: "k1", dialect: "seed", headers: [:], query: [:], path: "/v1/stream")
        observation = SessionObservation(metrics: metrics, live: live, organization: organization, dialect: "seed",
                                         startedAt: Date(timeIntervalSince1970: 1_700_000_000))
        let driver = SessionDriver(reducer: SessionReducer(facts: facts, environment: SessionEnvironment(engine: Self.engine)),
                                   transport: observation.transport(transport), transcriber: observation.transcriber(transcriber),
                                   recorder: observation.recorder(MemoryRecorder(facts: facts)), clock: ImmediateClock(),
                                   scheduling: .concurrent(quietAfterIdentified: 0))
        let observation = self.observation
        running = Task {
            let outcome = try await driver.run()
            observation.ended(outcome.end)
            return outcome
        }
    }

    /// Two bursts of tone with silence around them: two utterances for the segmenter.
    static var twoUtterances: [[UInt8]] {
        let tone = (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        let silence = [Float](repeating: 0.001, count: 16000)
        return [silence, tone, silence, tone, silence].map(PCM.bytesLE)
    }

    /// Opens the session and sends its audio and `close`; the transcriptions wait for `answer`.
    func talk() async {
        await transport.clientSends(#"{"type":"open","id":"\#(id)","seq":1,"parameters":{"media":[{"type":"audio","codec":"audio/pcm"}],"language":"en"}}"#)
        for chunk in Self.twoUtterances { await transport.clientSendsAudio(chunk) }
        await transport.clientSends(#"{"type":"close","id":"\#(id)","seq":2,"parameters":{}}"#)
        await transport.waitForSent(1)  // opened: the session is named
    }

    func answer(_ first: String, _ second: String) async throws {
        let answered = await transcriber.release(0, text: first)
        let answeredToo = await transcriber.release(1, text: second)
        try #require(answered && answeredToo, "both utterances were asked for")
        await transport.waitForSent(4)  // opened, two events, closed
    }

    func hangUp() async throws -> SessionDriver.Outcome {
        await transport.clientDisconnects()
        return try await running!.value
    }
}

/// The Prometheus page's value for one series (`name{labels}` exactly as emitted), nil if absent.
func metric(_ page: String, _ series: String) -> Double? {
    for line in page.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}

@Suite struct SessionMetricsTests {
    @Test func aSessionMovesTheCounters() async throws {
        let metrics = ServerMetrics()
        let before = metrics.render(queueDepth: 0)
        #expect(metric(before, "tapedeck_sessions_open") == 0)
        #expect(metric(before, #"tapedeck_upgrade_refusals_total{status="401"}"#) == 0, "present before the first refusal")

        let call = ObservedCall(metrics: metrics, live: LiveSessions(), organization: "acme", sessionId: "m-1")
        await call.talk()
        let during = metrics.render(queueDepth: 2)
        #expect(metric(during, "tapedeck_sessions_open") == 1)
        #expect(metric(during, #"tapedeck_sessions_total{dialect="seed"}"#) == 1)
        #expect(metric(during, "tapedeck_transcription_queue_depth") == 2, "the pool's queue, read when scraped")

        try await call.answer("my bill is wrong", "thank you for waiting")
        let outcome = try await call.hangUp()
        #expect(outcome.appliedTranscriptions == 2)
        let after = metrics.render(queueDepth: 0)
        let audio = ObservedCall.twoUtterances
        #expect(metric(after, "tapedeck_sessions_open") == 0)
        #expect(metric(after, #"tapedeck_sessions_ended_total{reason="client closed"}"#) == 1)
        #expect(metric(after, #"tapedeck_frames_in_total{kind="text"}"#) == 2, "open and close")
        #expect(metric(after, #"tapedeck_frames_in_total{kind="binary"}"#) == Double(audio.count))
        #expect(metric(after, #"tapedeck_bytes_in_total{kind="binary"}"#) == Double(audio.map(\.count).reduce(0, +)))
        #expect(metric(after, #"tapedeck_messages_sent_total{kind="event"}"#) == 2)
        #expect(metric(after, #"tapedeck_messages_sent_total{kind="reply"}"#) == 2, "opened and closed")
        #expect(metric(after, "tapedeck_transcription_seconds_count") == 2)
        #expect(metric(after, "tapedeck_transcription_real_time_factor_count") == 2)
        #expect(!after.contains("tapedeck_errors_total"), "a clean call tells the client no error")
    }

    @Test func errorsToldToClientsAreCountedByCode() async throws {
        let metrics = ServerMetrics()
        let call = ObservedCall(metrics: metrics, live: LiveSessions(), organization: "acme", sessionId: "m-2")
        await call.transport.clientSends("this is not JSON")
        await call.transport.waitForSent(1)
        _ = try await call.hangUp()
        let sent = await call.transport.sent.map(\.text)
        let code = try #require(sent.first.flatMap(ObservedTransport.errorCode), "the server answered with an error: \(sent)")
        #expect(metric(metrics.render(queueDepth: nil), #"tapedeck_errors_total{code="\#(code)"}"#) == 1)
    }

    @Test func errorCodesAreReadFromBothDialects() {
        #expect(ObservedTransport.errorCode(#"{"type":"error","id":"a","seq":3,"parameters":{"code":400,"message":"bad"}}"#) == "400")
        #expect(ObservedTransport.errorCode(#"{"type":"disconnect","id":"a","seq":3,"parameters":{"reason":"error","info":"x"}}"#) == "disconnect-error")
        #expect(ObservedTransport.errorCode(#"{"type":"disconnect","id":"a","seq":3,"parameters":{"reason":"completed"}}"#) == nil)
        #expect(ObservedTransport.errorCode(#"{"type":"event","parameters":{"entity":{"value":"an error in my bill"}}}"#) == nil)
        #expect(ObservedTransport.errorCode("error, but not JSON") == nil)
    }

    @Test func refusalsAreCountedByStatus() {
        let metrics = ServerMetrics()
        metrics.refused(status: 401)
        metrics.refused(status: 401)
        metrics.refused(status: 503)
        let page = metrics.render(queueDepth: nil)
        #expect(metric(page, #"tapedeck_upgrade_refusals_total{status="401"}"#) == 2)
        #expect(metric(page, #"tapedeck_upgrade_refusals_total{status="503"}"#) == 1)
    }
}

@Suite struct LiveEventParserTests {
    @Test func readsSeedEvents() throws {
        let text = #"{"type":"event","id":"c","seq":4,"parameters":{"entity":{"type":"transcript","value":"hello there","speaker":"agent","channel":1,"start":1.25,"end":2.5,"language":"en"},"analysis":{"summary":"greeting","sentiment":"neutral","agent_score":null}}}"#
        let parsed = try #require(LiveEventParser.parse(text))
        #expect(parsed.lines == [LiveLine(speaker: "agent", start: 1.25, end: 2.5, text: "hello there")])
        #expect(parsed.analysis == [LiveField(name: "summary", value: "greeting"), LiveField(name: "sentiment", value: "neutral"),
                                    LiveField(name: "agent_score", value: "unknown")])
    }

    @Test func readsAudioHookEvents() throws {
        let text = #"{"version":"2","type":"event","seq":3,"id":"x","parameters":{"entities":[{"type":"transcript","data":{"id":"u","channelId":1,"isFinal":true,"offset":"PT1.5S","duration":"PT2S","alternatives":[{"confidence":0.9,"interpretations":[{"type":"display","transcript":"my bill"}]}]}},{"type":"analysis","data":{"summary":"billing","final":false}}]}}"#
        let parsed = try #require(LiveEventParser.parse(text))
        #expect(parsed.lines == [LiveLine(speaker: "internal", start: 1.5, end: 3.5, text: "my bill")])
        #expect(parsed.analysis == [LiveField(name: "summary", value: "billing"), LiveField(name: "final", value: "no")])
    }

    @Test func ignoresWhatIsNotAnEvent() {
        for text in ["", "{", "[]", #"{"type":"opened","parameters":{}}"#, #"{"type":"event"}"#, #"{"type":"event","parameters":{"entities":[]}}"#,
                     #"{"type":"event","parameters":{"entity":{"type":"transcript"}}}"#] {
            #expect(LiveEventParser.parse(text) == nil, "\(text)")
        }
    }
}

@Suite struct LiveSessionsTests {
    @Test func everyQueryIsScopedToTheOrganization() {
        let live = LiveSessions()
        let acme = live.open(organization: "acme", dialect: "seed", startedAt: Date(timeIntervalSince1970: 10))
        let globex = live.open(organization: "globex", dialect: "audiohook", startedAt: Date(timeIntervalSince1970: 5))
        #expect(live.sessions(organization: "acme").map(\.id) == [acme.id])
        #expect(live.sessions(organization: "globex").map(\.id) == [globex.id])
        #expect(live.sessions(organization: "initech").isEmpty)
        #expect(live.snapshot(id: globex.id, organization: "acme") == nil)
        #expect(live.follow(id: globex.id, organization: "acme") == nil)
        #expect(live.snapshot(id: acme.id, organization: "acme") != nil)
        acme.close()
        #expect(live.sessions(organization: "acme").isEmpty, "an ended session is no longer live")
        #expect(live.snapshot(id: acme.id, organization: "acme") == nil)
    }

    @Test func aFollowerGetsEveryUpdateAfterItsSnapshotAndTheEnd() async throws {
        let live = LiveSessions()
        let call = live.open(organization: "acme", dialect: "seed", startedAt: Date())
        call.sent(event: #"{"type":"event","parameters":{"entity":{"type":"transcript","value":"one","speaker":"agent","start":0,"end":1}}}"#)
        let (snapshot, updates) = try #require(live.follow(id: call.id, organization: "acme"))
        #expect(snapshot.lines.map(\.text) == ["one"])
        call.sent(event: #"{"type":"event","parameters":{"entity":{"type":"transcript","value":"two","speaker":"customer","start":1,"end":2}}}"#)
        call.identified(sessionId: "s-1", language: "en-US")
        call.close()
        var seen: [LiveUpdate] = []
        for await update in updates { seen.append(update) }
        #expect(seen.count == 3)
        #expect(seen.first == .line(LiveLine(speaker: "customer", start: 1, end: 2, text: "two")))
        #expect(seen.last == .ended)
    }

    @Test func keepsABoundedTranscript() {
        let live = LiveSessions()
        let call = live.open(organization: "acme", dialect: "seed", startedAt: Date())
        for index in 0..<(LiveSessions.keptLines + 20) {
            call.sent(event: #"{"type":"event","parameters":{"entity":{"type":"transcript","value":"line \#(index)","speaker":"agent","start":0,"end":1}}}"#)
        }
        let lines = live.snapshot(id: call.id, organization: "acme")?.lines ?? []
        #expect(lines.count == LiveSessions.keptLines)
        #expect(lines.last?.text == "line \(LiveSessions.keptLines + 19)")
    }
}

/// The live pages, signed in as a browser would be, over a session running through the observers.
@Suite struct LivePageTests {
    @Test func theLivePagesShowTheCallAndItsEventsToItsOrganizationOnly() async throws {
        let live = LiveSessions()
        let harness = try await ConsoleHarness(live: live)
        try await harness.organization("acme", email: "ops@acme.example")
        try await harness.organization("globex", email: "ops@globex.example")
        let acme = harness.browser()
        let globex = harness.browser()
        try await acme.signIn("ops@acme.example")
        try await globex.signIn("ops@globex.example")

        let empty = try await acme.get("/console/orgs/acme/live")
        #expect(empty.status == .ok)
        #expect(empty.body.contains(#"id="no-calls""#))

        let call = ObservedCall(metrics: ServerMetrics(), live: live, organization: "acme", sessionId: "call-<42>")
        await call.talk()
        let id = try #require(live.sessions(organization: "acme").first?.id)

        let list = try await acme.get("/console/orgs/acme/live")
        #expect(list.body.contains(#"href="/console/orgs/acme/live/\#(id)""#))
        #expect(list.body.contains("call-&lt;42&gt;"), "the client's session id, escaped")
        #expect(!list.body.contains("call-<42>"))
        #expect(list.body.contains("<td>seed</td><td>en</td>"), "dialect and language")

        // Another organization: not in its list, and 404 for the page and the event stream,
        // under its own path and under acme's.
        let theirs = try await globex.get("/console/orgs/globex/live")
        #expect(!theirs.body.contains(id))
        for path in ["/console/orgs/acme/live", "/console/orgs/acme/live/\(id)", "/console/orgs/acme/live/\(id)/events",
                     "/console/orgs/globex/live/\(id)", "/console/orgs/globex/live/\(id)/events"] {
            #expect(try await globex.get(path).status == .notFound, "\(path)")
        }
        #expect(try await acme.get("/console/orgs/acme/live/no-such-call").status == .notFound)

        let page = try await acme.get("/console/orgs/acme/live/\(id)")
        #expect(page.status == .ok)
        #expect(page.body.contains(#"data-events="/console/orgs/acme/live/\#(id)/events""#))

        // The stream stays open while the call does; it ends with the call.
        let stream = Task { try await acme.get("/console/orgs/acme/live/\(id)/events") }
        for _ in 0..<1000 where live.followers(id: id) == 0 { try await Task.sleep(nanoseconds: 5_000_000) }
        try #require(live.followers(id: id) == 1, "the page follows the call")
        try await call.answer("my bill is wrong again", "let me check that for you")
        _ = try await call.hangUp()
        let events = try await stream.value
        #expect(events.status == .ok)
        #expect(events.headers[.contentType]?.hasPrefix("text/event-stream") == true)
        let body = events.body
        #expect(body.hasPrefix("event: reset\n"))
        #expect(body.contains("my bill is wrong again"))
        #expect(body.contains("let me check that for you"))
        #expect(body.contains("event: analysis\n"))
        #expect(body.hasSuffix("event: ended\ndata: {}\n\n"))
        let first = try #require(body.range(of: "my bill is wrong again")), second = try #require(body.range(of: "let me check that for you"))
        #expect(first.lowerBound < second.lowerBound, "in the order they were said")

        #expect(try await acme.get("/console/orgs/acme/live/\(id)").status == .notFound, "an ended call is no longer live")
    }

    @Test func signedOutVisitorsAreSentToSignIn() async throws {
        let harness = try await ConsoleHarness()
        for path in ["/console/orgs/acme/live", "/console/orgs/acme/live/x", "/console/orgs/acme/live/x/events"] {
            let page = try await harness.browser().get(path)
            #expect(page.location == "/console/login", "\(path)")
        }
    }
}
