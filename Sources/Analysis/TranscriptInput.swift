// Transcripts from a file, for `tapedeck analyze`: the gold-set text format (GoldSet.swift) or JSON,
// either `{"language": "en", "utterances": [...]}` or a bare array of utterances, each
// `{"speaker": "agent|customer|unknown" (or A/C/U), "text": "...", "start": 0.0, "end": 4.2, "language"?: "tr"}`.
import Foundation

public enum TranscriptInputError: Error, Equatable, CustomStringConvertible {
    case empty
    case notJSON(reason: String)
    case badUtterance(index: Int, reason: String)
    case unsupportedLanguage(String)
    case gold(GoldSetError)

    public var description: String {
        switch self {
        case .empty: return "the transcript has no utterances; give `A|C|U start end | text` lines after a `=== id` header, or JSON utterances"
        case .notJSON(let r): return "the transcript is not valid JSON (\(r)); give an array of utterances or {\"utterances\": [...]}"
        case .badUtterance(let i, let r): return "utterance \(i): \(r); each needs speaker (agent, customer, unknown), text, start and end in seconds with end ≥ start"
        case .unsupportedLanguage(let l): return "language \(l) is not supported; use en or tr"
        case .gold(let e): return e.description
        }
    }
}

public struct NamedTranscript: Sendable, Equatable {
    public var id: String
    public var utterances: [TranscriptUtterance]
}

public enum TranscriptInput {
    /// Parses `text` as JSON when asked or when it starts with `{` or `[`, otherwise as the gold format.
    /// `language` replaces the language of every utterance (the gold `lang:` line or the JSON field) when given.
    public static func parse(_ text: String, language: String? = nil, forceJSON: Bool = false) throws -> [NamedTranscript] {
        if let l = language, l != "en" && l != "tr" { throw TranscriptInputError.unsupportedLanguage(l) }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var calls: [NamedTranscript]
        if forceJSON || trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            calls = [NamedTranscript(id: "transcript", utterances: try parseJSON(trimmed, language: language ?? "en"))]
        } else {
            do { calls = try GoldSet.parse(text).map { NamedTranscript(id: $0.id, utterances: $0.utterances) } }
            catch let e as GoldSetError { throw TranscriptInputError.gold(e) }
        }
        if let l = language { for c in calls.indices { for u in calls[c].utterances.indices { calls[c].utterances[u].language = l } } }
        for c in calls { for u in c.utterances where u.language != "en" && u.language != "tr" { throw TranscriptInputError.unsupportedLanguage(u.language) } }
        guard calls.contains(where: { !$0.utterances.isEmpty }) else { throw TranscriptInputError.empty }
        return calls
    }

    static func parseJSON(_ text: String, language: String) throws -> [TranscriptUtterance] {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw TranscriptInputError.notJSON(reason: "\(error.localizedDescription)")
        }
        var defaultLanguage = language
        let rows: [Any]
        if let dict = object as? [String: Any] {
            if let l = dict["language"] as? String { defaultLanguage = l }
            guard let list = dict["utterances"] as? [Any] else { throw TranscriptInputError.notJSON(reason: "no \"utterances\" array") }
            rows = list
        } else if let list = object as? [Any] { rows = list } else { throw TranscriptInputError.notJSON(reason: "top level is neither an object nor an array") }
        return try rows.enumerated().map { k, row in
            guard let u = row as? [String: Any] else { throw TranscriptInputError.badUtterance(index: k, reason: "not an object") }
            guard let text = u["text"] as? String else { throw TranscriptInputError.badUtterance(index: k, reason: "no text") }
            guard let start = (u["start"] as? NSNumber)?.doubleValue, let end = (u["end"] as? NSNumber)?.doubleValue, end >= start else {
                throw TranscriptInputError.badUtterance(index: k, reason: "start/end missing or end before start")
            }
            let raw = ((u["speaker"] as? String) ?? "unknown").lowercased()
            let speaker: SpeakerRole
            switch raw {
            case "agent", "a": speaker = .agent
            case "customer", "c": speaker = .customer
            case "unknown", "u", "": speaker = .unknown
            default: throw TranscriptInputError.badUtterance(index: k, reason: "speaker \(raw) is not agent, customer or unknown")
            }
            // Optional: the utterance's median voice pitch in Hz (what a mono call's audio gives the role inference).
            var pitch: Double? = nil
            if let value = u["pitch"], !(value is NSNull) {
                guard let p = (value as? NSNumber)?.doubleValue, p.isFinite, p > 0 else {
                    throw TranscriptInputError.badUtterance(index: k, reason: "pitch must be a positive number of Hz (or absent)")
                }
                pitch = p
            }
            return TranscriptUtterance(index: k, speaker: speaker, language: (u["language"] as? String) ?? defaultLanguage,
                                       start: start, end: end, text: text, pitch: pitch)
        }
    }
}
