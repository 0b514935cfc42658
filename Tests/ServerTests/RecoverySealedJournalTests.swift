import ControlPlane
import Digests
import Foundation
import Journal
import Logging
import Server
import Synchronization
import TapedeckTesting
import Testing

/// A journal sealed away from its writer (by its own node after a restart, or by a sweeper on
/// another node) ends up in the control plane byte for byte as sealed, as a journal its writer
/// sealed already does: `index fetch`, `replay` and `verify` then read the indexed file from
/// anywhere, not a prefix of it.
@Suite(.serialized) struct RecoverySealedJournalTests {
    /// An unsealed journal (its node killed mid-call) and the byte ranges its writer handed the shipper.
    static func unsealedJournal(root: URL, id: String) throws -> (url: URL, path: String, ranges: [(Int, [UInt8])]) {
        let written = Mutex<[(Int, [UInt8])]>([])
        let url = try BatchCommandTests.writeJournal(root: root, id: id, messages: [], frames: 4, policy: .always, sealed: false,
                                                     onWritten: { offset, bytes in written.withLock { $0.append((offset, bytes)) } })
        return (url, "acme/2026-11-28/\(id).tdj", written.withLock { $0 })
    }

    /// A control plane's session index, node registry and journal blocks, on one of the test engines.
    struct Stores {
        let plane: FreshControlPlane
        let backends: ControlPlaneBackends
        let index: SessionIndex
        let registry: NodeRegistry
        let blocks: JournalBlocks

        init(_ engine: TestControlPlane) async throws {
            plane = try await engine.make()
            backends = try plane.open()
            index = try await SessionIndex(backend: backends.main)
            registry = try await NodeRegistry(backend: backends.main)
            blocks = try await JournalBlocks(backend: backends.main)
        }

        /// The index row of a call `node` was taking when it went away: live, its journal unsealed.
        func recordLive(_ id: String, path: String, node: String) async throws {
            try await index.record(SessionIndexEntry(
                organization: "acme", sessionId: id, node: node, state: .live, dialect: "seed", language: nil,
                startedAt: 10, endedAt: nil, journalPath: path, journalSHA256: nil, sessionCSV: nil, utterancesCSV: nil,
                verification: "unsealed", continuedSessions: nil))
        }
    }

    @Test(arguments: TestControlPlane.available)
    func keepingASealedFileAppendsItsTailOrReplacesWhatIsNotItsPrefix(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        defer { Task { await plane.drop() } }
        let backends = try plane.open()
        let blocks = try await JournalBlocks(backend: backends.main)
        let call = try await JournalFetchTests.shippedJournal(root: plane.folder, id: "call-1", blocks: blocks)

        #expect(try await blocks.keepSealed(organization: "acme", journalPath: call.path, file: call.bytes) == .alreadyThere)
        #expect(try await blocks.contiguousBytes(organization: "acme", journalPath: call.path) == call.bytes)

        // Two ranges shipped, then the node was lost: the rest goes after them, in rows of at most 100 bytes.
        let cut = try await JournalFetchTests.shippedJournal(root: plane.folder, id: "call-2", blocks: blocks, shippedRanges: 2)
        let prefix = try await blocks.contiguousBytes(organization: "acme", journalPath: cut.path)
        #expect(try await blocks.keepSealed(organization: "acme", journalPath: cut.path, file: cut.bytes, rowBytes: 100)
                == .appended(bytes: cut.bytes.count - prefix.count))
        #expect(try await blocks.contiguousBytes(organization: "acme", journalPath: cut.path) == cut.bytes)

        // A gap (one range never arrived) and ranges after it: those are dropped, not joined to the file's end.
        let gapped = try await JournalFetchTests.shippedJournal(root: plane.folder, id: "call-3", blocks: blocks, shippedRanges: 1)
        try await blocks.append(organization: "acme", journalPath: gapped.path, offset: gapped.bytes.count - 10, bytes: Array(gapped.bytes.suffix(10)))
        try await blocks.append(organization: "acme", journalPath: gapped.path, offset: gapped.bytes.count, bytes: [1, 2, 3])
        let kept = try await blocks.keepSealed(organization: "acme", journalPath: gapped.path, file: gapped.bytes)
        #expect(kept != .alreadyThere && kept != .replaced(bytes: gapped.bytes.count))
        #expect(try await blocks.contiguousBytes(organization: "acme", journalPath: gapped.path) == gapped.bytes)

        // Stored bytes the file does not start with (recovery cut a range the node had shipped): replaced.
        let other = try await JournalFetchTests.shippedJournal(root: plane.folder, id: "call-4", blocks: blocks)
        var rewritten = other.bytes
        rewritten[rewritten.count - 1] ^= 0xFF
        #expect(try await blocks.keepSealed(organization: "acme", journalPath: other.path, file: rewritten) == .replaced(bytes: rewritten.count))
        #expect(try await blocks.contiguousBytes(organization: "acme", journalPath: other.path) == rewritten)
        // Only that journal's rows: another organization's same path is untouched.
        try await blocks.append(organization: "globex", journalPath: other.path, offset: 0, bytes: [9, 9])
        _ = try await blocks.keepSealed(organization: "acme", journalPath: other.path, file: other.bytes)
        #expect(try await blocks.contiguousBytes(organization: "globex", journalPath: other.path) == [9, 9])
        await backends.close()
    }

    @Test(arguments: TestControlPlane.available)
    func aSweptCallsSealedJournalIsTheOneTheControlPlaneGivesBack(_ engine: TestControlPlane) async throws {
        let stores = try await Stores(engine)
        let (plane, backends, index, registry, blocks) = (stores.plane, stores.backends, stores.index, stores.registry, stores.blocks)
        defer { Task { await plane.drop() } }
        let lostDisk = plane.folder.appendingPathComponent("lost")
        let call = try Self.unsealedJournal(root: lostDisk, id: "call-swept")
        // The lost node shipped all but its last range before it died.
        for (offset, bytes) in call.ranges.dropLast() {
            try await blocks.append(organization: "acme", journalPath: call.path, offset: offset, bytes: bytes)
        }
        try await registry.heartbeat(NodeRecord(name: "lost", address: "x:1", state: .serving, sessions: 1, startedAt: 1, heartbeatAt: 2))
        try await stores.recordLive("call-swept", path: call.path, node: "lost")

        let sweeperRoot = plane.folder.appendingPathComponent("sweeper")
        let indexing = NodeIndexing(index: index, registry: registry, node: "node-b", journalRoot: sweeperRoot.appendingPathComponent("journal"),
                                    resultsRoot: sweeperRoot.appendingPathComponent("results"), journalKey: nil, blocks: blocks,
                                    logger: Logger(label: "test"))
        await indexing.heartbeat(sessions: 0, draining: false, address: "y:2")
        let sweeper = Sweeper(index: index, registry: registry, blocks: blocks, indexing: indexing,
                              journalRoot: sweeperRoot.appendingPathComponent("journal"), key: nil, orphanAfterSeconds: 20,
                              derive: nil, logger: Logger(label: "test"))
        let later = wallClockMicroseconds() + 3_600_000_000
        let finished = try await sweeper.sweep(clock: { later })
        #expect(finished.map(\.journalPath) == [call.path] && finished.first?.state == .sealed, "\(finished)")

        let sealed = [UInt8](try Data(contentsOf: sweeperRoot.appendingPathComponent("journal").appendingPathComponent(call.path)))
        let fetched = try await JournalFetch.fetch(index: index, blocks: blocks, organization: "acme", sessionId: "call-swept")
        #expect(fetched.bytes == sealed, "the control plane holds the sweeper's sealed file, footer and all")
        #expect(fetched.isTheIndexedJournal, "and it is the journal the index names")
        #expect(fetched.entry.node == "node-b" && fetched.entry.state == .sealed, "\(fetched.entry)")
        #expect(indexing.sealedWaiting == 0)
        await backends.close()
    }

    @Test(arguments: TestControlPlane.available)
    func aRestartedNodesRecoveredJournalReachesTheControlPlaneOnceItIsBack(_ engine: TestControlPlane) async throws {
        let stores = try await Stores(engine)
        let (plane, backends, index, registry, blocks) = (stores.plane, stores.backends, stores.index, stores.registry, stores.blocks)
        defer { Task { await plane.drop() } }
        let journals = plane.folder.appendingPathComponent("journal")
        let call = try Self.unsealedJournal(root: journals, id: "call-restarted")
        for (offset, bytes) in call.ranges.prefix(2) {
            try await blocks.append(organization: "acme", journalPath: call.path, offset: offset, bytes: bytes)
        }
        try await stores.recordLive("call-restarted", path: call.path, node: "node-a")
        let indexing = NodeIndexing(index: index, registry: registry, node: "node-a", journalRoot: journals,
                                    resultsRoot: plane.folder.appendingPathComponent("results"), journalKey: nil, blocks: blocks,
                                    logger: Logger(label: "test"))
        let outcomes = try await OrphanRecovery.run(index: index, indexing: indexing, journalRoot: journals, key: nil,
                                                    leaseMicroseconds: 20_000_000, derive: nil, logger: Logger(label: "test"))
        #expect(outcomes.map(\.state) == [.sealed], "\(outcomes)")
        let sealed = [UInt8](try Data(contentsOf: call.url))
        let fetched = try await JournalFetch.fetch(index: index, blocks: blocks, organization: "acme", sessionId: "call-restarted")
        #expect(fetched.bytes == sealed && fetched.isTheIndexedJournal, "\(fetched.bytes.count) bytes fetched, \(sealed.count) sealed")
        await backends.close()
    }
}
