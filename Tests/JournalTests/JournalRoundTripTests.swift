import Foundation
import TapedeckTesting
import Testing
@testable import Journal

@Suite struct JournalRoundTripTests {
    @Test func mixedRecordsComeBackInOrderWithTheirBytes() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("a.tdj")
        let input = sampleRecords(count: 200)
        let footer = try writeJournal(url, records: input, policy: .default)
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.damage == nil)
        #expect(scan.footer == footer)
        #expect(scan.header.sessionId == "session-1")
        #expect(records.count == input.count)
        for (i, (record, original)) in zip(records, input).enumerated() {
            #expect(record.sequence == UInt64(i))
            #expect(record.type == original.0)
            #expect(record.receivedAt == original.2)
            #expect(record.payload == original.3)
        }
        #expect(footer.records == UInt64(input.count))
        #expect(footer.recovered == false)
    }

    @Test func groupCommitWritesFewBlocksAndAlwaysWritesOneBlockPerRecord() throws {
        let dir = try TemporaryDirectory()
        let input = sampleRecords(count: 100)
        try writeJournal(dir.file("grouped.tdj"), records: input, policy: .interval(seconds: 3600, bytes: 16 << 10))
        try writeJournal(dir.file("always.tdj"), records: input, policy: .always)
        let grouped = try JournalReader.scan(dir.file("grouped.tdj"))
        let always = try JournalReader.scan(dir.file("always.tdj"))
        // 50 audio records of 640 bytes ≈ 32 KiB+ → a few 16 KiB blocks, plus the footer's block.
        #expect(grouped.blockCount >= 2 && grouped.blockCount <= 6)
        #expect(always.blockCount == input.count + 1)
        #expect(grouped.recordCount == always.recordCount)
    }

    @Test func lz4CommandLineToolReadsTheRawRecordStream() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("cli.tdj")
        let input = sampleRecords(count: 60)
        let footer = try writeJournal(url, records: input, policy: .interval(seconds: 3600, bytes: 4096))
        var expected: [UInt8] = []
        for (i, (type, flags, time, payload)) in input.enumerated() {
            RecordCodec.encode(JournalRecord(type: type, flags: flags, sequence: UInt64(i), receivedAt: time, payload: payload), into: &expected)
        }
        RecordCodec.encode(JournalRecord(type: .sessionFooter, sequence: UInt64(input.count), receivedAt: 1_700_000_200_000_000,
                                         payload: footer.encoded()), into: &expected)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["lz4", "-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect([UInt8](output) == expected)
    }

    @Test func aSessionIdIsWrittenOnce() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("once.tdj")
        try writeJournal(url, records: sampleRecords(count: 2))
        #expect(throws: JournalError.alreadyExists(url.path)) {
            _ = try JournalWriter(url: url, sessionId: "session-1")
        }
    }

    @Test func appendAfterCloseIsRefused() throws {
        let dir = try TemporaryDirectory()
        let writer = try JournalWriter(url: dir.file("c.tdj"), sessionId: "s")
        try writer.close(receivedAt: 0)
        #expect(throws: JournalError.closed) {
            try writer.append(.inboundText, receivedAt: 0, payload: [1])
        }
    }

    @Test func notAJournalIsReportedClearly() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("plain.tdj")
        try Data("hello world, not a journal".utf8).write(to: url)
        #expect(throws: JournalError.self) { try JournalReader.scan(url) }
    }

    @Test func layoutRefusesPathTraversalAndFormatsUTCDays() throws {
        let layout = JournalLayout(root: URL(fileURLWithPath: "/j"))
        #expect(try layout.url(organization: "acme", day: "2026-11-28", sessionId: "abc-1").path == "/j/acme/2026-11-28/abc-1.tdj")
        for bad in ["../etc", "a/b", ".hidden", "", "x y"] {
            #expect(throws: JournalError.self) { _ = try layout.url(organization: bad, day: "2026-11-28", sessionId: "s") }
            #expect(throws: JournalError.self) { _ = try layout.url(organization: "acme", day: "2026-11-28", sessionId: bad) }
        }
        #expect(JournalLayout.day(microseconds: 0) == "1970-01-01")
        #expect(JournalLayout.day(microseconds: 1_795_824_000_000_000) == "2026-11-28")
        #expect(JournalLayout.day(microseconds: 951_782_400_000_000) == "2000-02-29")
        #expect(JournalLayout.day(microseconds: -1) == "1969-12-31")
    }

    @Test func asyncWriterFlushesAndSeals() async throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("async.tdj")
        let writer = try AsyncJournalWriter(url: url, sessionId: "async", policy: .default)
        for i in 0..<50 {
            writer.append(.inboundText, receivedAt: Int64(i), payload: Array("message \(i)".utf8))
        }
        try await writer.flush()
        let midway = try JournalReader.scan(url)
        #expect(midway.recordCount == 50)
        #expect(midway.footer == nil)
        try await writer.close(receivedAt: 99)
        let done = try JournalReader.scan(url)
        #expect(done.isSealedAndIntact)
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }
}

extension JournalRoundTripTests {
    @Test func aFolderWithoutJournalsOrAMissingPathIsAnErrorNotZeroJournals() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: dir.file("acme/2026-12-01"), withIntermediateDirectories: true)
        try Data("cut bytes".utf8).write(to: dir.file("acme/2026-12-01/call.tdj.torn-27"))
        #expect(throws: JournalError.noJournals(dir.url.path)) { _ = try JournalLayout.journals(at: dir.url.path) }
        let missing = dir.file("no-such-folder").path
        #expect(throws: JournalError.notFound(missing)) { _ = try JournalLayout.journals(at: missing) }
        try writeJournal(dir.file("acme/2026-12-01/call.tdj"), records: sampleRecords(count: 2))
        let journal = dir.file("acme/2026-12-01/call.tdj").path
        #expect(try JournalLayout.journals(at: dir.url.path).map(\.path) == [journal])
        #expect(try JournalLayout.journals(at: journal).map(\.path) == [journal])
    }
}
