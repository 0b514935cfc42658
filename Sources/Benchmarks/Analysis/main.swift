// bench-analysis: accuracy per field on the gold set, our sentiment vs plain VADER, and live
// throughput (utterances/s when re-analysing after every utterance, as the pipeline does).
// Usage: bench-analysis [fixture-dir] [--misses] [--rounds N]
import Analysis
import Foundation

var args = Array(CommandLine.arguments.dropFirst())
let showMisses = args.contains("--misses")
var rounds = 20
if let r = args.firstIndex(of: "--rounds"), r + 1 < args.count, let n = Int(args[r + 1]) { rounds = n; args.removeSubrange(r...(r + 1)) }
args.removeAll { $0.hasPrefix("--") }
let dir = URL(fileURLWithPath: args.first ?? "Tests/Fixtures/analysis")

var calls: [GoldCall] = []
for name in ["gold-en.txt", "gold-tr.txt"] {
    let url = dir.appendingPathComponent(name)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        FileHandle.standardError.write(Data("cannot read \(url.path); run from the repository root or pass the fixture directory\n".utf8)); exit(2)
    }
    do { calls += try GoldSet.parse(text) } catch { FileHandle.standardError.write(Data("\(name): \(error)\n".utf8)); exit(2) }
}
let analyzer = CallAnalyzer(configuration: .default)
let report = GoldEvaluation.evaluate(calls, analyzer: analyzer)
print("analyzer \(CallAnalyzer.version), config \(AnalysisConfiguration.default.digest.prefix(16))…")
print("gold set: \(calls.count) calls (\(calls.filter { $0.language == "tr" }.count) Turkish)")
for s in report.fields {
    print(String(format: "  %-26@ %3d/%-3d  %.3f", s.field as NSString, s.correct, s.total, s.accuracy))
}
let v = report.plainVaderSentiment
print(String(format: "  %-26@ %3d/%-3d  %.3f", v.field as NSString, v.correct, v.total, v.accuracy))
if showMisses { for m in report.misses { print("  miss: \(m)") } }

// Throughput: incremental live updates over every call, `rounds` times.
let allUtterances = calls.map(\.utterances.count).reduce(0, +)
let clock = ContinuousClock()
let elapsed = clock.measure {
    for _ in 0..<rounds {
        for call in calls {
            var state = AnalysisState()
            for k in call.utterances.indices { _ = analyzer.update(&state, transcript: Array(call.utterances[0...k])) }
        }
    }
}
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(String(format: "live throughput: %.0f utterances/s (%d utterances × %d rounds, incremental update after each)",
             Double(allUtterances * rounds) / seconds, allUtterances, rounds))
// A long call: 200 utterances, the cost of the last update dominates.
var long: [TranscriptUtterance] = []
for i in 0..<200 {
    let source = calls[i % calls.count].utterances[0]
    let speaker: SpeakerRole = i % 2 == 0 ? .agent : .customer
    let start = Double(i) * 5
    long.append(TranscriptUtterance(index: i, speaker: speaker, language: source.language, start: start, end: start + 4, text: source.text))
}
var state = AnalysisState()
let longElapsed = clock.measure { for k in long.indices { _ = analyzer.update(&state, transcript: Array(long[0...k])) } }
let ls = Double(longElapsed.components.seconds) + Double(longElapsed.components.attoseconds) / 1e18
print(String(format: "200-utterance call: %.1f ms total, %.2f ms per update on average", ls * 1000, ls * 1000 / 200))
