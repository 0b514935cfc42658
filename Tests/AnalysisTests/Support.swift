import Foundation
@testable import Analysis

enum Fixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/analysis")

    /// The generated development set (both halves); `split` says which half a call is in.
    static func dev() throws -> [GoldCall] {
        var calls: [GoldCall] = []
        for name in ["dev-en.txt", "dev-tr.txt"] {
            calls += try GoldSet.parse(String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8))
        }
        return calls
    }

    /// The held-out set (devset/heldout.py), every call `split: check`.
    static func heldout() throws -> [GoldCall] {
        var calls: [GoldCall] = []
        for name in ["heldout-en.txt", "heldout-tr.txt"] {
            calls += try GoldSet.parse(String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8))
        }
        return calls
    }

    /// The fresh check set (devset/fresh.py, session 6), every call `split: check`; never tuned on.
    static func fresh() throws -> [GoldCall] {
        var calls: [GoldCall] = []
        for name in ["fresh-en.txt", "fresh-tr.txt"] {
            calls += try GoldSet.parse(String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8))
        }
        return calls
    }

    static func gold() throws -> [GoldCall] {
        var calls: [GoldCall] = []
        for name in ["gold-en.txt", "gold-tr.txt"] {
            calls += try GoldSet.parse(String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8))
        }
        return calls
    }
}

/// Builds a transcript from (role letter, start, end, text) tuples.
func transcript(_ lang: String, _ rows: [(String, Double, Double, String)]) -> [TranscriptUtterance] {
    rows.enumerated().map { k, r in
        TranscriptUtterance(index: k, speaker: r.0 == "A" ? .agent : (r.0 == "C" ? .customer : .unknown),
                            language: lang, start: r.1, end: r.2, text: r.3)
    }
}

func turnScore(_ text: String, _ lang: String) -> Double {
    SentimentScorer.score(Tokenizer.tokenize(text, language: lang), language: lang).compound
}

let analyzer = CallAnalyzer(configuration: .default)
