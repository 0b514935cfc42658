// Public value types of the Analysis module: what goes in (utterances) and what comes out (snapshot).
import Foundation

public enum SpeakerRole: String, Codable, Sendable { case customer, agent, unknown }

public struct TranscriptUtterance: Codable, Equatable, Sendable {
    public var index: Int
    public var speaker: SpeakerRole
    public var language: String  // "en" | "tr"
    public var start: Double     // seconds of call audio time
    public var end: Double
    public var text: String
    /// Median voice pitch of the utterance, Hz, when the audio measured one reliably (mono calls, where it helps tell
    /// the two speakers apart); nil for stereo calls, transcripts without audio, and utterances too short or unvoiced.
    public var pitch: Double?
    public init(index: Int, speaker: SpeakerRole, language: String, start: Double, end: Double, text: String, pitch: Double? = nil) {
        self.index = index; self.speaker = speaker; self.language = language
        self.start = start; self.end = end; self.text = text; self.pitch = pitch
    }
}

/// One analysis object. The flat fields are what the seed protocol and the CSV show; `detail` holds the structure.
public struct AnalysisSnapshot: Codable, Equatable, Sendable {
    public var summary: String
    public var sentiment: String
    public var emotion: String
    /// 1–5, or nil when there is nothing to judge the agent on (no agent turns: mono calls, roles unknown).
    public var agentScoreIfKnown: Int?
    public var processIssues: String
    public var repeatedProblems: String
    public var marketingMentions: String
    public var detail: AnalysisDetail

    /// The flat score for consumers that cannot show "unknown" yet (the seed event and the CSV column render an
    /// integer): 3 when unknown. New code should read `agentScoreIfKnown`; `seedJSON()` writes null.
    public var agentScore: Int { agentScoreIfKnown ?? 3 }

    enum CodingKeys: String, CodingKey {
        case summary, sentiment, emotion, agentScore, processIssues, repeatedProblems, marketingMentions, detail
    }

    public init(summary: String, sentiment: String, emotion: String, agentScoreIfKnown: Int?, processIssues: String,
                repeatedProblems: String, marketingMentions: String, detail: AnalysisDetail) {
        self.summary = summary; self.sentiment = sentiment; self.emotion = emotion; self.agentScoreIfKnown = agentScoreIfKnown
        self.processIssues = processIssues; self.repeatedProblems = repeatedProblems; self.marketingMentions = marketingMentions
        self.detail = detail
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(summary: try c.decode(String.self, forKey: .summary), sentiment: try c.decode(String.self, forKey: .sentiment),
                  emotion: try c.decode(String.self, forKey: .emotion), agentScoreIfKnown: try c.decodeIfPresent(Int.self, forKey: .agentScore),
                  processIssues: try c.decode(String.self, forKey: .processIssues),
                  repeatedProblems: try c.decode(String.self, forKey: .repeatedProblems),
                  marketingMentions: try c.decode(String.self, forKey: .marketingMentions),
                  detail: try c.decode(AnalysisDetail.self, forKey: .detail))
    }

    // Written by hand so an unknown score is an explicit `"agent_score": null`, not a missing key.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(summary, forKey: .summary); try c.encode(sentiment, forKey: .sentiment); try c.encode(emotion, forKey: .emotion)
        try c.encode(agentScoreIfKnown, forKey: .agentScore)
        try c.encode(processIssues, forKey: .processIssues); try c.encode(repeatedProblems, forKey: .repeatedProblems)
        try c.encode(marketingMentions, forKey: .marketingMentions); try c.encode(detail, forKey: .detail)
    }

    /// The seed's `analysis` object plus `detail`: snake_case keys, sorted, numbers rounded to 3 decimals upstream.
    public func seedJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Encoding plain value types with finite, pre-rounded numbers cannot fail.
        let data = try! encoder.encode(self)
        return String(decoding: data, as: UTF8.self)
    }
}

public struct AnalysisDetail: Codable, Equatable, Sendable {
    public var analyzerVersion: String
    public var configDigest: String
    public var language: String
    public var words: Int
    public var final: Bool
    public var summary: SummaryDetail
    public var sentiment: SentimentDetail
    public var emotion: EmotionDetail
    public var agentScore: AgentScoreDetail
    public var processIssues: [ProcessIssue]
    public var repeatedProblems: [ProblemCluster]
    public var marketingMentions: [MarketingMention]
    /// Who spoke: from the channels, or inferred from the text on mono calls (SpeakerRoles). Optional for analyses
    /// written before 2.1.0.
    public var roles: RoleDetail?
    public var conversation: ConversationStats
}

/// Facts the summary sentence is rendered from (keys, not prose, so any language can be rendered from them).
public struct SummaryDetail: Codable, Equatable, Sendable {
    /// Topic key (CallSummary.topics), nil when none was recognised.
    public var issue: String?
    /// complaint | question | request | none
    public var issueKind: String
    /// What the agent did, in call order: verified, hold, case_logged, transferred, escalated, retention_offer…
    public var tried: [String]
    /// The finished action, when there was one: refund_issued, service_reset…
    public var outcome: String?
    public var commitments: [Commitment]
    /// churn or churn:<competitors>, escalation, escalation_declined, complaint_threat, repeat_contact, ended_dissatisfied
    public var risks: [String]
    /// The amount of money the customer named, as said ("sixty-four pounds"); nil when none.
    public var amount: String? = nil
    /// The finished action in the agent's words, third person ("cancelled the duplicate charge"); English only, nil when none.
    public var action: String? = nil
    /// resolved | unresolved | transferred | escalated | in_progress
    public var status: String
}

public struct Commitment: Codable, Equatable, Sendable {
    /// callback | result_due | follow_up
    public var what: String
    /// The time as said ("by thursday", "yarın saat onda"); nil when none was said.
    public var when: String?
    /// The team that owns it as named in the call ("billing", "uzman"); nil when the agent promised it personally.
    public var who: String? = nil
}

public struct TurnSentiment: Codable, Equatable, Sendable {
    public var index: Int
    public var speaker: SpeakerRole
    public var compound: Double
    public var label: String
}

public struct SentimentDetail: Codable, Equatable, Sendable {
    public var label: String
    /// Rendered label before hysteresis (equal to `label` for final analyses).
    public var rawLabel: String
    /// Genesys-style position-weighted customer score in [-1, 1].
    public var customerScore: Double
    public var agentScore: Double
    public var turns: [TurnSentiment]
    /// Four equal time quarters, mean turn compound on the ±5 scale (0 when a quarter is empty).
    public var customerQuarters: [Double]
    public var agentQuarters: [Double]
    /// up | down | flat (customer, last quarter vs the earlier ones, ±0.5 dead band)
    public var trend: String
}

public struct Evidence: Codable, Equatable, Sendable {
    public var turn: Int
    public var cue: String
}

public struct EmotionDetail: Codable, Equatable, Sendable {
    public var label: String
    public var rawLabel: String
    public var evidence: [Evidence]
    public var source: String  // always "text": derived from the customer's words only
}

public struct RubricItemResult: Codable, Equatable, Sendable {
    public var id: String
    public var weight: Int
    /// met | partial | not_met | na
    public var result: String
    public var earned: Double
    public var reason: String
}

public struct AgentScoreDetail: Codable, Equatable, Sendable {
    /// nil when no agent turn exists to judge (mono or roles unknown): unknown, never an invented middle score.
    public var score: Int?
    /// Σ earned / Σ applicable weights × 100; nil when no item applied.
    public var percent: Double?
    public var items: [RubricItemResult]

    enum CodingKeys: String, CodingKey { case score, percent, items }
    public init(score: Int?, percent: Double?, items: [RubricItemResult]) { self.score = score; self.percent = percent; self.items = items }
    // By hand: unknown score and percent are explicit nulls, so a reader sees "unknown" rather than a missing field.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(score, forKey: .score); try c.encode(percent, forKey: .percent); try c.encode(items, forKey: .items)
    }
}

public struct ProcessIssue: Codable, Equatable, Sendable {
    public var type: String
    public var severity: String  // low | medium | high
    public var turns: [Int]
    public var startMs: Int
    public var endMs: Int
    public var evidence: String
}

public struct ProblemCluster: Codable, Equatable, Sendable {
    public var canonicalText: String
    public var concept: String?
    public var count: Int
    public var turns: [Int]
    public var firstMs: Int
    public var lastMs: Int
    public var crossCall: Bool
}

public struct MarketingMention: Codable, Equatable, Sendable {
    public var id: String
    public var type: String
    public var canonical: String
    public var surface: String
    public var turn: Int
    public var speaker: SpeakerRole
    /// exact | suffix | fuzzy
    public var match: String
}

public struct ConversationStats: Codable, Equatable, Sendable {
    public var durationMs: Int
    public var agentTalkMs: Int
    public var customerTalkMs: Int
    public var nonTalkMs: Int
    public var interruptions: Int?
    public var agentInterruptions: Int?
}
