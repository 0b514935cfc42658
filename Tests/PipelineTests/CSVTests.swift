import Foundation
import Testing
@testable import Pipeline

@Suite struct CSVTests {
    @Test func fieldsWithSeparatorsQuotesAndNewlinesRoundTrip() throws {
        let rows = [
            ["id", "transcript", "note"],
            ["s-1", "customer: hello, I \"really\" need help\nagent: sure", ""],
            ["s-2", "müşteri: faturam çok yüksek", "line\r\nbreak"],
        ]
        let text = rows.map(CSV.line).joined()
        #expect(try CSV.parse(text) == rows)
        #expect(text.hasSuffix("\r\n"))
        #expect(CSV.line(["a", "b,c"]) == "a,\"b,c\"\r\n")
    }

    @Test func formulaLookingFieldsAreDefused() {
        #expect(CSV.escape("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSV.escape("+90 555") == "'+90 555")
        #expect(CSV.escape("-") == "'-")
        #expect(CSV.escape("plain") == "plain")
    }

    @Test func malformedCSVIsReported() throws {
        #expect(throws: CSV.ParseError.unterminatedQuote(line: 1)) { try CSV.parse("a,\"b\r\n") }
        #expect(throws: CSV.ParseError.stray(character: "x", line: 1)) { try CSV.parse("\"a\"x,b\r\n") }
        #expect(try CSV.parse("") == [])
    }

    @Test func atomicWriteReplacesWholeFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-csv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("nested/out.csv")
        try AtomicFile.write(Data("one\r\n".utf8), to: url)
        try AtomicFile.write(Data("two\r\n".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "two\r\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["out.csv"])
    }
}

@Suite struct ProjectionTests {
    static func row(_ id: String, org: String = "acme") -> SessionRow {
        var row = SessionRow()
        row.sessionId = id
        row.organization = org
        row.transcript = "customer: my bill is wrong, again\nagent: let me check"
        row.summary = "Billing complaint"
        row.agentScore = "4"
        return row
    }

    @Test func sessionFilesAreWrittenAndExportMergesThemByDay() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-results-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let projector = Projector(root: root)
        let utterance = UtteranceRow(start: "0.000", end: "1.500", speaker: "customer", language: "en", text: "hello, there", sentiment: "neutral")
        try projector.write(session: Self.row("s1"), utterances: [utterance], day: "2026-11-27")
        try projector.write(session: Self.row("s2"), utterances: [], day: "2026-11-28")
        try projector.write(session: Self.row("s3"), utterances: [], day: "2026-11-30")
        try projector.write(session: Self.row("other", org: "globex"), utterances: [], day: "2026-11-28")

        let utterances = try CSV.parse(String(contentsOf: root.appendingPathComponent("acme/2026-11-27/s1.utterances.csv"), encoding: .utf8))
        #expect(utterances == [UtteranceRow.columns, utterance.fields])

        let files = Exporter.sessionFiles(root: root, organization: "acme", from: "2026-11-27", to: "2026-11-28")
        #expect(files.map(\.lastPathComponent) == ["s1.csv", "s2.csv"])
        let merged = try CSV.parse(String(decoding: try Exporter.merge(files), as: UTF8.self))
        #expect(merged.count == 3)
        #expect(merged.dropFirst().map { $0[0] } == ["s1", "s2"])
        #expect(merged.allSatisfy { $0.count == SessionRow.columns.count })
    }

    @Test func renderingIsDeterministic() {
        let a = Projector.render(session: Self.row("s1"), utterances: [])
        let b = Projector.render(session: Self.row("s1"), utterances: [])
        #expect(a.session == b.session && a.utterances == b.utterances)
    }
}
