// Entry point: transcript so far → analysis snapshot. Pure: no I/O, no clock, no randomness.
import Foundation

public struct CallAnalyzer: Sendable {
    public static let version = "analysis-2.4.0"
    public let configuration: AnalysisConfiguration
    let dictionary: [CompiledEntry]
    let digest: String

    public init(configuration: AnalysisConfiguration) {
        self.configuration = configuration
        self.dictionary = MentionMatcher.compile(configuration.marketing)
        self.digest = configuration.digest
    }
}

/// Hysteresis memory and the per-utterance feature cache. Part of the reducer state, so replay is exact.
public struct AnalysisState: Equatable, Sendable {
    var sentimentLabel: String?
    var sentimentPending: String?
    var sentimentPendingCount = 0
    var emotionLabel: String?
    var emotionPending: String?
    var emotionPendingCount = 0
    var cache: [UtteranceFeatures] = []
    var cacheDigest = ""  // features depend on the marketing dictionary; a new config drops the cache
    public init() {}
}

extension CallAnalyzer {
    /// Live analysis; nil while fewer than `minWords` words were spoken. Labels change only when the
    /// new label wins by a margin or holds for `hysteresisUpdates` consecutive updates.
    public func update(_ state: inout AnalysisState, transcript: [TranscriptUtterance]) -> AnalysisSnapshot? {
        if state.cacheDigest != digest { state.cache = []; state.cacheDigest = digest }
        let features = features(transcript, cache: &state.cache)
        guard var snap = analyze(features, final: false) else { return nil }
        let t = configuration.thresholds
        let raw = snap.detail.sentiment.rawLabel
        let score = snap.detail.sentiment.customerScore
        let decisive = raw == "positive" ? score >= t.callPositive + t.hysteresisMargin
            : raw == "negative" ? score <= t.callNegative - t.hysteresisMargin
            : abs(score) <= max(0, min(t.callPositive, -t.callNegative) - t.hysteresisMargin)
        snap.detail.sentiment.label = Self.settle(raw, decisive: decisive, current: &state.sentimentLabel,
                                                  pending: &state.sentimentPending, count: &state.sentimentPendingCount, needed: t.hysteresisUpdates)
        let rawEmotion = snap.detail.emotion.rawLabel
        snap.detail.emotion.label = Self.settle(rawEmotion, decisive: rawEmotion == "angry", current: &state.emotionLabel,
                                                pending: &state.emotionPending, count: &state.emotionPendingCount, needed: t.hysteresisUpdates)
        snap.sentiment = snap.detail.sentiment.label
        snap.emotion = snap.detail.emotion.label
        return snap
    }

    /// End-of-call analysis: no hysteresis, and end-of-call checks (unresolved end, closing) apply.
    public func finalAnalysis(_ transcript: [TranscriptUtterance]) -> AnalysisSnapshot? {
        var cache: [UtteranceFeatures] = []
        return analyze(features(transcript, cache: &cache), final: true)
    }

    /// Speaker roles read from the words and turn order alone (what a mono call gets), whatever the speakers say.
    public func inferredRoles(_ transcript: [TranscriptUtterance]) -> RoleDetail {
        var cache: [UtteranceFeatures] = []
        let hidden = transcript.map { u -> TranscriptUtterance in var v = u; v.speaker = .unknown; return v }
        return SpeakerRoles.infer(features(hidden, cache: &cache))
    }

    static func settle(_ raw: String, decisive: Bool, current: inout String?, pending: inout String?, count: inout Int, needed: Int) -> String {
        guard let cur = current else { current = raw; pending = nil; count = 0; return raw }
        if raw == cur { pending = nil; count = 0; return cur }
        if pending == raw { count += 1 } else { pending = raw; count = 1 }
        if decisive || count >= needed { current = raw; pending = nil; count = 0 }
        return current!
    }

    func features(_ transcript: [TranscriptUtterance], cache: inout [UtteranceFeatures]) -> [UtteranceFeatures] {
        let ordered = transcript.sorted { ($0.start, $0.index) < ($1.start, $1.index) }
        var byKey: [Int: UtteranceFeatures] = [:]
        for c in cache { byKey[c.utterance.index] = c }
        // Stemmers are only needed for new utterances; libstemmer handles are cheap but not free.
        var stemmersStore: Stemmers? = nil
        let out = ordered.map { u -> UtteranceFeatures in
            if let c = byKey[u.index], c.utterance == u { return c }
            if stemmersStore == nil { stemmersStore = Stemmers() }
            let stemmers = stemmersStore!
            return FeatureExtractor.extract(u, stemmers: stemmers, dictionary: dictionary)
        }
        cache = out
        return out
    }

    func analyze(_ cached: [UtteranceFeatures], final: Bool) -> AnalysisSnapshot? {
        let t = configuration.thresholds
        let f = CallContext.adjusted(cached)
        let words = f.map(\.tokenized.wordCount).reduce(0, +)
        guard words >= t.minWords else { return nil }
        let language = Self.callLanguage(f)
        // Mono calls: roles inferred from the words and turn order. When confident, customer sentiment, emotion, the
        // rubric, the issues, the status and the summary read them: who promised a callback, who refused a supervisor,
        // whose "thank you, that's sorted" closed the call. Below the confidence bar every turn counts for either side.
        let mono = cached.allSatisfy { $0.utterance.speaker == .unknown }
        let roles = mono ? SpeakerRoles.infer(cached) : RoleDetail(source: "channels", confidence: 1, used: true, turns: [])
        let fr = mono && roles.used ? CallContext.adjusted(SpeakerRoles.apply(roles, to: cached)) : f

        let turns = fr.map { TurnSentiment(index: $0.utterance.index, speaker: $0.utterance.speaker, compound: $0.sentiment.compound,
                                          label: CallSentiment.turnLabel($0.sentiment, t)) }
        let callStart = f.map(\.utterance.start).min() ?? 0, callEnd = f.map(\.utterance.end).max() ?? 0
        let customer = CallSentiment.customerTurns(fr)
        let agent = fr.filter { $0.utterance.speaker == .agent }
        let cq = CallSentiment.quarters(customer, callStart: callStart, callEnd: callEnd)
        let aq = CallSentiment.quarters(agent, callStart: callStart, callEnd: callEnd)
        let customerScore = CallSentiment.positionWeighted(customer)
        var label = CallSentiment.callLabel(customerScore, t)
        // An answered enquiry closed with "okay, good to know" or a polite thanks is courtesy, not satisfaction: positive
        // needs praise beyond that (a customer turn at or above `CallSentiment.praise`).
        if label == "positive" && Summaries.enquiryAnswered(fr, customer: customer)
            && !customer.contains(where: { $0.sentiment.compound >= CallSentiment.praise }) { label = "neutral" }

        let mentions = fr.flatMap(\.mentions)
        let clusters = RepeatedProblems.clusters(f)
        // Status needs the issues and unresolved_end needs the status: detect, derive status, re-detect with it.
        let (firstIssues, _) = ProcessIssueDetectors.detect(fr, mentions: mentions, final: false, status: "", customerQuarters: cq, t: t, rolesFromText: mono)
        let status = Summaries.status(fr, issues: firstIssues, final: final)
        let (issues, timing) = ProcessIssueDetectors.detect(fr, mentions: mentions, final: final, status: status, customerQuarters: cq, t: t, rolesFromText: mono)
        let types = Set(issues.map(\.type))
        let (emotion, evidence) = EmotionRules.classify(customer, escalated: types.contains("escalation_request"), repeatedOpen: !clusters.isEmpty)
        let rubric = AgentRubric.evaluate(fr, config: configuration, final: final,
                                          transferred: types.contains("transfer") || types.contains("multiple_transfers"),
                                          timing: timing, customerQuarters: cq, enquiry: Summaries.enquiryAnswered(fr, customer: customer))
        let summary = CallSummary.build(fr, status: status, issues: issues, mentions: mentions)

        let agentTalk = agent.map { $0.utterance.end - $0.utterance.start }.reduce(0, +)
        let customerTalk = fr.filter { $0.utterance.speaker == .customer }.map { $0.utterance.end - $0.utterance.start }.reduce(0, +)
        let detail = AnalysisDetail(
            analyzerVersion: Self.version, configDigest: digest, language: language, words: words, final: final,
            summary: summary,
            sentiment: SentimentDetail(label: label, rawLabel: label, customerScore: customerScore,
                                       agentScore: CallSentiment.positionWeighted(agent), turns: turns,
                                       customerQuarters: cq, agentQuarters: aq,
                                       trend: CallSentiment.trend(cq, turns: customer, callStart: callStart, callEnd: callEnd)),
            emotion: EmotionDetail(label: emotion, rawLabel: emotion, evidence: evidence, source: "text"),
            agentScore: rubric, processIssues: issues, repeatedProblems: clusters, marketingMentions: mentions, roles: roles,
            conversation: ConversationStats(durationMs: ProcessIssueDetectors.ms(callEnd - callStart),
                                            agentTalkMs: ProcessIssueDetectors.ms(agentTalk), customerTalkMs: ProcessIssueDetectors.ms(customerTalk),
                                            nonTalkMs: timing.nonTalkMs, interruptions: timing.interruptions,
                                            agentInterruptions: timing.agentInterruptions))
        return AnalysisSnapshot(summary: CallSummary.render(summary, language: language), sentiment: label, emotion: emotion,
                                agentScoreIfKnown: rubric.score, processIssues: Self.flatIssues(issues),
                                repeatedProblems: Self.flatClusters(clusters), marketingMentions: Self.flatMentions(mentions),
                                detail: detail)
    }

    /// Majority of words; ties go to the first utterance's language.
    static func callLanguage(_ f: [UtteranceFeatures]) -> String {
        let tr = f.filter { $0.utterance.language == "tr" }.map(\.tokenized.wordCount).reduce(0, +)
        let en = f.filter { $0.utterance.language != "tr" }.map(\.tokenized.wordCount).reduce(0, +)
        if tr == en { return f.first?.utterance.language == "tr" ? "tr" : "en" }
        return tr > en ? "tr" : "en"
    }

    static func flatIssues(_ issues: [ProcessIssue]) -> String {
        guard !issues.isEmpty else { return "none" }
        var seen: [String] = []
        for i in issues where !seen.contains(i.type) { seen.append(i.type) }
        return seen.joined(separator: ", ")
    }

    static func flatClusters(_ c: [ProblemCluster]) -> String {
        guard !c.isEmpty else { return "none" }
        return c.map { "\($0.concept ?? "complaint") x\($0.count)\($0.crossCall ? " (repeat call)" : ""): \(Summaries.clip($0.canonicalText, 60))" }
            .joined(separator: "; ")
    }

    static func flatMentions(_ m: [MarketingMention]) -> String {
        guard !m.isEmpty else { return "none" }
        var order: [String] = []
        var counts: [String: Int] = [:]
        for x in m {
            let key = "\(x.canonical) (\(x.type))"
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
        }
        return order.map { "\($0) x\(counts[$0]!)" }.joined(separator: "; ")
    }
}
