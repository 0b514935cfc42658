import Testing
@testable import Analysis

// The development set's shape and the accuracy floors on each half. The check half is never used to
// write rules (bench-analysis never prints its misses); its floors only catch regressions. Floors sit a
// few calls under the accuracy measured when they were set (docs/analysis.md has the figures).
@Suite struct AnalysisDevSetTests {
    @Test func setIsLargeVariedAndSplitInTwo() throws {
        let calls = try Fixtures.dev()
        #expect(calls.filter { $0.language == "en" }.count >= 150)
        #expect(calls.filter { $0.language == "tr" }.count >= 100)
        let tune = calls.filter { $0.split == "tune" }.count, check = calls.filter { $0.split == "check" }.count
        #expect(tune + check == calls.count, "every call names its half")
        #expect(min(tune, check) * 10 >= calls.count * 4, "halves are roughly even: \(tune)/\(check)")
        #expect(Set(calls.map(\.id)).count == calls.count, "call ids are unique")
        for domain in ["telecom", "bank", "ecommerce", "airline", "insurance", "utilities"] {
            #expect(calls.contains { $0.id.contains(domain) }, "no \(domain) call")
        }
        // Mono calls are labelled with the agent's quality: their roles come from the text (SpeakerRoles).
        #expect(calls.contains { $0.utterances.allSatisfy { $0.speaker == .unknown } && $0.expect["agent"] != "unknown" }, "mono calls")
        #expect(Set(calls.compactMap { $0.expect["emotion"] }) == Set(EmotionRules.labels))
    }

    @Test func accuracyFloorsPerHalfAndLanguage() throws {
        let floors: [String: Double] = ["sentiment": 0.8, "emotion": 0.7, "issues": 0.85, "repeated": 0.8, "mentions": 0.95, "agent": 0.75, "status": 0.8]
        let calls = try Fixtures.dev()
        for half in ["tune", "check"] {
            for lang in ["en", "tr"] {
                let report = GoldEvaluation.evaluate(calls.filter { $0.split == half && $0.language == lang }, analyzer: analyzer)
                for s in report.fields {
                    // Only the tuning half's misses are shown; the check half reports its score alone.
                    let detail = half == "tune" ? " misses: \(report.misses.filter { $0.contains(" \(s.field):") }.prefix(5))" : ""
                    #expect(s.accuracy >= floors[s.field]!, "\(half) \(lang) \(s.field) \(s.correct)/\(s.total)\(detail)")
                }
                #expect(report.score("sentiment")!.accuracy > report.plainVaderSentiment.accuracy + 0.2, "\(half) \(lang): call-center sentiment beats plain VADER")
            }
        }
    }

    static let bar: [String: Double] = ["sentiment": 0.75, "emotion": 0.6, "issues": 0.75, "repeated": 0.75, "mentions": 0.95, "agent": 0.75, "status": 0.75]

    // The held-out set (devset/heldout.py: its own call skeletons and phrasing, never tuned on) at issue 13's bar.
    @Test func heldOutSetMeetsTheBar() throws {
        let calls = try Fixtures.heldout()
        #expect(calls.count >= 200 && calls.allSatisfy { $0.split == "check" })
        for lang in ["en", "tr"] {
            let report = GoldEvaluation.evaluate(calls.filter { $0.language == lang }, analyzer: analyzer)
            for s in report.fields { #expect(s.accuracy >= Self.bar[s.field]!, "held-out \(lang) \(s.field) \(s.correct)/\(s.total)") }
        }
    }

    // The fresh set at the same bar, since analysis-2.3.0 meets it there (its lowest: sentiment 0.76 TR, 0.77 EN):
    // a rule change that costs an untuned set its bar fails here, whatever it gains elsewhere.
    @Test func freshSetMeetsTheBar() throws {
        let calls = try Fixtures.fresh()
        for lang in ["en", "tr"] {
            let report = GoldEvaluation.evaluate(calls.filter { $0.language == lang }, analyzer: analyzer)
            for s in report.fields { #expect(s.accuracy >= Self.bar[s.field]!, "fresh \(lang) \(s.field) \(s.correct)/\(s.total)") }
        }
    }

    // The fresh set (devset/fresh.py) was committed before the rule changes it measures; its shape only.
    @Test func freshSetIsWellFormedAndNeverTuned() throws {
        let calls = try Fixtures.fresh()
        #expect(calls.filter { $0.language == "en" }.count >= 50 && calls.filter { $0.language == "tr" }.count >= 40)
        #expect(calls.allSatisfy { $0.split == "check" })
        #expect(Set(calls.map(\.id)).count == calls.count, "call ids are unique")
        let heldoutIds = Set(try Fixtures.heldout().map(\.id) + Fixtures.dev().map(\.id))
        #expect(calls.allSatisfy { !heldoutIds.contains($0.id) })
        #expect(calls.contains { $0.utterances.first?.speaker == .customer }, "calls where the customer speaks first")
    }
}
