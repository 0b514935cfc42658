import Foundation
import Journal
import Recognition
import Synchronization
import TapedeckTesting
import Testing
@testable import Pipeline

/// `closed` within the close lateness whatever the backlog, over in-memory seams and a real
/// journal file: the ordering is the assertion (no timing), since the recognizer stays held.
@Suite struct CloseLatenessTests {
    typealias Fixture = SessionDriverTests

    /// A live session's journal recorder writing into `folder`, with the environment it records.
    static func journal(in folder: TemporaryDirectory) -> (SessionEnvironment, SessionJournal) {
        let environment = SessionEnvironment(engine: Fixture.engine)
        let recorder = SessionJournal(settings: .init(root: folder.url, sync: .default, key: nil, maxQueuedBytes: 1 << 20),
                                      facts: Fixture.facts, components: environment.components, onFailure: { _ in })
        return (environment, recorder)
    }

    @Test func closedIsSentWhileTranscriptionsAreHeldAndTheCSVComesFromTheJournal() async throws {
        let folder = try TemporaryDirectory()
        let (environment, recorder) = Self.journal(in: folder)
        let transport = MemoryTransport()
        let transcriber = StubTranscriber(held: true)
        let counters = OverloadCounters()
        let projected = Mutex<SessionReducer?>(nil)
        let overload = SessionDriver.Overload(
            closeLateness: 0,
            rederive: { url, handover in try await SessionRunner.run(url, environment: environment, transcriber: handover) },
            counters: counters)
        let driver = SessionDriver(reducer: SessionReducer(facts: Fixture.facts, environment: environment), transport: transport,
                                   transcriber: transcriber, recorder: recorder, clock: ImmediateClock(),
                                   scheduling: .concurrent(quietAfterIdentified: 0),
                                   project: { reducer, _, _ in projected.withLock { $0 = reducer }; return nil }, overload: overload)
        await transport.clientSends(Fixture.open)
        for chunk in Fixture.twoUtterances { await transport.clientSendsAudio(chunk) }
        await transport.clientSends(Fixture.close)
        let running = Task { try await driver.run() }
        await transport.waitForSent(2)  // opened, closed
        let sent = await transport.sent
        #expect(sent.last?.text.contains(#""type":"closed""#) == true)
        #expect(!sent.contains { if case .event = $0 { return true } else { return false } })
        #expect(await transcriber.requested.count <= 2)
        await transport.clientDisconnects()
        // Only now do the transcriptions finish: the offline derivation waits for them.
        #expect(await transcriber.release(0, text: "first words of the call"))
        #expect(await transcriber.release(1, text: "second words of the call"))
        let outcome = try await running.value
        #expect(outcome.closedEarly)
        #expect(outcome.eventsSent == 0)
        #expect(outcome.eventsWithheld == 2)
        #expect(counters.sessionsClosedEarly == 1 && counters.eventsWithheld == 2)
        #expect(await transcriber.requested == [0, 1], "nothing was transcribed twice")
        let reducer = try #require(projected.withLock { $0 })
        #expect(reducer.utterances.map(\.text) == ["first words of the call", "second words of the call"])

        // The same as deriving the journal afresh (what `tapedeck regenerate` does).
        let journal = try #require(outcome.journal?.url)
        let again = try await SessionRunner.run(journal, environment: environment, transcribe: { request in
            Transcription(text: request.id == 0 ? "first words of the call" : "second words of the call", language: "en",
                          languageProbability: 1, noSpeechProbability: 0, averageLogProbability: -0.1, words: [])
        })
        #expect(again.session.rows() == DerivedSession(header: again.header, reducer: reducer).rows())
    }

    /// A graceful shutdown's deadline also ends the wait of a session completing its CSV: the
    /// journal stays sealed and `tapedeck regenerate` writes the CSV later.
    @Test func theShutdownDeadlineEndsTheWaitForTheJournalDerivation() async throws {
        let folder = try TemporaryDirectory()
        let (environment, recorder) = Self.journal(in: folder)
        let transport = MemoryTransport()
        let transcriber = StubTranscriber(held: true)
        let control = SessionControl()
        let projections = Counter()
        let overload = SessionDriver.Overload(
            closeLateness: 0,
            rederive: { url, handover in try await SessionRunner.run(url, environment: environment, transcriber: handover) })
        let driver = SessionDriver(reducer: SessionReducer(facts: Fixture.facts, environment: environment), transport: transport,
                                   transcriber: transcriber, recorder: recorder, clock: ImmediateClock(),
                                   scheduling: .concurrent(quietAfterIdentified: 0), control: control,
                                   project: { _, _, _ in projections.add(); return nil }, overload: overload)
        await transport.clientSends(Fixture.open)
        for chunk in Fixture.twoUtterances { await transport.clientSendsAudio(chunk) }
        await transport.clientSends(Fixture.close)
        let running = Task { try await driver.run() }
        await transport.waitForSent(2)
        await transport.clientDisconnects()
        control.shutdownDeadline()  // nothing was released
        let outcome = try await running.value
        #expect(outcome.closedEarly)
        #expect(projections.value == 0, "no CSV from a derivation cut short")
        let journal = try #require(outcome.journal)
        #expect(journal.failure == nil)
        #expect(try JournalReader.readAll(journal.url).0.footer != nil, "the journal is sealed")
        _ = await transcriber.release(0)
        _ = await transcriber.release(1)
    }

    /// Audio beyond the session's transcription bound waits, but the `close` behind it is still
    /// read and answered while the recognizer is held.
    @Test func aCloseBehindAudioThatWaitsForTranscriptionIsStillAnswered() async throws {
        let transport = MemoryTransport()
        let transcriber = StubTranscriber(held: true)
        let driver = SessionDriver(reducer: SessionReducer(facts: Fixture.facts, environment: SessionEnvironment(engine: Fixture.engine)),
                                   transport: transport, transcriber: transcriber, clock: ImmediateClock(),
                                   scheduling: .concurrent(quietAfterIdentified: 0),
                                   limits: .init(maxQueuedInboundBytes: 1 << 20, maxQueuedTranscriptions: 1),
                                   overload: SessionDriver.Overload(closeLateness: 0))
        await transport.clientSends(Fixture.open)
        for chunk in Fixture.twoUtterances { await transport.clientSendsAudio(chunk) }
        await transport.clientSends(Fixture.close)
        let running = Task { try await driver.run() }
        await transport.waitForSent(2)  // opened, closed: with the first utterance still held
        #expect(await transport.sent.last?.text.contains(#""type":"closed""#) == true)
        await transport.clientDisconnects()
        #expect(await transcriber.release(0))
        #expect(await transcriber.release(1))
        let outcome = try await running.value
        #expect(outcome.closedEarly)
        #expect(await transcriber.requested == [0, 1], "the deferred audio was still segmented, in order")
    }

    /// Without a close lateness (`--close-waits-for-results`), `closed` follows the last event.
    @Test func withoutALatenessClosedWaitsForEveryResult() async throws {
        let transport = MemoryTransport()
        let transcriber = StubTranscriber(held: true)
        let driver = Fixture.driver(transport, transcriber: transcriber)
        await transport.clientSends(Fixture.open)
        for chunk in Fixture.twoUtterances { await transport.clientSendsAudio(chunk) }
        await transport.clientSends(Fixture.close)
        let running = Task { try await driver.run() }
        #expect(await transcriber.release(0))
        #expect(await transcriber.release(1))
        await transport.waitForSent(4)
        await transport.clientDisconnects()
        let outcome = try await running.value
        #expect(!outcome.closedEarly)
        #expect(await transport.sent.last?.text.contains(#""type":"closed""#) == true)
    }
}
