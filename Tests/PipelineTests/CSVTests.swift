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
