import Foundation
import Journal
import TapedeckTesting
import Testing
@testable import Pipeline

extension SessionDriverTests {
    /// The live driver journals the drain decision first, then the reducer's answer to it.
    @Test func theDrainDeadlineIsJournaledBeforeTheReducerActsOnIt() async throws {
        let transport = MemoryTransport()
        let recorder = MemoryRecorder()
        let control = SessionControl()
        let driver = Self.driver(transport, recorder: recorder, control: control)
        await transport.clientSends(Self.open)
        let running = Task { try await driver.run() }
        await transport.waitForSent(1)
        control.drainDeadline()
        await transport.waitForSent(2)
        control.drainDeadline()  // a second time changes nothing
        await transport.clientDisconnects()
        let outcome = try await running.value
        #expect(outcome.endedForDrain)
        #expect(outcome.inbound == 1, "the decision is not counted as inbound")
        #expect(await recorder.types == [.inboundText, .outbound, .effect, .outbound, .transportClosed])
        #expect(await recorder.records.compactMap { ServerDecision(JournalRecord(type: $0.type, sequence: 0, receivedAt: 0, payload: $0.payload)) } == [.drainDeadline])
        #expect(await transport.sent.last?.text.contains(#""type":"closed""#) == true)
    }
}
