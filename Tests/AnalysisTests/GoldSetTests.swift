import Testing
@testable import Analysis

// Thresholds sit a little under today's measured accuracy (bench-analysis) so that a regression
// of two or more calls in any field fails. The gold set was also used while writing the lexicons,
// so these numbers are development accuracy, not a held-out estimate.
@Suite struct GoldSetTests {
    @Test func goldSetCoversBothLanguages() throws {
        let calls = try Fixtures.gold()
        #expect(calls.filter { !$0.expect.isEmpty }.count >= 40)
        #expect(calls.filter { $0.language == "tr" && !$0.expect.isEmpty }.count >= 15)
        // Every field has positive and negative cases.
        #expect(Set(calls.compactMap { $0.expect["sentiment"] }) == ["positive", "neutral", "negative"])
        #expect(Set(calls.compactMap { $0.expect["emotion"] }) == Set(EmotionRules.labels))
        #expect(calls.contains { $0.expect["issues"] == "none" } && calls.contains { ($0.expect["issues"] ?? "none") != "none" })
        #expect(calls.contains { $0.expect["repeated"] == "0" } && calls.contains { $0.expect["repeated"] == "1" })
        #expect(calls.contains { $0.expect["mentions"] == "none" } && calls.contains { ($0.expect["mentions"] ?? "none") != "none" })
    }

    @Test func accuracyPerField() throws {
        let report = GoldEvaluation.evaluate(try Fixtures.gold(), analyzer: analyzer)
        let minimum: [String: Double] = ["sentiment": 0.9, "emotion": 0.85, "issues": 0.95, "repeated": 0.95,
                                         "mentions": 0.95, "agent": 0.85, "status": 0.9]
        for s in report.fields {
            #expect(s.total > 0, "\(s.field) has no gold labels")
            #expect(s.accuracy >= minimum[s.field]!, "\(s.field) \(s.correct)/\(s.total); misses: \(report.misses.filter { $0.contains(" \(s.field):") })")
        }
    }

    @Test func callCenterModelBeatsPlainVader() throws {
        let report = GoldEvaluation.evaluate(try Fixtures.gold(), analyzer: analyzer)
        let ours = report.score("sentiment")!.accuracy
        #expect(ours - report.plainVaderSentiment.accuracy >= 0.2, "ours \(ours) vs VADER \(report.plainVaderSentiment.accuracy)")
    }

    @Test func parserRejectsMalformedLines() {
        #expect(throws: GoldSetError.self) { try GoldSet.parse("C 0 1 | before header") }
        #expect(throws: GoldSetError.self) { try GoldSet.parse("=== x\nC 2 1 | end before start") }
        #expect(throws: GoldSetError.self) { try GoldSet.parse("=== x\nmood: happy") }
    }
}
