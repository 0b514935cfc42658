import Testing
@testable import Analysis

@Suite struct TranscriptInputTests {
    @Test func jsonAndGoldFormatGiveTheSameAnalysis() throws {
        let json = #"{"language": "en", "utterances": [{"speaker": "agent", "text": "Hello, how can I help?", "start": 0, "end": 2},"# +
            #"{"speaker": "customer", "text": "My internet is down again.", "start": 2.5, "end": 5}]}"#
        let gold = "=== one\nlang: en\nA 0 2 | Hello, how can I help?\nC 2.5 5 | My internet is down again.\n"
        let a = try TranscriptInput.parse(json), b = try TranscriptInput.parse(gold)
        #expect(a[0].utterances == b[0].utterances)
        #expect(analyzer.finalAnalysis(a[0].utterances)?.seedJSON() == analyzer.finalAnalysis(b[0].utterances)?.seedJSON())
    }

    @Test func languageOptionOverridesTheFile() throws {
        let calls = try TranscriptInput.parse(#"[{"speaker": "C", "text": "Faturam yine yüksek geldi", "start": 0, "end": 3}]"#, language: "tr")
        #expect(calls[0].utterances[0].language == "tr")
        #expect(calls[0].utterances[0].speaker == .customer)
    }

    @Test func badInputsSayWhatToFix() {
        #expect(throws: TranscriptInputError.unsupportedLanguage("de")) { try TranscriptInput.parse("[]", language: "de") }
        #expect(throws: TranscriptInputError.empty) { try TranscriptInput.parse("[]") }
        #expect(throws: TranscriptInputError.badUtterance(index: 0, reason: "start/end missing or end before start")) {
            try TranscriptInput.parse(#"[{"speaker": "agent", "text": "hi", "start": 3, "end": 1}]"#)
        }
        #expect(throws: TranscriptInputError.self) { try TranscriptInput.parse("{not json", forceJSON: true) }
        #expect(throws: TranscriptInputError.self) { try TranscriptInput.parse("C 0 1 | no header") }
    }
}
