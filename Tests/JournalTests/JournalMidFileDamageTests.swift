import Foundation
import TapedeckTesting
import Testing
@testable import Journal

/// Damage in the middle of a sealed journal must be reported as such (not as a torn tail), with
/// what it destroyed and what intact data follows, and recovery must never quietly cut intact blocks.
@Suite struct JournalMidFileDamageTests {
    /// A sealed journal of 152 records in several blocks (the footer in the last one).
    static func sealedJournal(_ dir: TemporaryDirectory) throws -> (URL, [UInt8], [(offset: Int, firstSequence: UInt64, records: Int, hasFooter: Bool)]) {
        let url = dir.file("sealed.tdj")
        try writeJournal(url, records: sampleRecords(count: 150), policy: .interval(seconds: 3600, bytes: 8 << 10))
        let layout = try blockLayout(url)
        return (url, try [UInt8](Data(contentsOf: url)), layout)
    }

    /// Offset of the first LZ4 block-size field in a frame: magic 4, FLG 1, BD 1, content size 8, header checksum 1.
    static let blockSizeField = 15

    /// Adds 16 KiB to the block-size field of the block at `offset`: still a legal size for the
    /// frame, but now reaching past the end of the file, so the block on its own looks torn.
    static func lengthenBlock(_ bytes: inout [UInt8], at offset: Int) throws {
        bytes[offset + blockSizeField + 1] ^= 0x40
        var content: [UInt8] = []
        let outcome = try bytes.withUnsafeBytes { try LZ4Frames.Decoder().decodeFrame($0, at: offset, into: &content) }
        #expect(outcome == .failure(.truncated), "the fixture must reproduce a block that looks torn")
    }

    @Test func aFlippedBlockSizeByteInTheMiddleIsCorruptionNotATornTail() throws {
        let dir = try TemporaryDirectory()
        let (url, bytes, layout) = try Self.sealedJournal(dir)
        #expect(layout.count >= 5, "fixture has \(layout.count) blocks")
        let middle = layout.count - 2
        var damaged = bytes
        try Self.lengthenBlock(&damaged, at: layout[middle].offset)
        try Data(damaged).write(to: url)

        let damage = try #require(try JournalReader.scan(url).damage)
        #expect(damage.kind == .corrupt, "\(damage)")
        #expect(damage.offset == layout[middle].offset)
        #expect(damage.length == layout[middle + 1].offset - layout[middle].offset)
        let lostStart = layout[middle].firstSequence
        #expect(damage.lostSequences == lostStart..<(lostStart + UInt64(layout[middle].records)))
        let after = try #require(damage.intactAfter)
        let recordsAfter = layout[(middle + 1)...].reduce(0) { $0 + $1.records }
        #expect(after.offset == layout[middle + 1].offset)
        #expect(after.blocks == layout.count - middle - 1)
        #expect(after.records == UInt64(recordsAfter))
        #expect(after.footer?.records == 152)
        #expect(after.furtherDamagedRegions == 0)
        #expect(damage.description.contains("follow at byte \(layout[middle + 1].offset)"))
    }

    @Test func aFlippedBitInsideTheMiddleBlockNamesTheLostRecordsAndWhatFollows() throws {
        let dir = try TemporaryDirectory()
        let (url, bytes, layout) = try Self.sealedJournal(dir)
        let middle = layout.count / 2
        var damaged = bytes
        let inside = (layout[middle].offset + layout[middle + 1].offset) / 2
        damaged[inside] ^= 0x10
        try Data(damaged).write(to: url)

        let damage = try #require(try JournalReader.scan(url).damage)
        #expect(damage.kind == .corrupt)
        #expect(damage.offset == layout[middle].offset)
        #expect(damage.intactAfter?.offset == layout[middle + 1].offset)
        #expect(damage.intactAfter?.footer != nil)
        #expect(damage.lostSequences?.count == layout[middle].records)
    }

    @Test func recoveryRefusesToCutIntactBlocksUnlessAskedAndThenKeepsEveryByte() throws {
        let dir = try TemporaryDirectory()
        let (url, bytes, layout) = try Self.sealedJournal(dir)
        let middle = layout.count - 2
        var damaged = bytes
        try Self.lengthenBlock(&damaged, at: layout[middle].offset)
        try Data(damaged).write(to: url)

        let refused = try JournalRecovery.recover(url, seal: true, recoveredAt: 0)
        #expect(refused.refusal != nil)
        #expect(refused.sideFile == nil && !refused.sealed)
        #expect(try [UInt8](Data(contentsOf: url)) == damaged, "an unasked-for recovery changed the file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["sealed.tdj"])

        let cut = try JournalRecovery.recover(url, seal: true, cutIntactBlocks: true, recoveredAt: 0)
        let recordsBefore = layout[..<middle].reduce(0) { $0 + $1.records }
        let recordsAfter = layout[(middle + 1)...].reduce(0) { $0 + $1.records }
        #expect(cut.intactRecordsMoved == UInt64(recordsAfter))
        #expect(cut.sealed)
        let side = try [UInt8](Data(contentsOf: try #require(cut.sideFile)))
        #expect(side == Array(damaged[layout[middle].offset...]), "the side file must hold every cut byte")
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        #expect(records.count == recordsBefore + 1)
    }

    @Test func aTornTailIsStillATornTailAndIsCutWithoutAsking() throws {
        let dir = try TemporaryDirectory()
        let (url, bytes, layout) = try Self.sealedJournal(dir)
        let last = layout[layout.count - 1].offset
        try Data(bytes[..<(last + (bytes.count - last) / 2)]).write(to: url)
        let damage = try #require(try JournalReader.scan(url).damage)
        #expect(damage.kind == .tornTail)
        #expect(damage.intactAfter == nil)
        let report = try JournalRecovery.recover(url, seal: true, recoveredAt: 0)
        #expect(report.refusal == nil && report.sealed)
        #expect(try JournalReader.scan(url).isSealedAndIntact)
    }

    @Test func everyDamagedRegionAfterTheFirstIsCounted() throws {
        let dir = try TemporaryDirectory()
        let (url, bytes, layout) = try Self.sealedJournal(dir)
        var damaged = bytes
        damaged[layout[1].offset + Self.blockSizeField + 2] ^= 0x02
        damaged[layout[3].offset + 40] ^= 0x01
        damaged[layout[5].offset + 100] ^= 0x01
        try Data(damaged).write(to: url)
        let damage = try #require(try JournalReader.scan(url).damage)
        #expect(damage.offset == layout[1].offset)
        let after = try #require(damage.intactAfter)
        #expect(after.offset == layout[2].offset)
        #expect(after.furtherDamagedRegions == 2)
        #expect(after.furtherDamagedBytes == layout[4].offset - layout[3].offset + layout[6].offset - layout[5].offset)
        #expect(after.footer != nil)
    }
}


extension JournalMidFileDamageTests {
    /// A crafted block after damage, with valid checksums and sequence numbers at the top of the
    /// range, is not taken as where the journal resumes (and the arithmetic does not trap).
    @Test func aForgedBlockAtTheEndOfTheSequenceRangeIsNotAResumePoint() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("forged.tdj")
        var file = JournalFileHeader(sessionId: "s").encoded()
        var good: [UInt8] = []
        RecordCodec.encode(JournalRecord(type: .inboundText, sequence: 0, receivedAt: 0, payload: [1]), into: &good)
        try good.withUnsafeBytes { try LZ4Frames.compress($0, into: &file) }
        file += [0x04, 0x22, 0x4D, 0x18, 0xFF, 0xFF]  // a block that does not decode
        var forged: [UInt8] = []
        for sequence in [UInt64.max - 1, UInt64.max] {
            RecordCodec.encode(JournalRecord(type: .inboundText, sequence: sequence, receivedAt: 0, payload: [2]), into: &forged)
        }
        try forged.withUnsafeBytes { try LZ4Frames.compress($0, into: &file) }
        try Data(file).write(to: url)
        let damage = try #require(try JournalReader.scan(url).damage)
        #expect(damage.kind == .corrupt)
        #expect(damage.intactAfter == nil)
    }
}
