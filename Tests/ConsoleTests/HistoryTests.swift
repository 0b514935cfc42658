import Foundation
import Pipeline
import Testing
@testable import Console

/// History over CSV files as the server writes them (`Projector`), read through the console's
/// routes by signed-in browsers of two organizations.
@Suite struct HistoryTests {
    static let analysis = #"{"agent_score":4,"detail":{"agent_score":{"items":[{"earned":10,"id":"greeting","reason":"greeting and introduction","result":"met","weight":10},{"earned":0,"id":"empathy","reason":"0/1 negative turns acknowledged","result":"not_met","weight":15}]},"process_issues":[{"end_ms":19000,"evidence":"doesn't match","severity":"medium","start_ms":6500,"turns":[2,4],"type":"verification_failure"}],"sentiment":{"agent_quarters":[1,0.5,0,2],"customer_quarters":[-2,-3.5,0,1.25],"label":"negative","trend":"up"}},"sentiment":"negative"}"#

    static func write(_ harness: ConsoleHarness, organization: String, day: String, name: String, transcript: [(String, String)]) throws {
        var row = SessionRow()
        row.sessionId = name
        row.organization = organization
        row.dialect = "seed"
        row.start = "\(day)T09:00:00Z"
        row.end = "\(day)T09:01:05Z"
        row.duration = "65.000"
        row.language = "en"
        row.transcript = transcript.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
        row.summary = "Customer reports a billing error."
        row.sentiment = "negative"
        row.agentScore = "4"
        row.analysisJSON = analysis
        row.engine = "whisper tiny.en"
        let lines = transcript.enumerated().map { index, line in
            UtteranceRow(start: "\(index * 5).000", end: "\(index * 5 + 4).000", speaker: line.0, language: "en", text: line.1, sentiment: "neutral")
        }
        try Projector(root: harness.directory.appendingPathComponent("results"))
            .write(session: row, utterances: lines, file: SessionFileName(organization: organization, day: day, name: name))
    }

    static func setUp() async throws -> (ConsoleHarness, Browser, Browser) {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.example")
        try await harness.organization("globex", email: "ops@globex.example")
        try write(harness, organization: "acme", day: "2026-11-30", name: "call-1",
                  transcript: [("agent", "Thank you for calling"), ("customer", "My bill is <b>wrong</b> again")])
        try write(harness, organization: "acme", day: "2026-12-01", name: "call-2",
                  transcript: [("agent", "Good morning"), ("customer", "I want to cancel")])
        try write(harness, organization: "globex", day: "2026-12-01", name: "secret-call",
                  transcript: [("customer", "globex private words")])
        let acme = harness.browser(), globex = harness.browser()
        try await acme.signIn("ops@acme.example")
        try await globex.signIn("ops@globex.example")
        return (harness, acme, globex)
    }

    @Test func listsCallsByDayNewestFirstAndSearchesTranscripts() async throws {
        let (_, acme, _) = try await Self.setUp()
        let page = try await acme.get("/console/orgs/acme/history")
        #expect(page.status == .ok)
        let newer = try #require(page.body.range(of: "2026-12-01")), older = try #require(page.body.range(of: "2026-11-30"))
        #expect(newer.lowerBound < older.lowerBound)
        #expect(page.body.contains(#"href="/console/orgs/acme/history/2026-11-30/call-1""#))
        #expect(!page.body.contains("secret-call"), "another organization's call is not listed")

        let found = try await acme.get("/console/orgs/acme/history?q=BILL")
        #expect(found.body.contains("call-1"))
        #expect(!found.body.contains("call-2"))
        #expect(found.body.contains(#"id="search-result""#))
        let none = try await acme.get("/console/orgs/acme/history?q=globex%20private")
        #expect(none.body.contains(#"id="no-history""#), "a search never reaches another organization's transcripts")
    }

    @Test func theCallPageShowsTranscriptEvidenceRubricAndChart() async throws {
        let (_, acme, _) = try await Self.setUp()
        let page = try await acme.get("/console/orgs/acme/history/2026-11-30/call-1")
        #expect(page.status == .ok)
        let body = page.body
        #expect(body.contains(#"<span class="speaker">customer</span> <span class="text">My bill is &lt;b&gt;wrong&lt;/b&gt; again</span>"#))
        #expect(body.contains(#"<span class="time">0:05</span>"#), "times into the call")
        #expect(body.contains("<td>verification failure</td><td>medium</td><td>2, 4</td>") && body.contains("t match”"), "the issue, its turns and its evidence")
        #expect(body.contains("greeting and introduction") && body.contains("0/15"))
        #expect(body.contains(#"id="sentiment-chart""#))
        #expect(body.components(separatedBy: "<rect ").count - 1 == 8, "four quarters, customer and agent")
        #expect(body.contains("Q2 customer -3.50"))
        #expect(body.contains(#"href="/console/orgs/acme/history/2026-11-30/call-1/session.csv""#))
        #expect(body.contains(#"<span class="verify missing">missing</span>"#), "this test wrote CSVs without a journal")
    }

    @Test func downloadsBothCSVFilesAsWritten() async throws {
        let (harness, acme, _) = try await Self.setUp()
        let folder = harness.directory.appendingPathComponent("results/acme/2026-11-30")
        let session = try await acme.get("/console/orgs/acme/history/2026-11-30/call-1/session.csv")
        #expect(session.status == .ok)
        #expect(session.headers[.contentType] == "text/csv; charset=utf-8")
        #expect(session.headers[.contentDisposition] == #"attachment; filename="call-1.csv""#)
        #expect(session.body == (try String(contentsOf: folder.appendingPathComponent("call-1.csv"), encoding: .utf8)))
        let utterances = try await acme.get("/console/orgs/acme/history/2026-11-30/call-1/utterances.csv")
        #expect(utterances.body == (try String(contentsOf: folder.appendingPathComponent("call-1.utterances.csv"), encoding: .utf8)))
    }

    @Test func wavEncodingInterleavesChannelsAsPCM16() {
        let wav = JournalAudio.encode([[0, 1, -1], [0.5, -0.5, 2]], sampleRate: 16000)
        #expect(wav.count == 44 + 3 * 2 * 2)
        #expect(Array(wav[0..<4]) == Array("RIFF".utf8) && Array(wav[8..<16]) == Array("WAVEfmt ".utf8))
        #expect(wav[22] == 2 && wav[24] == 0x80 && wav[25] == 0x3e, "two channels at 16 000 Hz")
        let samples = stride(from: 44, to: wav.count, by: 2).map { Int16(bitPattern: UInt16(wav[$0]) | UInt16(wav[$0 + 1]) << 8) }
        #expect(samples == [0, 16383, 32767, -16383, -32767, 32767], "interleaved, clipped to ±1")
    }

    @Test func anotherOrganizationAndHostilePathsGet404() async throws {
        let (_, acme, globex) = try await Self.setUp()
        for path in ["/console/orgs/acme/history", "/console/orgs/acme/history/2026-11-30/call-1",
                     "/console/orgs/acme/history/2026-11-30/call-1/session.csv", "/console/orgs/acme/history/2026-11-30/call-1/utterances.csv",
                     "/console/orgs/globex/history/2026-11-30/call-1", "/console/orgs/globex/history/2026-11-30/call-1/session.csv"] {
            #expect(try await globex.get(path).status == .notFound, "\(path)")
        }
        // acme's own path naming globex's call, or climbing out of its folder.
        for path in ["/console/orgs/acme/history/2026-12-01/secret-call", "/console/orgs/acme/history/2026-12-01/secret-call/session.csv",
                     "/console/orgs/acme/history/..%2F..%2Fglobex%2F2026-12-01/secret-call/session.csv",
                     "/console/orgs/acme/history/2026-12-01/..%2F..%2Fglobex%2F2026-12-01%2Fsecret-call/session.csv",
                     "/console/orgs/acme/history/not-a-day/call-1", "/console/orgs/acme/history/2026-11-30/nope/session.csv",
                     "/console/orgs/acme/history/2026-11-30/call-1/audio.wav"] {
            #expect(try await acme.get(path).status == .notFound, "\(path)")
        }
    }

    /// A range of days as one sheet: exactly what `tapedeck export` writes for the same range,
    /// only the organization's own calls, and a clear 400 for a range that is not one.
    @Test func exportsARangeOfDaysAsOneSheetOfTheOrganizationsCalls() async throws {
        let (harness, acme, globex) = try await Self.setUp()
        let results = harness.directory.appendingPathComponent("results")
        let both = try await acme.get("/console/orgs/acme/history/export.csv?from=2026-11-01&to=2026-12-31")
        #expect(both.status == .ok)
        #expect(both.headers[.contentDisposition] == #"attachment; filename="acme-2026-11-01-to-2026-12-31.csv""#)
        let expected = try Exporter.merge(Exporter.sessionFiles(root: results, organization: "acme", from: "2026-11-01", to: "2026-12-31"))
        #expect(both.body == String(decoding: expected, as: UTF8.self))
        #expect(both.body.contains("call-1") && both.body.contains("call-2") && !both.body.contains("secret-call"))
        let one = try await acme.get("/console/orgs/acme/history/export.csv?from=2026-12-01&to=2026-12-01")
        #expect(one.body.contains("call-2") && !one.body.contains("call-1"))
        for bad in ["from=2026-12-02&to=2026-12-01", "from=yesterday&to=2026-12-01", "to=2026-12-01", "from=2026-12-01&to=2026-12-01x"] {
            let refused = try await acme.get("/console/orgs/acme/history/export.csv?\(bad)")
            #expect(refused.status == .badRequest, "\(bad)")
        }
        #expect(try await globex.get("/console/orgs/acme/history/export.csv?from=2026-11-01&to=2026-12-31").status == .notFound)
        #expect(try await acme.get("/console/orgs/acme/history").body.contains(#"id="export""#), "the history page offers the export")
    }
}
