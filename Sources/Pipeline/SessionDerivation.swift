import Analysis
import Audio
import Foundation
import Journal
import Recognition
import StreamProtocol

/// Everything the projector needs about a finished session.
public struct DerivedSession: Sendable {
    public var header: SessionHeader
    public var negotiated: NegotiatedSession?
    public var firstReceivedAt: Int64
    public var lastReceivedAt: Int64
    /// Seconds of call audio on the timeline (received samples plus reported gaps).
    public var duration: Double
    public var utterances: [DerivedUtterance]
    public var analysis: AnalysisSnapshot?
    public var engine: String
    public var analyzerVersion: String
    public var analyzerDigest: String

    /// What the reducer derived, once every transcription it asked for was applied.
    public init(header: SessionHeader, reducer: SessionReducer) {
        self.header = header
        negotiated = reducer.negotiated
        firstReceivedAt = reducer.firstReceivedAt ?? 0
        lastReceivedAt = reducer.lastReceivedAt
        duration = reducer.duration
        utterances = reducer.utterances
        analysis = reducer.finalAnalysis
        engine = reducer.environment.engine?.description ?? ""
        analyzerVersion = CallAnalyzer.version
        analyzerDigest = reducer.environment.analyzer.configuration.digest
    }

    /// Probes (AudioHook connection checks) and sessions that never opened get no CSV.
    public var producesCSV: Bool { negotiated != nil && negotiated?.isProbe != true }

    /// `yyyy-mm-dd` (UTC) of the session's first record: the results folder, as for journals.
    public var day: String { JournalLayout.day(microseconds: firstReceivedAt) }
}

extension DerivedSession {
    /// The CSV rows for this session, rendered without clock or locale.
    public func rows() -> (session: SessionRow, utterances: [UtteranceRow]) {
        // Fixed three decimals from integer milliseconds: no locale, no float formatting surprises.
        func seconds(_ s: Double) -> String {
            let ms = Int64((s * 1000).rounded())
            let fraction = String(ms % 1000)
            return "\(ms / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
        }
        var row = SessionRow()
        row.sessionId = header.sessionId
        row.organization = header.facts.organization
        row.conversationId = negotiated?.conversationId ?? ""
        row.participantId = negotiated?.participant?["id"]?.stringValue ?? ""
        row.dialect = negotiated?.dialect.rawValue ?? header.facts.dialect
        row.start = JournalTime.iso8601(microseconds: firstReceivedAt)
        row.end = JournalTime.iso8601(microseconds: lastReceivedAt)
        row.duration = seconds(duration)
        row.language = analysis?.detail.language ?? utterances.first?.language ?? ""
        row.transcript = utterances.map { "\($0.speaker.rawValue): \($0.text)" }.joined(separator: "\n")
        if let analysis {
            row.summary = analysis.summary
            row.sentiment = analysis.sentiment
            row.emotion = analysis.emotion
            row.agentScore = analysis.agentScoreIfKnown.map(String.init) ?? ""
            row.processIssues = analysis.processIssues
            row.repeatedProblems = analysis.repeatedProblems
            row.marketingMentions = analysis.marketingMentions
            row.analysisJSON = analysis.seedJSON()
        }
        row.engine = engine
        row.analyzer = "\(analyzerVersion) config \(analyzerDigest.prefix(16))"
        var sentiments: [Int: String] = [:]
        for turn in analysis?.detail.sentiment.turns ?? [] { sentiments[turn.index] = turn.label }
        let utteranceRows = utterances.enumerated().map { index, u in
            UtteranceRow(start: seconds(u.start), end: seconds(u.end), speaker: u.speaker.rawValue, language: u.language, text: u.text,
                         sentiment: sentiments[index] ?? "")
        }
        return (row, utteranceRows)
    }
}
