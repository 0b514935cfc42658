import Foundation
import TapedeckTesting
import Testing
@testable import Journal

/// When buffered records become a block, on a clock the test controls.
@Suite struct JournalGroupCommitTests {
    final class ManualClock {
        var now: UInt64 = 1_000_000_000
        func advance(seconds: Double) { now += UInt64(seconds * 1e9) }
    }

    @Test func theOldestBufferedRecordSetsTheFlushDeadline() throws {
        let dir = try TemporaryDirectory()
        let clock = ManualClock()
        let writer = try JournalWriter(url: dir.file("deadline.tdj"), sessionId: "s", policy: .default,
                                       monotonicNanoseconds: { clock.now })
        #expect(writer.flushDeadline == nil)
        let created = writer.durableLength
        clock.advance(seconds: 0.6)
        try writer.append(.inboundText, receivedAt: 1, payload: Array("first".utf8))
        let firstArrived = clock.now
        // The documented bound is 1 s; the block is due a tenth earlier so writing it fits inside.
        #expect(writer.flushDeadline == firstArrived + 900_000_000)
        clock.advance(seconds: 0.5)
        try writer.append(.inboundText, receivedAt: 2, payload: Array("second".utf8))
        #expect(writer.flushDeadline == firstArrived + 900_000_000, "a later record must not push the deadline back")
        clock.advance(seconds: 0.39)
        try writer.flushIfDue()
        #expect(writer.durableLength == created)
        clock.advance(seconds: 0.01)
        try writer.flushIfDue()
        #expect(writer.durableLength > created, "the first record waited 0.9 s: its block is due")
        #expect(writer.flushDeadline == nil)
        #expect(try JournalReader.scan(dir.file("deadline.tdj")).recordCount == 2)
    }

    @Test func flushDelayLeavesATenthOfTheIntervalAtMostATenthOfASecond() {
        #expect(SyncPolicy.default.flushDelayNanoseconds == 900_000_000)
        #expect(SyncPolicy.interval(seconds: 0.2, bytes: 1).flushDelayNanoseconds == 180_000_000)
        #expect(SyncPolicy.interval(seconds: 5, bytes: 1).flushDelayNanoseconds == 4_900_000_000)
        #expect(SyncPolicy.interval(seconds: 0, bytes: 1).flushDelayNanoseconds == 0)
        // Absurd intervals from the command line are clamped to a day instead of trapping.
        #expect(SyncPolicy(argument: "interval:inf:1")?.flushDelayNanoseconds == 86_399_900_000_000)
        #expect(SyncPolicy(argument: "interval:1e30:1")?.flushDelayNanoseconds == 86_399_900_000_000)
    }
}
