import ControlPlane
import Foundation
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
}
