import ControlPlane
import Digests
import Foundation
import Journal
import Pipeline
import TapedeckTesting
import Testing
@testable import Console

/// A cluster's console: downloads and range exports of calls another node took come from the
/// control plane's copy of their CSVs, still only within the signed-in organization.
@Suite struct ClusterHistoryTests {
    @Test(arguments: TestControlPlane.available)
    func downloadsAndExportsComeFromTheControlPlane(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        let csvs = try await SessionCSVs(backend: try plane.open().main)
        // This node wrote acme's call-1 and globex's call; another node wrote acme's call-2.
        let harness = try await ConsoleHarness(csvs: csvs)
        try await harness.organization("acme", email: "ops@acme.example")
        try await harness.organization("globex", email: "ops@globex.example")
        try HistoryTests.write(harness, organization: "acme", day: "2026-11-30", name: "call-1", transcript: [("agent", "Hello")])
        try HistoryTests.write(harness, organization: "acme", day: "2026-12-01", name: "call-2", transcript: [("customer", "Cancel it")])
        try HistoryTests.write(harness, organization: "globex", day: "2026-12-01", name: "secret", transcript: [("customer", "globex words")])
        let results = harness.directory.appendingPathComponent("results")
        let fileExport = try Exporter.merge(Exporter.sessionFiles(root: results, organization: "acme", from: "2026-11-01", to: "2026-12-31"))
        let projector = Projector(root: results)
        for (org, day, name) in [("acme", "2026-11-30", "call-1"), ("acme", "2026-12-01", "call-2"), ("globex", "2026-12-01", "secret")] {
            let file = try SessionFileName(organization: org, day: day, name: name)
            try await csvs.put(organization: org, day: day, name: name, session: [UInt8](try Data(contentsOf: projector.sessionURL(file))),
                               utterances: [UInt8](try Data(contentsOf: projector.utterancesURL(file))))
        }
        let call2 = try SessionFileName(organization: "acme", day: "2026-12-01", name: "call-2")
        let expected = try Data(contentsOf: projector.utterancesURL(call2))
        try FileManager.default.removeItem(at: projector.sessionURL(call2).deletingLastPathComponent())  // it is the other node's

        let acme = harness.browser()
        try await acme.signIn("ops@acme.example")
        let download = try await acme.get("/console/orgs/acme/history/2026-12-01/call-2/utterances.csv")
        #expect(download.status == .ok)
        #expect(Data(download.body.utf8) == expected, "the other node's CSV, byte for byte")
        #expect(try await acme.get("/console/orgs/acme/history/2026-12-01/secret/session.csv").status == .notFound,
                "another organization's call is not found, wherever it is kept")
        let export = try await acme.get("/console/orgs/acme/history/export.csv?from=2026-11-01&to=2026-12-31")
        #expect(export.status == .ok)
        #expect(Data(export.body.utf8) == fileExport, "the cluster's export has the bytes one node's folder would give")
        #expect(!export.body.contains("globex"))
        await plane.drop()
    }

    /// The history list and a call's page, transcript, journal state and audio, for a call whose
    /// CSVs and journal are only in the control plane (another node took it); never another
    /// organization's.
    @Test(arguments: TestControlPlane.available)
    func theListAndCallPagesShowCallsOtherNodesTook(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        let backends = try plane.open()
        let csvs = try await SessionCSVs(backend: backends.main)
        let index = try await SessionIndex(backend: backends.main)
        let blocks = try await JournalBlocks(backend: backends.main)
        let harness = try await ConsoleHarness(csvs: csvs, index: index, blocks: blocks)
        try await harness.organization("acme", email: "ops@acme.example")
        try await harness.organization("globex", email: "ops@globex.example")
        try HistoryTests.write(harness, organization: "acme", day: "2026-11-30", name: "call-1", transcript: [("agent", "Hello there")])
        let results = harness.directory.appendingPathComponent("results")
        let projector = Projector(root: results)
        // The other node's calls: written to a scratch folder, copied to the control plane, then removed here.
        for (org, name, words) in [("acme", "call-2", "Cancel my contract"), ("globex", "secret", "globex words")] {
            try HistoryTests.write(harness, organization: org, day: "2026-12-01", name: name, transcript: [("customer", words)])
            let file = try SessionFileName(organization: org, day: "2026-12-01", name: name)
            try await csvs.put(organization: org, day: "2026-12-01", name: name, session: [UInt8](try Data(contentsOf: projector.sessionURL(file))),
                               utterances: [UInt8](try Data(contentsOf: projector.utterancesURL(file))))
            try FileManager.default.removeItem(at: projector.sessionURL(file))
            try FileManager.default.removeItem(at: projector.utterancesURL(file))
        }
        // call-2's journal, as the other node shipped it: 0.1 s of 16 kHz mono PCM.
        let scratch = plane.folder.appendingPathComponent("other-node/acme/2026-12-01/call-2.tdj")
        try FileManager.default.createDirectory(at: scratch.deletingLastPathComponent(), withIntermediateDirectories: true)
        let facts = ConnectionFacts(organization: "acme", keyId: "k1", dialect: "seed", headers: [:], query: [:], path: "/v1/stream")
        let header = SessionHeader(server: "other", facts: facts, sessionId: "call-2",
                                   negotiated: #"{"media":{"encoding":"pcm16le","rate":16000,"channels":["mono"]}}"#, components: [:])
        let writer = try JournalWriter(url: scratch, sessionId: "call-2")
        try writer.append(.sessionHeader, receivedAt: 1, payload: header.encoded())
        try writer.append(.inboundBinary, receivedAt: 2, payload: [UInt8](repeating: 0x10, count: 3200))
        try writer.close(receivedAt: 3)
        let journal = [UInt8](try Data(contentsOf: scratch))
        try await blocks.append(organization: "acme", journalPath: "acme/2026-12-01/call-2.tdj", offset: 0, bytes: journal)
        try await index.record(SessionIndexEntry(
            organization: "acme", sessionId: "call-2", node: "node-b", state: .projected, dialect: "seed", language: "en", startedAt: 1,
            endedAt: 3, journalPath: "acme/2026-12-01/call-2.tdj", journalSHA256: SHA256Digest.hash(journal).hexString,
            sessionCSV: nil, utterancesCSV: nil, verification: "sealed", continuedSessions: nil))

        let acme = harness.browser()
        try await acme.signIn("ops@acme.example")
        let list = try await acme.get("/console/orgs/acme/history")
        #expect(list.status == .ok)
        #expect(list.body.contains("2026-12-01") && list.body.contains(">call-2<") && list.body.contains(">call-1<"), "both nodes' calls: \(list.body)")
        #expect(!list.body.contains("secret"), "never another organization's")
        let search = try await acme.get("/console/orgs/acme/history?q=contract")
        #expect(search.body.contains(">call-2<") && !search.body.contains(">call-1<"), "search covers the control plane's calls")
        let page = try await acme.get("/console/orgs/acme/history/2026-12-01/call-2")
        #expect(page.status == .ok)
        #expect(page.body.contains("Cancel my contract"), "the transcript from the control plane's utterances file")
        #expect(page.body.contains("on node node-b") && page.body.contains("verify sealed"), "the journal state from the index row")
        let audio = try await acme.get("/console/orgs/acme/history/2026-12-01/call-2/audio.wav")
        #expect(audio.status == .ok)
        #expect(audio.bytes.count == 44 + 1600 * 2, "0.1 s of mono 16-bit audio rendered from the control plane's journal: \(audio.bytes.count) bytes")
        #expect(try await acme.get("/console/orgs/acme/history/2026-12-01/secret").status == .notFound)
        #expect(try await acme.get("/console/orgs/acme/history/2026-12-01/secret/audio.wav").status == .notFound)
        await backends.close()
        await plane.drop()
    }
}
