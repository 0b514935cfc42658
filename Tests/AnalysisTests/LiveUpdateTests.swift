import Testing
@testable import Analysis

@Suite struct LiveUpdateTests {
    @Test func nothingBeforeFiveWords() {
        var state = AnalysisState()
        let four = transcript("en", [("A", 0, 1, "Hello there"), ("C", 1, 2, "hi again")])
        #expect(analyzer.update(&state, transcript: four) == nil)
        #expect(analyzer.finalAnalysis(four) == nil)
        let five = transcript("en", [("A", 0, 1, "Hello there"), ("C", 1, 2, "hi again friend")])
        #expect(analyzer.update(&state, transcript: five) != nil)
    }

    @Test func hysteresisNeedsAgreementOrMargin() {
        var cur: String? = nil, pending: String? = nil, count = 0
        #expect(CallAnalyzer.settle("neutral", decisive: false, current: &cur, pending: &pending, count: &count, needed: 2) == "neutral")
        #expect(CallAnalyzer.settle("negative", decisive: false, current: &cur, pending: &pending, count: &count, needed: 2) == "neutral")
        #expect(CallAnalyzer.settle("neutral", decisive: false, current: &cur, pending: &pending, count: &count, needed: 2) == "neutral")
        #expect(CallAnalyzer.settle("negative", decisive: false, current: &cur, pending: &pending, count: &count, needed: 2) == "neutral")
        #expect(CallAnalyzer.settle("negative", decisive: false, current: &cur, pending: &pending, count: &count, needed: 2) == "negative")
        #expect(CallAnalyzer.settle("positive", decisive: true, current: &cur, pending: &pending, count: &count, needed: 2) == "positive")
    }

    @Test func liveLabelsFlickerNoMoreThanRawLabels() throws {
        var rawFlips = 0, liveFlips = 0
        for call in try Fixtures.gold() {
            var state = AnalysisState()
            var lastRaw: String?, lastLive: String?
            for k in call.utterances.indices {
                guard let s = analyzer.update(&state, transcript: Array(call.utterances[0...k])) else { continue }
                if let r = lastRaw, r != s.detail.sentiment.rawLabel { rawFlips += 1 }
                if let l = lastLive, l != s.sentiment { liveFlips += 1 }
                lastRaw = s.detail.sentiment.rawLabel; lastLive = s.sentiment
            }
        }
        #expect(liveFlips <= rawFlips)
    }

    @Test func incrementalCacheGivesTheSameAnswerAsAFreshRun() throws {
        for call in try Fixtures.gold().prefix(10) {
            var warm = AnalysisState()
            var last: AnalysisSnapshot?
            for k in call.utterances.indices { last = analyzer.update(&warm, transcript: Array(call.utterances[0...k])) }
            var cold = AnalysisState()
            // A fresh state sees the whole transcript at once; the structured detail must agree.
            let fresh = analyzer.update(&cold, transcript: call.utterances)
            #expect(last?.detail.processIssues == fresh?.detail.processIssues)
            #expect(last?.detail.sentiment.turns == fresh?.detail.sentiment.turns)
            #expect(last?.detail.marketingMentions == fresh?.detail.marketingMentions)
        }
    }
}
