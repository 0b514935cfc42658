import ControlPlane
import Foundation
import Digests
import Synchronization
import TapedeckTesting
import Testing

/// A session's journal read back from the control plane's shipped blocks, within one
/// organization, and `tapedeck index fetch` writing it for `verify` and `replay`.
@Suite(.serialized) struct JournalFetchTests {
    /// A sealed seed journal written the way a cluster node writes it (a block per record, so
    /// there are several ranges), its first `shippedRanges` byte ranges shipped to `blocks`.
    static func shippedJournal(root: URL, id: String, blocks: JournalBlocks,
                               shippedRanges: Int = .max) async throws -> (path: String, bytes: [UInt8]) {
        let written = Mutex<[(Int, [UInt8])]>([])
        let url = try BatchCommandTests.writeJournal(root: root, id: id, messages: [], frames: 3, policy: .always,
                                                     onWritten: { offset, bytes in written.withLock { $0.append((offset, bytes)) } })
        let path = "acme/2026-11-28/\(id).tdj"
        for (offset, bytes) in written.withLock({ $0 }).prefix(shippedRanges) {
            try await blocks.append(organization: "acme", journalPath: path, offset: offset, bytes: bytes)
        }
        return (path, [UInt8](try Data(contentsOf: url)))
    }

    static func row(_ organization: String, _ id: String, path: String, started: Int64, sha256: String? = nil) -> SessionIndexEntry {
        SessionIndexEntry(organization: organization, sessionId: id, node: "node-a", state: .sealed, dialect: "seed", language: "en",
                          startedAt: started, endedAt: started + 2, journalPath: path, journalSHA256: sha256, sessionCSV: nil,
                          utterancesCSV: nil, verification: "sealed", continuedSessions: nil)
    }

    @Test(arguments: TestControlPlane.available)
    func aSessionsJournalComesBackByteForByteOnlyWithinItsOrganization(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        defer { Task { await plane.drop() } }
        let backends = try plane.open()
        let index = try await SessionIndex(backend: backends.main)
        let blocks = try await JournalBlocks(backend: backends.main)
        let call = try await Self.shippedJournal(root: plane.folder, id: "call-1", blocks: blocks)
        try await index.record(Self.row("acme", "call-1", path: call.path, started: 10, sha256: SHA256Digest.hash(call.bytes).hexString))

        let fetched = try await JournalFetch.fetch(index: index, blocks: blocks, organization: "acme", sessionId: "call-1")
        #expect(fetched.bytes == call.bytes, "the sealed journal, byte for byte")
        #expect(fetched.isTheIndexedJournal)
        #expect(fetched.entry.journalPath == call.path)
        await #expect(throws: JournalFetchError.noSuchSession(organization: "globex", sessionId: "call-1"), "another organization's call is not there") {
            try await JournalFetch.fetch(index: index, blocks: blocks, organization: "globex", sessionId: "call-1")
        }

        // The same id again (a client reusing it): the caller has to say which journal.
        let again = try await Self.shippedJournal(root: plane.folder, id: "call-1b", blocks: blocks)
        try await index.record(Self.row("acme", "call-1", path: again.path, started: 20))
        await #expect(throws: JournalFetchError.severalJournals(organization: "acme", sessionId: "call-1", journalPaths: [again.path, call.path])) {
            try await JournalFetch.fetch(index: index, blocks: blocks, organization: "acme", sessionId: "call-1")
        }
        #expect(try await JournalFetch.fetch(index: index, blocks: blocks, organization: "acme", sessionId: "call-1", journalPath: again.path).bytes == again.bytes)

        // A node lost after shipping its first two byte ranges; another sealed the rest from them.
        let lost = try await Self.shippedJournal(root: plane.folder, id: "call-3", blocks: blocks, shippedRanges: 2)
        try await index.record(Self.row("acme", "call-3", path: lost.path, started: 40, sha256: String(repeating: "0", count: 64)))
        let prefix = try await JournalFetch.fetch(index: index, blocks: blocks, organization: "acme", sessionId: "call-3")
        #expect(prefix.bytes.count < lost.bytes.count && Array(lost.bytes.prefix(prefix.bytes.count)) == prefix.bytes, "the shipped prefix")
        #expect(!prefix.isTheIndexedJournal, "and not the sealed file the index names")

        // A row whose node never shipped blocks (a node on its own SQLite) says where to look instead.
        try await index.record(Self.row("acme", "call-2", path: "acme/2026-12-03/call-2.tdj", started: 30))
        await #expect(throws: JournalFetchError.noBlocks(journalPath: "acme/2026-12-03/call-2.tdj")) {
            try await JournalFetch.fetch(index: index, blocks: blocks, organization: "acme", sessionId: "call-2")
        }
        await backends.close()
    }

    @Test func theCommandWritesAJournalThatVerifiesAndNeverOverwrites() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-fetch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let database = data.appendingPathComponent("tapedeck.sqlite").path
        let backends = try ControlPlaneBackends.open(.sqlite(path: database))
        let index = try await SessionIndex(backend: backends.main)
        let blocks = try await JournalBlocks(backend: backends.main)
        let call = try await Self.shippedJournal(root: folder.appendingPathComponent("lost-node"), id: "call-9", blocks: blocks)
        try await index.record(Self.row("acme", "call-9", path: call.path, started: 10, sha256: SHA256Digest.hash(call.bytes).hexString))
        await backends.close()

        let output = folder.appendingPathComponent("call-9.tdj").path
        let fetch = ["index", "fetch", "--data", data.path, "--control-plane", "sqlite:\(database)", "--org", "acme", "--session", "call-9", "-o", output]
        let ran = try BatchCommandTests.tapedeck(fetch)
        #expect(ran.status == 0, "\(ran.errors)")
        #expect(ran.output.contains("wrote \(call.bytes.count) bytes of \(call.path)") && ran.output.contains("the sealed journal"), "\(ran.output)")
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: output))) == call.bytes)
        let verified = try BatchCommandTests.tapedeck(["verify", output])
        #expect(verified.status == 0, "the fetched journal verifies: \(verified.output) \(verified.errors)")

        let twice = try BatchCommandTests.tapedeck(fetch)
        #expect(twice.status != 0 && twice.errors.contains("exists"), "an existing file is kept: \(twice.errors)")
        let other = try BatchCommandTests.tapedeck(["index", "fetch", "--data", data.path, "--control-plane", "sqlite:\(database)", "--org", "globex", "--session", "call-9", "-o", output + ".2"])
        #expect(other.status != 0 && other.errors.contains("organization globex has no session call-9"), "\(other.errors)")
        #expect(!FileManager.default.fileExists(atPath: output + ".2"))
    }
}
