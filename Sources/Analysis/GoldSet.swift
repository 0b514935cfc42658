// Gold-set format and scoring, shared by the tests and `bench-analysis`. Parsing is pure (text in).
//
//   === <id>
//   lang: en|tr
//   sentiment: positive|neutral|negative      (any expectation line may be omitted)
//   emotion: calm|satisfied|frustrated|angry|anxious|confused|disappointed
//   issues: type, type | none                  (exact set of process-issue types, final analysis)
//   repeated: <number of clusters>
//   mentions: id, id | none                    (exact set of dictionary ids)
//   agent: <min>-<max> | unknown                (unknown: no agent turns to judge, e.g. mono)
//   split: tune|check                          (development set half; not an expectation)
//   status: resolved|unresolved|transferred|escalated
//   A|C|U <start> <end> | text                 (agent, customer, unknown speaker)
import Foundation

public struct GoldCall: Sendable, Equatable {
    public var id: String
    public var language: String
    public var expect: [String: String]
    public var utterances: [TranscriptUtterance]
    /// "tune" or "check" in the development set; empty for sets without a split.
    public var split: String = ""
}

public enum GoldSetError: Error, CustomStringConvertible, Equatable {
    case badLine(line: Int, text: String, reason: String)
    public var description: String {
        switch self { case .badLine(let l, let t, let r): return "gold set line \(l): \(r): \(t)" }
    }
}

public enum GoldSet {
    public static let fields = ["sentiment", "emotion", "issues", "repeated", "mentions", "agent", "status"]

    public static func parse(_ text: String) throws -> [GoldCall] {
        var calls: [GoldCall] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("=== ") {
                calls.append(GoldCall(id: String(line.dropFirst(4)), language: "en", expect: [:], utterances: [])); continue
            }
            guard !calls.isEmpty else { throw GoldSetError.badLine(line: n + 1, text: line, reason: "content before the first === header") }
            if let bar = line.firstIndex(of: "|"), let role = line.first, "ACU".contains(role), line.dropFirst().first == " " {
                let head = line[..<bar].split(separator: " ")
                guard head.count == 3, let s = Double(head[1]), let e = Double(head[2]), e >= s else {
                    throw GoldSetError.badLine(line: n + 1, text: line, reason: "expected `A|C|U start end | text`")
                }
                let speaker: SpeakerRole = role == "A" ? .agent : (role == "C" ? .customer : .unknown)
                let idx = calls[calls.count - 1].utterances.count
                calls[calls.count - 1].utterances.append(TranscriptUtterance(index: idx, speaker: speaker, language: calls[calls.count - 1].language,
                    start: s, end: e, text: line[line.index(after: bar)...].trimmingCharacters(in: .whitespaces)))
            } else if let colon = line.firstIndex(of: ":") {
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if key == "lang" { calls[calls.count - 1].language = value }
                else if key == "split" {
                    guard value == "tune" || value == "check" else { throw GoldSetError.badLine(line: n + 1, text: line, reason: "split must be tune or check") }
                    calls[calls.count - 1].split = value
                }
                else if fields.contains(key) { calls[calls.count - 1].expect[key] = value }
                else { throw GoldSetError.badLine(line: n + 1, text: line, reason: "unknown key \(key)") }
            } else {
                throw GoldSetError.badLine(line: n + 1, text: line, reason: "not a header, expectation or utterance")
            }
        }
        return calls
    }
}

public struct FieldScore: Sendable, Equatable {
    public var field: String
    public var correct: Int
    public var total: Int
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
}

public struct GoldReport: Sendable {
    public var fields: [FieldScore]
    public var plainVaderSentiment: FieldScore
    /// "<call id> <field>: expected X, got Y", in gold-set order.
    public var misses: [String]
    public var snapshots: [String: AnalysisSnapshot]
    public func score(_ field: String) -> FieldScore? { fields.first { $0.field == field } }
}

public enum GoldEvaluation {
    static func set(_ s: String) -> [String] {
        s == "none" || s.isEmpty ? [] : s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.sorted()
    }

    /// What the analyzer produced for one field, in the gold-set notation.
    public static func observed(_ field: String, _ snap: AnalysisSnapshot) -> String {
        switch field {
        case "sentiment": return snap.sentiment
        case "emotion": return snap.emotion
        // unresolved_end is scored through `status`, so gold issue sets leave it out.
        case "issues": let t = Set(snap.detail.processIssues.map(\.type)).subtracting(["unresolved_end"]).sorted(); return t.isEmpty ? "none" : t.joined(separator: ", ")
        case "repeated": return String(snap.detail.repeatedProblems.count)
        case "mentions": let t = Set(snap.detail.marketingMentions.map(\.id)).sorted(); return t.isEmpty ? "none" : t.joined(separator: ", ")
        case "agent": return snap.agentScoreIfKnown.map(String.init) ?? "unknown"
        case "status": return snap.detail.summary.status
        default: return ""
        }
    }

    static func matches(_ field: String, expected: String, observed: String) -> Bool {
        switch field {
        case "issues", "mentions": return set(expected) == set(observed)
        case "agent":
            if expected == "unknown" || observed == "unknown" { return expected == observed }
            let r = expected.split(separator: "-").compactMap { Int($0) }
            guard let v = Int(observed), let lo = r.first else { return false }
            return v >= lo && v <= (r.last ?? lo)
        default: return expected == observed
        }
    }

    public static func evaluate(_ calls: [GoldCall], analyzer: CallAnalyzer) -> GoldReport {
        var scores = GoldSet.fields.map { FieldScore(field: $0, correct: 0, total: 0) }
        var vader = FieldScore(field: "sentiment (plain VADER)", correct: 0, total: 0)
        var misses: [String] = []
        var snaps: [String: AnalysisSnapshot] = [:]
        for call in calls {
            guard let snap = analyzer.finalAnalysis(call.utterances) else { misses.append("\(call.id): no analysis (< 5 words)"); continue }
            snaps[call.id] = snap
            for k in scores.indices {
                guard let exp = call.expect[scores[k].field] else { continue }
                let obs = observed(scores[k].field, snap)
                scores[k].total += 1
                if matches(scores[k].field, expected: exp, observed: obs) { scores[k].correct += 1 }
                else { misses.append("\(call.id) \(scores[k].field): expected \(exp), got \(obs)") }
            }
            if let exp = call.expect["sentiment"] {
                vader.total += 1
                if plainVaderLabel(call.utterances, analyzer.configuration.thresholds) == exp { vader.correct += 1 }
            }
        }
        return GoldReport(fields: scores, plainVaderSentiment: vader, misses: misses, snapshots: snaps)
    }

    /// Baseline: VADER lexicon and rules only (no overlay, no Turkish), same call aggregation.
    public static func plainVaderLabel(_ transcript: [TranscriptUtterance], _ t: AnalysisThresholds) -> String {
        let stemmers = Stemmers()
        var f = transcript.map { FeatureExtractor.extract($0, stemmers: stemmers, dictionary: []) }
        for k in f.indices { f[k].sentiment = SentimentScorer.score(f[k].tokenized, language: f[k].utterance.language, mode: .plainVader) }
        return CallSentiment.callLabel(CallSentiment.positionWeighted(CallSentiment.customerTurns(f)), t)
    }
}
