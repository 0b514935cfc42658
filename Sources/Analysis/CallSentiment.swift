// Call-level sentiment: per-turn labels, per-speaker quarters (LCA shape), Genesys-style
// position-weighted customer score, and trend.
import Foundation

enum CallSentiment {
    static func turnLabel(_ s: UtteranceSentiment, _ t: AnalysisThresholds) -> String {
        let total = s.positiveMass + s.negativeMass
        if s.positiveMass >= 1 && s.negativeMass >= 1 && min(s.positiveMass, s.negativeMass) / total >= 0.3 { return "mixed" }
        if s.compound >= t.turnPositive { return "positive" }
        if s.compound <= t.turnNegative { return "negative" }
        return "neutral"
    }

    /// Turns that speak for the customer: customer turns, or every turn when the call is mono (no roles).
    /// On mono calls, turns that read as the agent's (CallContext.agentLike) are left out, unless that leaves nothing.
    static func customerTurns(_ f: [UtteranceFeatures]) -> [UtteranceFeatures] {
        let c = f.filter { $0.utterance.speaker == .customer }
        guard c.isEmpty else { return c }
        let unknown = f.filter { $0.utterance.speaker == .unknown }
        let firstIndex = unknown.first?.utterance.index
        let customerLike = unknown.filter { !CallContext.agentLike($0, first: $0.utterance.index == firstIndex) }
        return customerLike.isEmpty ? unknown : customerLike
    }

    /// 100·tanh(0.75·Σ valence·relpos) from Genesys, kept on [-1, 1].
    static func positionWeighted(_ turns: [UtteranceFeatures]) -> Double {
        guard !turns.isEmpty else { return 0 }
        var s = 0.0
        for (k, f) in turns.enumerated() {
            s += max(-1, min(1, f.sentiment.compound)) * Double(k + 1) / Double(turns.count)
        }
        return round3(tanh(0.75 * s))
    }

    static func quarters(_ turns: [UtteranceFeatures], callStart: Double, callEnd: Double) -> [Double] {
        var sums = [Double](repeating: 0, count: 4), counts = [Int](repeating: 0, count: 4)
        let span = max(callEnd - callStart, 0.001)
        for f in turns {
            let q = min(3, max(0, Int((f.utterance.end - callStart) / span * 4)))
            sums[q] += f.sentiment.compound * 5; counts[q] += 1
        }
        return (0..<4).map { counts[$0] == 0 ? 0 : round3(sums[$0] / Double(counts[$0])) }
    }

    static func trend(_ q: [Double], turns: [UtteranceFeatures], callStart: Double, callEnd: Double) -> String {
        let nonEmpty = (0..<4).filter { quarterHasTurns($0, turns, callStart, callEnd) }
        guard let last = nonEmpty.last, nonEmpty.count >= 2 else { return "flat" }
        let earlier = nonEmpty.dropLast().map { q[$0] }
        let delta = q[last] - earlier.reduce(0, +) / Double(earlier.count)
        return delta > 0.5 ? "up" : (delta < -0.5 ? "down" : "flat")
    }

    private static func quarterHasTurns(_ k: Int, _ turns: [UtteranceFeatures], _ s: Double, _ e: Double) -> Bool {
        let span = max(e - s, 0.001)
        return turns.contains { min(3, max(0, Int(($0.utterance.end - s) / span * 4))) == k }
    }

    /// A customer turn this positive is praise ("brilliant, thank you so much"), more than courtesy ("okay, thanks").
    static let praise = 0.6

    static func callLabel(_ score: Double, _ t: AnalysisThresholds) -> String {
        score >= t.callPositive ? "positive" : (score <= t.callNegative ? "negative" : "neutral")
    }
}
