import Audio
import Foundation
import Journal
import Recognition
import TapedeckTesting
import Synchronization
import Testing
@testable import Pipeline

/// The session driver over in-memory seams: the live effect loop with no socket, no journal
/// file and no model.
@Suite struct SessionDriverTests {
    static let facts = ConnectionFacts(organization: "acme", keyId: "k1", dialect: "seed", headers: [:], query: [:], path: "/v1/stream")
    static let engine = EngineIdentity(engine: "canned", model: "none", modelDigest: "-")
    static let open = #"{"type":"open","id":"drv-1","seq":1,"parameters":{"media":[{"type":"audio","codec":"audio/pcm"}],"language":"en"}}"#
    static let close = #"{"type":"close","id":"drv-1","seq":2,"parameters":{}}"#

    /// Two bursts of tone with silence around them: two utterances for the segmenter (which
    /// learns its noise floor from the opening silence).
    static var twoUtterances: [[UInt8]] {
        let tone = (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        let silence = [Float](repeating: 0.001, count: 16000)
        return [silence, tone, silence, tone, silence].map(PCM.bytesLE)
    }

    static func driver(_ transport: MemoryTransport, transcriber: (any Transcriber)? = nil, recorder: (any SessionRecorder)? = nil,
                       control: SessionControl = SessionControl(), scheduling: SessionDriver.Scheduling = .concurrent(quietAfterIdentified: 0)) -> SessionDriver {
        let environment = transcriber == nil ? SessionEnvironment.protocolOnly : SessionEnvironment(engine: engine)
        return SessionDriver(reducer: SessionReducer(facts: facts, environment: environment), transport: transport, transcriber: transcriber,
                             recorder: recorder, clock: ImmediateClock(), scheduling: scheduling, control: control)
    }

    @Test func everyRecordIsKeptBeforeItIsHandledAndEveryReplyAsSent() async throws {
        let transport = MemoryTransport()
        let recorder = MemoryRecorder()
        let projections = Counter()
        let driver = SessionDriver(reducer: SessionReducer(facts: Self.facts, environment: .protocolOnly), transport: transport,
                                   transcriber: nil, recorder: recorder, clock: ImmediateClock(),
                                   scheduling: .concurrent(quietAfterIdentified: 0), project: { _, header, _ in
                                       #expect(header.sessionId == "drv-1")
                                       projections.add()
                                       return nil
                                   })
        await transport.clientSends(Self.open)
        await transport.clientSendsAudio([0, 0, 0, 0])
        await transport.clientSends(Self.close)
        let running = Task { try await driver.run() }
        await transport.waitForSent(2)  // opened, closed: then the client goes
        await transport.clientDisconnects()
        let outcome = try await running.value
        #expect(await recorder.types == [.inboundText, .outbound, .inboundBinary, .inboundText, .outbound, .transportClosed])
        #expect(await recorder.sessionId == "drv-1")
        #expect(await recorder.closed)
        #expect(outcome.inbound == 3)
        #expect(projections.value == 1, "the CSV is projected once, after the journal is closed")
        let sent = await transport.sent.map(\.text)
        #expect(sent.count == 2)
        #expect(sent.first?.contains(#""type":"opened""#) == true)
        #expect(sent.last?.contains(#""type":"closed""#) == true)
    }

    @Test func resultsThatFinishOutOfOrderAreAppliedInRequestOrder() async throws {
        let transport = MemoryTransport()
        let transcriber = StubTranscriber(held: true)
        let driver = Self.driver(transport, transcriber: transcriber)
        await transport.clientSends(Self.open)
        for chunk in Self.twoUtterances { await transport.clientSendsAudio(chunk) }
        await transport.clientSends(Self.close)
        let running = Task { try await driver.run() }
        // The second utterance finishes first; its event must still come second.
        let second = await transcriber.release(1, text: "second words")
        let first = await transcriber.release(0, text: "first words")
        try #require(first && second, "both utterances were asked for")
        await transport.waitForSent(4)  // opened, two events, closed
        await transport.clientDisconnects()
        let outcome = try await running.value
        let sent = await transport.sent
        let events = sent.compactMap { if case .event(let text) = $0 { return text } else { return nil } }
        #expect(events.count == 2)
        #expect(await transcriber.requested == [0, 1])
        #expect(events.first?.contains("first words") == true)
        #expect(events.last?.contains("second words") == true)
        #expect(sent.last?.text.contains(#""type":"closed""#) == true, "closed comes after the last event")
        #expect(outcome.appliedTranscriptions == 2)
        #expect(outcome.reducer.misappliedResults == 0)
    }

    @Test func lockstepAndConcurrentDriversDeriveTheSameSession() async throws {
        func derive(_ scheduling: SessionDriver.Scheduling) async throws -> [OutboundMessage] {
            let transport = MemoryTransport()
            let driver = Self.driver(transport, transcriber: StubTranscriber(), scheduling: scheduling)
            await transport.clientSends(Self.open)
            for chunk in Self.twoUtterances { await transport.clientSendsAudio(chunk) }
            await transport.clientSends(Self.close)
            let running = Task { try await driver.run() }
            await transport.waitForSent(4)
            await transport.clientDisconnects()
            _ = try await running.value
            return await transport.sent
        }
        let live = try await derive(.concurrent(quietAfterIdentified: 0))
        let offline = try await derive(.lockstep)
        #expect(live.count == 4)
        #expect(live == offline)
    }

    @Test func aStorageFailureEndsTheSessionWithTheProtocolsErrorAndKeepsNothingMore() async throws {
        let transport = MemoryTransport()
        let recorder = MemoryRecorder()
        let control = SessionControl()
        let driver = Self.driver(transport, recorder: recorder, control: control)
        await transport.clientSends(Self.open)
        let running = Task { try await driver.run() }
        await transport.waitForSent(1)
        control.storageFailed(.noSpace("/journal"))
        let outcome = try await running.value
        #expect(outcome.storageFailure != nil)
        #expect(await recorder.abandoned)
        #expect(await transport.serverClosedReason == "journal storage unavailable")
        let sent = await transport.sent.map(\.text)
        #expect(sent.count == 2)
        #expect(sent.last?.contains(#""type":"error""#) == true)
        #expect(sent.last?.contains("503") == true)
        #expect(await recorder.types == [.inboundText, .outbound], "the error reply is not journaled: the journal is what failed")
    }

    @Test func afterTheShutdownDeadlineTheSessionEndsWithoutItsTranscriptions() async throws {
        let transport = MemoryTransport()
        let transcriber = StubTranscriber(held: true)
        let control = SessionControl()
        let projections = Counter()
        let driver = SessionDriver(reducer: SessionReducer(facts: Self.facts, environment: SessionEnvironment(engine: Self.engine)),
                                   transport: transport, transcriber: transcriber, recorder: MemoryRecorder(), clock: ImmediateClock(),
                                   scheduling: .concurrent(quietAfterIdentified: 0), control: control,
                                   project: { _, _, _ in projections.add(); return nil })
        await transport.clientSends(Self.open)
        for chunk in Self.twoUtterances { await transport.clientSendsAudio(chunk) }
        await transport.clientDisconnects(.shutdown)
        let running = Task { try await driver.run() }
        for _ in 0..<100_000 where await transcriber.requested.count < 2 { await Task.yield() }
        #expect(await transcriber.requested.count == 2)
        control.shutdownDeadline()
        let outcome = try await running.value
        #expect(outcome.abandonedTranscriptions == 2)
        #expect(outcome.appliedTranscriptions == 0)
        #expect(projections.value == 0, "a session cut short by the deadline gets no CSV")
    }
}

/// The reducer through `SessionTestStore`: actions in, effects out.
@Suite struct SessionStoreTests {
    @Test func aSeedCallIsAnsweredInOrderAndClosedAfterItsLastTranscript() {
        var store = SessionTestStore(environment: SessionEnvironment(engine: SessionDriverTests.engine))
        store.send(SessionDriverTests.open)
        #expect(store.replies.count == 1)
        for chunk in SessionDriverTests.twoUtterances { store.sendAudio(chunk, after: 1_000_000) }
        store.send(SessionDriverTests.close)
        #expect(store.requests.count == 2)
        #expect(!store.replies.contains { $0.contains(#""type":"closed""#) }, "closed waits for the transcripts")
        store.transcribe("my bill is wrong")
        store.transcribe("thank you for calling")
        #expect(store.events.count == 2)
        #expect(store.replies.last?.contains(#""type":"closed""#) == true)
        #expect(store.reducer.utterances.map(\.text) == ["my bill is wrong", "thank you for calling"])
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
