import Foundation
import TapedeckTesting
import Testing
@testable import Journal

@Suite struct JournalIntegrityTests {
    @Test func truncationAtEveryByteOfTheLastTwoBlocksRecoversEverythingBefore() throws {
        let dir = try TemporaryDirectory()
        let original = dir.file("full.tdj")
        let input = sampleRecords(count: 12, audioBytes: 64)
        try writeJournal(original, records: input, policy: .always)
        let bytes = try Data(contentsOf: original)
        let offsets = try blockOffsets(original)
        // Blocks: one per record, then the footer's. The last two are the last record and the footer.
        let lastTwoStart = offsets[offsets.count - 2]
        for cut in lastTwoStart..<bytes.count {
            let url = dir.file("cut-\(cut).tdj")
            try bytes.prefix(cut).write(to: url)
            let completeBlocks = offsets.filter { $0 < cut }.count - (offsets.contains(cut) ? 0 : 1)
            let report = try JournalRecovery.recover(url, seal: false, recoveredAt: 0)
            let expectDamage = !offsets.contains(cut)
            #expect((report.damage != nil) == expectDamage, "cut at \(cut)")
            if expectDamage {
                #expect(report.damage?.kind == .tornTail, "cut at \(cut): \(report)")
                #expect(report.damage?.intactAfter == nil && report.refusal == nil, "cut at \(cut)")
            }
            let (scan, records) = try JournalReader.readAll(url)
            #expect(scan.damage == nil, "after recovery at cut \(cut)")
            #expect(records.count == min(completeBlocks, input.count), "cut at \(cut)")
            #expect(records.map(\.payload) == Array(input.prefix(records.count).map(\.3)))
            if expectDamage {
                // Nothing is lost: journal plus side file are the original prefix.
                let side = try Data(contentsOf: try #require(report.sideFile))
                #expect(try Data(contentsOf: url) + side == bytes.prefix(cut))
            }
        }
    }

    @Test func recoverySealsAJournalWhoseWriterDied() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("unsealed.tdj")
        let writer = try JournalWriter(url: url, sessionId: "dead", policy: .always)
        let start: Int64 = 1_795_824_000_000_000
        for i in 0..<5 { try writer.append(.inboundText, receivedAt: start + Int64(i) * 20_000, payload: [UInt8(i)]) }
        // The writer is abandoned without close(): no footer.
        #expect(try JournalReader.scan(url).footer == nil)
        // Recovery runs a day later; the session still ended when its last record arrived.
        let report = try JournalRecovery.recover(url, seal: true, recoveredAt: start + 86_400_000_000)
        #expect(report.sealed)
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        #expect(scan.footer?.recovered == true)
        #expect(records.count == 6)
        let closing = try #require(records.last)
        #expect(closing.type == .transportClosed)
        #expect(closing.receivedAt == start + 80_000)
        #expect(closing.text?.contains(#""recoveredAt":"2026-11-29T00:00:00.000000Z""#) == true, "\(closing.text ?? "")")
    }

    @Test func aFlippedBitAnywhereIsDetected() throws {
        let dir = try TemporaryDirectory()
        let original = dir.file("flip.tdj")
        try writeJournal(original, records: sampleRecords(count: 8, audioBytes: 48), policy: .interval(seconds: 3600, bytes: 200))
        let bytes = [UInt8](try Data(contentsOf: original))
        let (_, originalRecords) = try JournalReader.readAll(original)
        var undetected: [Int] = []
        var harmless = 0
        for offset in 0..<bytes.count {
            var damaged = bytes
            damaged[offset] ^= UInt8(1 << (offset % 8))
            var records: [JournalRecord] = []
            do {
                let scan = try JournalReader.scan(bytes: damaged.withUnsafeBytes { UnsafeRawBufferPointer($0) }, key: nil) { records.append($0) }
                guard scan.damage == nil else { continue }
                // LZ4's encoding is not unique: a flipped match offset can point at identical bytes and
                // decode to the very same records. Only a change that alters the records must be caught.
                if records == originalRecords { harmless += 1 } else { undetected.append(offset) }
            } catch {
                // The header itself no longer parses: detected.
            }
        }
        #expect(undetected.isEmpty, "bit flips that changed records went undetected at offsets \(undetected)")
        #expect(harmless < bytes.count / 50, "too many flips decode to the same records: \(harmless)")
    }

    @Test func deletingOrReorderingRecordsBreaksTheChain() throws {
        let dir = try TemporaryDirectory()
        let original = dir.file("chain.tdj")
        let input = sampleRecords(count: 10, audioBytes: 32)
        let footer = try writeJournal(original, records: input, policy: .default)
        let (_, records) = try JournalReader.readAll(original)

        // Rebuild files with valid CRCs and LZ4 frames but altered content, as a forger would.
        func forge(_ name: String, _ edit: ([JournalRecord]) -> [JournalRecord], renumber: Bool) throws -> JournalScan {
            var altered = edit(records)
            if renumber { for i in altered.indices { altered[i].sequence = UInt64(i) } }
            altered.append(JournalRecord(type: .sessionFooter, sequence: UInt64(altered.count), receivedAt: 0,
                                         payload: JournalFooter(records: UInt64(altered.count), chain: footer.chain, hmac: nil, keyId: nil, recovered: false).encoded()))
            var stream: [UInt8] = []
            for record in altered { RecordCodec.encode(record, into: &stream) }
            var file = JournalFileHeader(sessionId: "session-1").encoded()
            try stream.withUnsafeBytes { try LZ4Frames.compress($0, into: &file) }
            let url = dir.file(name)
            try Data(file).write(to: url)
            return try JournalReader.scan(url)
        }

        let deleted = try forge("deleted.tdj", { var r = $0; r.remove(at: 4); return r }, renumber: false)
        #expect(deleted.damage?.kind == .tampered)
        let deletedRenumbered = try forge("deleted2.tdj", { var r = $0; r.remove(at: 4); return r }, renumber: true)
        #expect(deletedRenumbered.damage?.kind == .tampered)
        let reordered = try forge("reordered.tdj", { var r = $0; r.swapAt(3, 5); return r }, renumber: true)
        #expect(reordered.damage?.kind == .tampered)
        #expect(reordered.damage?.reason.contains("hash chain") == true)
        let untouched = try forge("same.tdj", { $0 }, renumber: false)
        #expect(untouched.damage == nil)
    }

    @Test func hmacSealsTheFooterAgainstAWholeFileRewrite() throws {
        let dir = try TemporaryDirectory()
        let key = JournalKey(id: "k1", secret: Array("0123456789abcdef0123456789abcdef".utf8))
        let url = dir.file("sealed.tdj")
        try writeJournal(url, records: sampleRecords(count: 6), key: key)
        #expect(try JournalReader.scan(url, key: key).damage == nil)
        let wrongKey = JournalKey(id: "k1", secret: Array("not the right secret at all.....".utf8))
        #expect(try JournalReader.scan(url, key: wrongKey).damage?.kind == .tampered)

        // A forger without the key rewrites the journal with consistent CRCs and chain.
        let forged = dir.file("forged.tdj")
        var records = sampleRecords(count: 6)
        records[2].3 = Array(#"{"type":"ping","seq":999}"#.utf8)
        try writeJournal(forged, records: records, key: JournalKey(id: "k1", secret: Array("guess".utf8)))
        #expect(try JournalReader.scan(forged, key: key).damage?.kind == .tampered)
    }
}
