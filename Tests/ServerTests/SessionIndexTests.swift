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
        #expect(try await index.sessions(node: "node-a", states: [.live]).map(\.organization) == ["acme", "globex"])

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
        let newer = [Migration("sessions-v1", both: "SELECT 1"), Migration("sessions-v2", both: "CREATE TABLE later_thing (x TEXT)")]
        try await backend.migrate(store: "sessions", newer)
        await #expect(throws: ControlPlaneError.newerSchema(store: "sessions", applied: ["sessions-v2"])) {
            _ = try await SessionIndex(backend: try plane.open().main)
        }
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
