import Foundation
import Testing
@testable import Analysis

// Golden files: Tests/Fixtures/analysis/golden/<call id>.json is the final analysis (seedJSON) of each
// gold call, byte-compared. Regenerate after a deliberate change with:
//   TAPEDECK_UPDATE_GOLDEN=1 swift test -c release -Xswiftc -enable-testing --filter AnalysisTests.GoldenJSONTests
@Suite struct GoldenJSONTests {
    static let update = ProcessInfo.processInfo.environment["TAPEDECK_UPDATE_GOLDEN"] == "1"

    @Test func finalAnalysesMatchGoldenFiles() throws {
        let dir = Fixtures.dir.appendingPathComponent("golden")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for call in try Fixtures.gold() {
            guard let json = analyzer.finalAnalysis(call.utterances)?.seedJSON() else { continue }
            let url = dir.appendingPathComponent("\(call.id).json")
            if Self.update { try (json + "\n").write(to: url, atomically: true, encoding: .utf8); continue }
            let stored = try? String(contentsOf: url, encoding: .utf8)
            #expect(stored == json + "\n", "golden mismatch for \(call.id); rerun with TAPEDECK_UPDATE_GOLDEN=1 if intended")
        }
    }

    @Test func twoRunsAreByteIdentical() throws {
        let calls = try Fixtures.gold()
        func run() -> [String] {
            let a = CallAnalyzer(configuration: .default)
            return calls.flatMap { call -> [String] in
                var state = AnalysisState()
                var out = call.utterances.indices.compactMap { k in a.update(&state, transcript: Array(call.utterances[0...k]))?.seedJSON() }
                out.append(a.finalAnalysis(call.utterances)?.seedJSON() ?? "nil")
                return out
            }
        }
        #expect(run() == run())
    }

    @Test func seedJSONHasTheSeedKeysAndFlatValues() throws {
        let snap = analyzer.finalAnalysis(try Fixtures.gold()[0].utterances)!
        let obj = try JSONSerialization.jsonObject(with: Data(snap.seedJSON().utf8)) as! [String: Any]
        #expect(Set(obj.keys) == ["summary", "sentiment", "emotion", "agent_score", "process_issues", "repeated_problems", "marketing_mentions", "detail"])
        #expect(obj["agent_score"] is Int)
        for k in ["summary", "sentiment", "emotion", "process_issues", "repeated_problems", "marketing_mentions"] { #expect(obj[k] is String) }
    }
}

// Bench and live score the same object: the pipeline's reducer calls `finalAnalysis` on the transcript it
// built in result-arrival order (channels interleaved), the bench calls it on the gold file's order. Both
// must give the same bytes, and what the bench scores must be exactly that analysis.
@Suite struct BenchLiveAgreementTests {
    @Test func finalAnalysisDoesNotDependOnArrivalOrder() throws {
        for call in try Fixtures.gold() + Fixtures.heldout().prefix(40) {
            // Arrival order on a stereo call: by end time (a result comes back when its utterance ends), a fixed reshuffle otherwise.
            let arrival = call.utterances.sorted { ($0.end, $0.index) < ($1.end, $1.index) }
            let reversed = Array(call.utterances.reversed())
            let reference = analyzer.finalAnalysis(call.utterances)?.seedJSON()
            #expect(analyzer.finalAnalysis(arrival)?.seedJSON() == reference, "\(call.id): arrival order changes the analysis")
            #expect(analyzer.finalAnalysis(reversed)?.seedJSON() == reference, "\(call.id): input order changes the analysis")
        }
    }

    @Test func theBenchScoresTheFinalAnalysisTheServerWrites() throws {
        let calls = try Fixtures.heldout()
        let report = GoldEvaluation.evaluate(calls, analyzer: analyzer)
        for call in calls {
            let written = try #require(analyzer.finalAnalysis(call.utterances))
            #expect(report.snapshots[call.id] == written)
            // unresolved_end is in the written analysis exactly when its status is unresolved; the bench scores it via status.
            let flagged = written.detail.processIssues.contains { $0.type == "unresolved_end" }
            #expect(flagged == (written.detail.summary.status == "unresolved"), "\(call.id)")
            #expect(GoldEvaluation.observed("status", written) == written.detail.summary.status)
        }
    }
}
