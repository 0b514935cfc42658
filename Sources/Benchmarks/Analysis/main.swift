// bench-analysis: accuracy per field and language on the old gold set and on both halves of the
// development set, plain VADER sentiment as the anchor, end-of-call analysis time per call, and live
// throughput (utterances/s when re-analysing after every utterance, as the pipeline does).
// Usage: bench-analysis [fixture-dir] [--misses] [--rounds N] [--voices]
// --misses lists misses of the old gold set and the tuning half only: check-half failures are never
// printed, so nobody writes rules from them.
import Analysis
import Foundation

var args = Array(CommandLine.arguments.dropFirst())
let showMisses = args.contains("--misses")
var rounds = 5
if let r = args.firstIndex(of: "--rounds"), r + 1 < args.count, let n = Int(args[r + 1]) { rounds = n; args.removeSubrange(r...(r + 1)) }
// --show ID: the full final analysis of one old-gold or tuning-half call (never a check-half call).
var showId: String? = nil
if let r = args.firstIndex(of: "--show"), r + 1 < args.count { showId = args[r + 1]; args.removeSubrange(r...(r + 1)) }
// --file PATH: the summary and final analysis of each call in a gold-format file (a light `tapedeck analyze`).
var filePath: String? = nil
if let r = args.firstIndex(of: "--file"), r + 1 < args.count { filePath = args[r + 1]; args.removeSubrange(r...(r + 1)) }
// --role-misses: stereo tuning-half calls with channels hidden, each utterance marked where the inferred role is wrong.
let showRoleMisses = args.contains("--role-misses")
// --voices: roles on mono calls from text alone and from text and voice (VoiceRoles.swift); needs espeak-ng and sox.
let showVoices = args.contains("--voices")
var wobble = 16
if let r = args.firstIndex(of: "--wobble"), r + 1 < args.count, let n = Int(args[r + 1]) { wobble = n; args.removeSubrange(r...(r + 1)) }
args.removeAll { $0.hasPrefix("--") }
let dir = URL(fileURLWithPath: args.first ?? "Tests/Fixtures/analysis")

func load(_ names: [String]) -> [GoldCall] {
    var calls: [GoldCall] = []
    for name in names {
        let url = dir.appendingPathComponent(name)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            FileHandle.standardError.write(Data("cannot read \(url.path); run from the repository root or pass the fixture directory\n".utf8)); exit(2)
        }
        do { calls += try GoldSet.parse(text) } catch { FileHandle.standardError.write(Data("\(name): \(error)\n".utf8)); exit(2) }
    }
    return calls
}
let gold = load(["gold-en.txt", "gold-tr.txt"])
let dev = load(["dev-en.txt", "dev-tr.txt"])
// Its own call skeletons and phrasing (devset/heldout.py), all `split: check`: never tuned on.
let heldout = load(["heldout-en.txt", "heldout-tr.txt"])
// A third generator (devset/fresh.py), committed before the session-6 rule changes: never tuned on.
let fresh = load(["fresh-en.txt", "fresh-tr.txt"])
let analyzer = CallAnalyzer(configuration: .default)
if let path = filePath {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { print("cannot read \(path)"); exit(2) }
    do {
        for call in try GoldSet.parse(text) {
            guard let snap = analyzer.finalAnalysis(call.utterances) else { print("\(call.id): no analysis (< 5 words)"); continue }
            print("\(call.id): \(snap.summary)\n\(snap.seedJSON())")
        }
    } catch { print("\(path): \(error)"); exit(2) }
    exit(0)
}
if let id = showId {
    guard let call = (gold + dev).first(where: { $0.id == id && $0.split != "check" }) else { print("no old-gold or tuning-half call \(id)"); exit(2) }
    for u in call.utterances { print("\(u.speaker.rawValue.prefix(1)) \(u.start)-\(u.end) | \(u.text)") }
    print(analyzer.finalAnalysis(call.utterances)?.seedJSON() ?? "no analysis (< 5 words)")
    exit(0)
}
if showRoleMisses {
    for call in dev where call.split == "tune" && !call.utterances.contains(where: { $0.speaker == .unknown }) {
        let roles = analyzer.inferredRoles(call.utterances)
        let guess = Dictionary(uniqueKeysWithValues: roles.turns.map { ($0.turn, $0) })
        guard call.utterances.contains(where: { guess[$0.index]?.role != $0.speaker }) else { continue }
        print("=== \(call.id) confidence \(roles.confidence) used \(roles.used)")
        for u in call.utterances {
            let g = guess[u.index]!
            print("\(g.role == u.speaker ? "  " : "XX") \(u.speaker.rawValue.prefix(1))→\(g.role.rawValue.prefix(1)) \(String(format: "%.2f", g.confidence)) \(u.start) | \(u.text)")
        }
    }
    exit(0)
}
if showVoices {
    runVoiceRoles(sets: [("dev tune", dev.filter { $0.split == "tune" }), ("dev check", dev.filter { $0.split == "check" }), ("held-out", heldout), ("fresh", fresh)],
                  analyzer: analyzer, wobble: wobble)
    exit(0)
}
print("analyzer \(CallAnalyzer.version), config \(AnalysisConfiguration.default.digest.prefix(16))…")
print("old gold set \(gold.count) calls; development set \(dev.count) calls (tune \(dev.filter { $0.split == "tune" }.count), check \(dev.filter { $0.split == "check" }.count)); held-out set \(heldout.count) calls; fresh set \(fresh.count) calls")

let columns = GoldSet.fields + ["VADER"]
print("\n" + "set".padding(toLength: 12, withPad: " ", startingAt: 0) + "lang calls " + columns.map { $0.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined())
var allMisses: [String] = []
for (name, calls, printMisses) in [("old gold", gold, true), ("dev tune", dev.filter { $0.split == "tune" }, true),
                                   ("dev check", dev.filter { $0.split == "check" }, false), ("held-out", heldout, false), ("fresh", fresh, false)] {
    for lang in ["en", "tr"] {
        let subset = calls.filter { $0.language == lang }
        guard !subset.isEmpty else { continue }
        let report = GoldEvaluation.evaluate(subset, analyzer: analyzer)
        var row = name.padding(toLength: 12, withPad: " ", startingAt: 0) + lang + "   " + String(format: "%4d  ", subset.count)
        for s in report.fields + [report.plainVaderSentiment] {
            row += (s.total == 0 ? "-" : String(format: "%.2f", s.accuracy)).padding(toLength: 10, withPad: " ", startingAt: 0)
        }
        print(row)
        if printMisses { allMisses += report.misses.map { "\(name): \($0)" } }
    }
}
if showMisses { for m in allMisses { print("  miss: \(m)") } }

// Speaker roles from text (what mono calls get), scored on stereo calls with their channels hidden.
print("\nroles from text (stereo calls, channels hidden): utterance accuracy, calls confident enough to use, accuracy on those")
for (name, calls) in [("old gold", gold), ("dev tune", dev.filter { $0.split == "tune" }), ("dev check", dev.filter { $0.split == "check" }), ("held-out", heldout), ("fresh", fresh)] {
    for lang in ["en", "tr"] {
        let stereo = calls.filter { $0.language == lang && !$0.utterances.contains { $0.speaker == .unknown } }
        guard !stereo.isEmpty else { continue }
        var right = 0, total = 0, used = 0, usedRight = 0, usedTotal = 0
        for call in stereo {
            let roles = analyzer.inferredRoles(call.utterances)
            let truth = Dictionary(uniqueKeysWithValues: call.utterances.map { ($0.index, $0.speaker) })
            let r = roles.turns.filter { truth[$0.turn] == $0.role }.count
            right += r; total += roles.turns.count
            if roles.used { used += 1; usedRight += r; usedTotal += roles.turns.count }
        }
        print(name.padding(toLength: 12, withPad: " ", startingAt: 0) + lang + String(format: "   %4d  %.2f  used %.2f  %.2f", stereo.count,
              Double(right) / Double(max(total, 1)), Double(used) / Double(stereo.count), Double(usedRight) / Double(max(usedTotal, 1))))
    }
}

let clock = ContinuousClock()
func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
let everything = gold + dev + heldout + fresh
// End-of-call analysis, the one the server writes into the CSV.
let finalElapsed = clock.measure { for _ in 0..<rounds { for call in everything { _ = analyzer.finalAnalysis(call.utterances) } } }
let perCall = seconds(finalElapsed) / Double(rounds * everything.count)
let meanUtterances = Double(everything.map(\.utterances.count).reduce(0, +)) / Double(everything.count)
print(String(format: "\nfinal analysis: %.3f ms per call (mean %.1f utterances, %d calls × %d rounds)", perCall * 1000, meanUtterances, everything.count, rounds))

// Throughput: incremental live updates over every call.
let allUtterances = everything.map(\.utterances.count).reduce(0, +)
let elapsed = clock.measure {
    for _ in 0..<rounds {
        for call in everything {
            var state = AnalysisState()
            for k in call.utterances.indices { _ = analyzer.update(&state, transcript: Array(call.utterances[0...k])) }
        }
    }
}
print(String(format: "live throughput: %.0f utterances/s (%d utterances × %d rounds, incremental update after each)",
             Double(allUtterances * rounds) / seconds(elapsed), allUtterances, rounds))
// A long call: 200 utterances, the cost of the last update dominates.
var long: [TranscriptUtterance] = []
for i in 0..<200 {
    let source = everything[i % everything.count].utterances[1]
    let speaker: SpeakerRole = i % 2 == 0 ? .agent : .customer
    let start = Double(i) * 5
    long.append(TranscriptUtterance(index: i, speaker: speaker, language: source.language, start: start, end: start + 4, text: source.text))
}
var state = AnalysisState()
let longElapsed = clock.measure { for k in long.indices { _ = analyzer.update(&state, transcript: Array(long[0...k])) } }
print(String(format: "200-utterance call: %.1f ms total, %.2f ms per update on average", seconds(longElapsed) * 1000, seconds(longElapsed) * 1000 / 200))
