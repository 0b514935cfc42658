import Analysis
import Digests
import Foundation
import Recognition
import StreamProtocol

/// One recognised utterance of a session, on the session timeline.
public struct DerivedUtterance: Equatable, Sendable {
    public var index: Int
    public var channel: Int
    public var speaker: SpeakerRole
    /// Seconds on the session timeline (16 kHz samples counted, gaps included).
    public var start: Double
    public var end: Double
    public var language: String
    public var text: String
    /// exp(average token log-probability), 0–1.
    public var confidence: Double
    /// Word times are seconds on the session timeline.
    public var words: [RecognizedWord]
}

/// Builds the JSON bodies of derived events. Pure: the same utterance and analysis always give
/// the same bytes (numbers are rounded to milliseconds, objects keep their member order).
public enum DerivedEvents {
    /// The seed guide's `analysis` object, keys in the guide's order.
    public static func analysisObject(_ snapshot: AnalysisSnapshot, final: Bool? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("summary", .string(snapshot.summary)),
            ("sentiment", .string(snapshot.sentiment)),
            ("emotion", .string(snapshot.emotion)),
            // Unknown (no agent turns to judge, e.g. a mono call) is said as null, not as a made-up 3.
            ("agent_score", snapshot.agentScoreIfKnown.map { .int(Int64($0)) } ?? .null),
            ("process_issues", .string(snapshot.processIssues)),
            ("repeated_problems", .string(snapshot.repeatedProblems)),
            ("marketing_mentions", .string(snapshot.marketingMentions)),
        ]
        if let final { members.append(("final", .bool(final))) }
        return .object(members)
    }

    /// Seed dialect: `parameters` of an `event` — the transcript entity (`value` = the text, as
    /// the guide says, plus speaker, times and language) and the analysis once there is one.
    public static func seedParameters(_ utterance: DerivedUtterance, analysis: AnalysisSnapshot?) -> JSONValue {
        var parameters: [(String, JSONValue)] = [
            ("entity", .object([
                ("type", .string("transcript")),
                ("value", .string(utterance.text)),
                ("speaker", .string(utterance.speaker.rawValue)),
                ("channel", .int(Int64(utterance.channel))),
                ("start", seconds(utterance.start)),
                ("end", seconds(utterance.end)),
                ("language", .string(utterance.language)),
            ])),
        ]
        if let analysis { parameters.append(("analysis", analysisObject(analysis))) }
        return .object(parameters)
    }

    /// AudioHook: a `transcript` entity as the reference's entities-transcript.ts defines it,
    /// followed by an `analysis` entity once there is one.
    public static func audioHookEntities(_ utterance: DerivedUtterance, sessionId: String, languageTag: String,
                                         analysis: AnalysisSnapshot?) -> [JSONValue] {
        var tokens: [JSONValue] = []
        var lastOffset: Int64 = -1
        for word in utterance.words {
            // The conformance suite wants distinct token offsets; times are whole milliseconds.
            var offset = max(microseconds(word.start), lastOffset + 1_000)
            offset = max(offset, 0)
            let end = max(microseconds(word.end), offset)
            lastOffset = offset
            tokens.append(.object([
                ("type", .string("word")),
                ("value", .string(word.text.trimmingCharacters(in: .whitespaces))),
                ("confidence", probability(Double(word.probability))),
                ("offset", .string(ProtocolDuration(microseconds: offset).description)),
                ("duration", .string(ProtocolDuration(microseconds: end - offset).description)),
                ("language", .string(languageTag)),
            ]))
        }
        let start = microseconds(utterance.start)
        let transcript: JSONValue = .object([
            ("type", .string("transcript")),
            ("data", .object([
                ("id", .string(entityId(sessionId: sessionId, index: utterance.index))),
                ("channelId", .int(Int64(utterance.channel))),
                ("isFinal", .bool(true)),
                ("offset", .string(ProtocolDuration(microseconds: start).description)),
                ("duration", .string(ProtocolDuration(microseconds: max(0, microseconds(utterance.end) - start)).description)),
                ("alternatives", .array([.object([
                    ("confidence", probability(utterance.confidence)),
                    ("languages", .array([.string(languageTag)])),
                    ("interpretations", .array([.object([
                        ("type", .string("display")),
                        ("transcript", .string(utterance.text)),
                        ("tokens", .array(tokens)),
                    ])])),
                ])])),
            ])),
        ])
        guard let analysis else { return [transcript] }
        return [transcript, analysisEntity(analysis, final: false)]
    }

    public static func analysisEntity(_ analysis: AnalysisSnapshot, final: Bool) -> JSONValue {
        .object([("type", .string("analysis")), ("data", analysisObject(analysis, final: final))])
    }

    /// A stable UUID for utterance `index` of a session (name-based: SHA-256, version 8 layout).
    public static func entityId(sessionId: String, index: Int) -> String {
        var bytes = Array(SHA256Digest.hash(Array("tapedeck/transcript/\(sessionId)/\(index)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x80
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.hexString
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// `en`/`tr` as the session's own tag when it names that language (`en-US`), else `en-US`/`tr-TR`.
    public static func languageTag(_ primary: String, session: String?) -> String {
        if let session, SessionReducer.primaryLanguage(session) == primary { return session }
        switch primary {
        case "en": return "en-US"
        case "tr": return "tr-TR"
        default: return primary
        }
    }

    static func microseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1000).rounded()) * 1000 }
    static func seconds(_ value: Double) -> JSONValue { .double(Double(Int64((value * 1000).rounded())) / 1000) }
    static func probability(_ value: Double) -> JSONValue {
        .double(Double(Int64((min(max(value, 0), 1) * 1000).rounded())) / 1000)
    }
}
