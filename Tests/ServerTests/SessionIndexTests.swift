import Audio
import ControlPlane
import Foundation
import Logging
import Pipeline
import StreamProtocol
import StreamClient
import TapedeckTesting
import Testing
@testable import Server

/// The session index and node registry on both engines.
@Suite struct SessionIndexTests {
    static func entry(_ org: String, _ path: String, state: SessionState, started: Int64) -> SessionIndexEntry {
        SessionIndexEntry(organization: org, sessionId: "s-\(path)", node: "node-a", state: state, dialect: "seed", language: "en",
                          startedAt: started, endedAt: state == .live ? nil : started + 5, journalPath: "\(org)/2026-12-02/\(path).tdj",
                          journalSHA256: state == .live ? nil : String(repeating: "ab", count: 32), sessionCSV: nil, utterancesCSV: nil,
                          verification: state == .live ? "unsealed" : "sealed", continuedSessions: nil)
    }

    @Test(arguments: TestControlPlane.available)
    func rowsAreReplacedPerJournalAndReadPerOrganization(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        let index = try await SessionIndex(backend: try plane.open().main)
        try await index.record(Self.entry("acme", "one", state: .live, started: 100))
        try await index.record(Self.entry("acme", "two", state: .live, started: 200))
        try await index.record(Self.entry("globex", "one", state: .live, started: 150))
        try await index.record(Self.entry("acme", "one", state: .sealed, started: 100))
        let all = try await index.all()
        #expect(all.count == 3)
        #expect(all.first == Self.entry("acme", "one", state: .sealed, started: 100), "the later write replaced the live row")
        #expect(try await index.sessions(organization: "acme", from: 0, to: 1_000).map(\.journalPath) == ["acme/2026-12-02/one.tdj", "acme/2026-12-02/two.tdj"])
        #expect(try await index.sessions(organization: "acme", from: 150, to: 1_000).count == 1)
        #expect(try await index.sessions(organization: "initech", from: 0, to: 1_000).isEmpty)
        #expect(try await index.all().filter { $0.node == "node-a" && $0.state == .live }.map(\.organization) == ["acme", "globex"])

        let nodes = try await NodeRegistry(backend: try plane.open().main)
        try await nodes.heartbeat(NodeRecord(name: "node-a", address: "127.0.0.1:1", state: .serving, sessions: 2, startedAt: 1, heartbeatAt: 5))
        try await nodes.heartbeat(NodeRecord(name: "node-a", address: "127.0.0.1:1", state: .draining, sessions: 1, startedAt: 1, heartbeatAt: 9))
        #expect(try await nodes.nodes() == [NodeRecord(name: "node-a", address: "127.0.0.1:1", state: .draining, sessions: 1, startedAt: 1, heartbeatAt: 9)])
        await plane.drop()
    }

    /// Migrating twice (a second node starting) changes nothing; a database migrated by a newer
    /// version is refused with a message saying so.
    @Test(arguments: TestControlPlane.available)
    func migrationsAreIdempotentAndNewerSchemasRefused(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        let backend = try plane.open().main
        _ = try await SessionIndex(backend: backend)
        _ = try await SessionIndex(backend: try plane.open().main)
        let newer = SessionIndex.migrations + [Migration("sessions-v99", both: "CREATE TABLE later_thing (x TEXT)")]
        try await backend.migrate(store: "sessions", newer)
        await #expect(throws: ControlPlaneError.newerSchema(store: "sessions", applied: ["sessions-v99"])) {
            _ = try await SessionIndex(backend: try plane.open().main)
        }
        await plane.drop()
    }
}

/// Claims on a lost node's sessions: each taken by exactly one claimant, under a lease that
/// only its holder (restarted) may cut short.
@Suite struct SessionClaimTests {
    static func unfinished(_ name: String, node: String = "lost", state: SessionState = .live) -> SessionIndexEntry {
        var entry = SessionIndexTests.entry("acme", name, state: state, started: 1_000)
        entry.node = node
        return entry
    }

    @Test(arguments: TestControlPlane.available)
    func racingClaimantsEachGetDifferentSessionsAndTogetherAll(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        let index = try await SessionIndex(backend: try plane.open().main)
        let names = (0..<24).map { "call-\($0)" }
        for name in names { try await index.record(Self.unfinished(name)) }
        try await index.record(Self.unfinished("done", state: .sealed))
        try await index.record(Self.unfinished("someone-elses", node: "alive"))
        // Four sweepers, each on its own connection, claiming one at a time as `Sweeper` does.
        let claims = try await withThrowingTaskGroup(of: [String].self) { group in
            for claimant in ["n1", "n2", "n3", "n4"] {
                group.addTask {
                    let own = try await SessionIndex(backend: try plane.open().main)
                    var got: [String] = []
                    while let claimed = try await own.claimUnfinished(of: ["lost"], for: claimant, now: 2_000, leaseMicroseconds: 30_000_000).first {
                        #expect(claimed.from == "lost" && claimed.entry.node == claimant && claimed.entry.state == .orphaned)
                        got.append(claimed.entry.journalPath)
                    }
                    return got
                }
            }
            var all: [[String]] = []
            for try await got in group { all.append(got) }
            return all
        }
        let claimed = claims.flatMap { $0 }
        #expect(claimed.count == names.count, "every session claimed once: \(claims)")
        #expect(Set(claimed) == Set(names.map { "acme/2026-12-02/\($0).tdj" }))
        let rows = try await index.all()
        #expect(rows.first { $0.journalPath.hasSuffix("/done.tdj") }?.node == "lost", "a sealed session is not claimed")
        #expect(rows.first { $0.journalPath.hasSuffix("/someone-elses.tdj") }?.node == "alive", "only the named nodes' sessions")
        await plane.drop()
    }

    @Test(arguments: TestControlPlane.available)
    func aLeaseHoldsUntilItLapsesUnlessRenewedAndItsHolderMayRetakeIt(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        let index = try await SessionIndex(backend: try plane.open().main)
        try await index.record(Self.unfinished("call"))
        let path = "acme/2026-12-02/call.tdj"
        let first = try await index.claimUnfinished(of: ["lost"], for: "n1", now: 1_000_000, leaseMicroseconds: 10_000_000)
        #expect(first.map(\.entry.journalPath) == [path])
        #expect(try await index.lease(organization: "acme", journalPath: path) == 11_000_000)
        // n1 dies while finishing it: n2 presumes n1 dead, but the lease holds until it lapses.
        #expect(try await index.claimUnfinished(of: ["n1"], for: "n2", now: 5_000_000, leaseMicroseconds: 10_000_000).isEmpty)
        // n1's heartbeat renews the lease while it lives.
        #expect(try await index.renewLeases(of: "n1", until: 20_000_000) == 1)
        #expect(try await index.claimUnfinished(of: ["n1"], for: "n2", now: 15_000_000, leaseMicroseconds: 10_000_000).isEmpty)
        // n1 restarted within its lease finishes what it had claimed.
        #expect(try await index.claimUnfinished(of: ["n1"], for: "n1", now: 16_000_000, leaseMicroseconds: 10_000_000).map(\.from) == ["n1"])
        // Lapsed: n2 takes it.
        let taken = try await index.claimUnfinished(of: ["n1"], for: "n2", now: 27_000_000, leaseMicroseconds: 10_000_000)
        #expect(taken.map(\.from) == ["n1"])
        #expect(try await index.renewLeases(of: "n1", until: 99_000_000) == 0, "n1 holds nothing now")
        // Released when finished: not renewed, and the finished row is never claimed again.
        try await index.releaseLease(organization: "acme", journalPath: path, holder: "n2")
        #expect(try await index.lease(organization: "acme", journalPath: path) == nil)
        #expect(try await index.renewLeases(of: "n2", until: 99_000_000) == 0)
        var sealed = try #require(taken.first).entry
        sealed.state = .sealed
        try await index.record(sealed)
        #expect(try await index.claimUnfinished(of: ["n2"], for: "n3", now: 99_000_000, leaseMicroseconds: 10_000_000).isEmpty)
        await plane.drop()
    }
}

extension SessionIndexTests {
    /// AudioHook `continuedSessions` goes from the client's `open` through the journal header
    /// into the index row (and so into `index rebuild`'s rows too).
    @Test func continuedSessionsFromTheOpenReachTheIndexRow() throws {
        let continued = #"[{"id":"7a1c9b2e-5d3f-4e8a-9b6c-2f4e8d1a3c5b","serverseq":7,"clientseq":12}]"#
        let open = BatchCommandTests.hookOpen.replacingOccurrences(of: #""rate":8000}]}"#, with: #""rate":8000}],"continuedSessions":\#(continued)}"#)
        var store = SessionTestStore(dialect: "audiohook", headers: ["audiohook-session-id": BatchCommandTests.hookId])
        let details = store.send(open).compactMap { effect -> String? in
            if case .identified(_, let details) = effect { return details } else { return nil }
        }.first
        let negotiated = try #require(details, "the open was not accepted")
        let root = try BatchCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try BatchCommandTests.writeJournal(root: root, id: BatchCommandTests.hookId, dialect: "audiohook",
                                                         negotiated: negotiated, messages: [open], frames: 1, frameBytes: 320)
        let entry = try SessionIndexProjection.entry(journal: journal, journalRoot: root, resultsRoot: root.appendingPathComponent("results"),
                                                     node: "node-a", key: nil)
        #expect(entry.continuedSessions.flatMap { try? JSONValue.parse($0) } == (try JSONValue.parse(continued)))
        let plain = try BatchCommandTests.writeJournal(root: root, id: "plain", messages: [BatchCommandTests.open("plain")])
        #expect(try SessionIndexProjection.entry(journal: plain, journalRoot: root, resultsRoot: root, node: "node-a", key: nil).continuedSessions == nil)
    }
}

/// What a live server writes to the index equals `index rebuild` over its journals.
@Suite struct LiveIndexTests {
    @Test(arguments: TestControlPlane.available)
    func theLiveIndexEqualsARebuildFromTheJournals(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        let backends = try plane.open()
        let index = try await SessionIndex(backend: backends.main)
        let harness = try await ServerHarness()
        let indexing = NodeIndexing(index: index, registry: try await NodeRegistry(backend: backends.main), node: "node-t",
                                    journalRoot: harness.configuration.journalDirectory, resultsRoot: harness.configuration.resultsDirectory,
                                    journalKey: nil, logger: Logger(label: "test"))
        harness.indexing = indexing
        try await harness.start()
        let key = try await harness.store.create(organization: "acme")
        let audio = WAVAudio(sampleRate: 16000, channels: [(0..<8000).map { Float(0.3 * sin(Double($0) / 5)) }])
        for id in ["call-a", "call-b"] {
            var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
            options.pace = .max
            options.sessionId = id
            _ = try await StreamClient(options: options).run(audio: audio)
        }
        _ = await harness.endedSessions(2)
        await harness.stopKeepingFiles()
        defer { try? FileManager.default.removeItem(at: harness.root) }
        // The end rows are queued behind the session; wait until both are written.
        var live: [SessionIndexEntry] = []
        for _ in 0..<100 {
            await indexing.flush()
            live = try await index.all()
            if live.count == 2, live.allSatisfy({ $0.state != .live }) { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(live.map(\.sessionId) == ["call-a", "call-b"])
        #expect(live.allSatisfy { $0.state == .sealed && $0.verification == "sealed" && $0.journalSHA256?.count == 64 && $0.node == "node-t" },
                "protocol-only sessions are sealed, not projected: \(live)")
        let rebuilt = try await IndexRebuild.run(index: index, node: "node-t", journalRoot: harness.configuration.journalDirectory,
                                                 resultsRoot: harness.configuration.resultsDirectory, key: nil)
        #expect(rebuilt.unreadable.isEmpty)
        let after = try await index.all()
        #expect(after == live, "index rebuild changed the rows the live server wrote: \(after) vs \(live)")
        await plane.drop()
    }
}
