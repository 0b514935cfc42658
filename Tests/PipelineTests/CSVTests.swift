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

    /// Turkish Excel splits cells on `;`, and spreadsheets skip leading blanks and invisible
    /// characters before looking for a formula: neither may smuggle one in.
    @Test func semicolonsAreQuotedAndHiddenFormulasDefused() {
        #expect(CSV.escape("x;=cmd|' /C calc'!A0") == "\"x;=cmd|' /C calc'!A0\"")
        #expect(CSV.escape("a;b") == "\"a;b\"")
        #expect(CSV.escape("  =1+1") == "'  =1+1")
        #expect(CSV.escape("\u{200B}=HYPERLINK(1)") == "'\u{200B}=HYPERLINK(1)")
        #expect(CSV.escape("\u{FEFF}@SUM(A1)") == "'\u{FEFF}@SUM(A1)")
        #expect(CSV.escape("\u{00A0}+90 555") == "'\u{00A0}+90 555")
        #expect(CSV.escape("\u{FF1D}1+1") == "'\u{FF1D}1+1")
        #expect(CSV.escape("\n-x") == "\"'\n-x\"")
        #expect(CSV.escape("  plain") == "  plain")
        #expect(CSV.escape("   ") == "   ")
        for field in ["x;=cmd|' /C calc'!A0", "  =1+1", "\u{200B}=HYPERLINK(1)"] {
            let parsed = try? CSV.parse(CSV.line(["id", field]))
            #expect(parsed == [["id", "'" + field]] || parsed == [["id", field]], "round trip keeps the text")
        }
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
        try projector.write(session: Self.row("s1"), utterances: [utterance], file: SessionFileName(organization: "acme", day: "2026-11-27", name: "s1"))
        try projector.write(session: Self.row("s2"), utterances: [], file: SessionFileName(organization: "acme", day: "2026-11-28", name: "s2"))
        try projector.write(session: Self.row("s3"), utterances: [], file: SessionFileName(organization: "acme", day: "2026-11-30", name: "s3"))
        try projector.write(session: Self.row("other", org: "globex"), utterances: [], file: SessionFileName(organization: "globex", day: "2026-11-28", name: "other"))

        let utterances = try CSV.parse(String(contentsOf: root.appendingPathComponent("acme/2026-11-27/s1.utterances.csv"), encoding: .utf8))
        #expect(utterances == [UtteranceRow.columns, utterance.fields])

        let files = Exporter.sessionFiles(root: root, organization: "acme", from: "2026-11-27", to: "2026-11-28")
        #expect(files.map(\.lastPathComponent) == ["s1.csv", "s2.csv"])
        let merged = try CSV.parse(String(decoding: try Exporter.merge(files), as: UTF8.self))
        #expect(merged.count == 3)
        #expect(merged.dropFirst().map { $0[0] } == ["s1", "s2"])
        #expect(merged.allSatisfy { $0.count == SessionRow.columns.count })
    }

    /// Session ids are client strings: none may climb out of the results folder, reach another
    /// organization's folder or create folders of its own.
    @Test func fileNamesComeFromTheJournalNotFromTheClient() throws {
        for hostile in ["../../../../tmp/PWNED", "../../globex/2026-11-28/their-id", "a/b/c", ".hidden", "", String(repeating: "x", count: 300)] {
            #expect(throws: (any Error).self, "\(hostile.prefix(40))") { try SessionFileName(organization: "acme", day: "2026-11-28", name: hostile) }
        }
        #expect(throws: (any Error).self) { try SessionFileName(organization: "../globex", day: "2026-11-28", name: "x") }
        #expect(throws: (any Error).self) { try SessionFileName(organization: "acme", day: "../../x", name: "x") }

        let journal = URL(fileURLWithPath: "/srv/journal/acme/2026-11-28/call-7-2.tdj")
        let name = try SessionFileName(journal: journal, organization: "acme")
        #expect(name == (try SessionFileName(organization: "acme", day: "2026-11-28", name: "call-7-2")))
        let projector = Projector(root: URL(fileURLWithPath: "/srv/results"))
        #expect(projector.sessionURL(name).path == "/srv/results/acme/2026-11-28/call-7-2.csv")
        #expect(projector.utterancesURL(name).path == "/srv/results/acme/2026-11-28/call-7-2.utterances.csv")
        // The organization is the header's, whichever folder the journal was moved to.
        let moved = try SessionFileName(journal: URL(fileURLWithPath: "/tmp/globex/2026-11-28/x.tdj"), organization: "acme")
        #expect(projector.sessionURL(moved).path == "/srv/results/acme/2026-11-28/x.csv")
        #expect(throws: ProjectionError.notInJournalLayout("/tmp/loose.tdj")) {
            try SessionFileName(journal: URL(fileURLWithPath: "/tmp/loose.tdj"), organization: "acme")
        }
    }

    @Test func renderingIsDeterministic() {
        let a = Projector.render(session: Self.row("s1"), utterances: [])
        let b = Projector.render(session: Self.row("s1"), utterances: [])
        #expect(a.session == b.session && a.utterances == b.utterances)
    }
}
