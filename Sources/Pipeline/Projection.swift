import Foundation
import Journal

/// One session's line in `results/<org>/<day>/<session-id>.csv`.
public struct SessionRow: Equatable, Sendable {
    public static let columns = [
        "session_id", "organization", "conversation_id", "participant_id", "dialect",
        "start", "end", "duration_s", "language", "transcript",
        "summary", "sentiment", "emotion", "agent_score", "process_issues", "repeated_problems", "marketing_mentions",
        "analysis_json", "engine", "analyzer",
    ]

    public var sessionId = ""
    public var organization = ""
    public var conversationId = ""
    public var participantId = ""
    public var dialect = ""
    /// ISO 8601 UTC, from journaled receive times.
    public var start = ""
    public var end = ""
    /// Seconds of call audio, three decimals.
    public var duration = ""
    public var language = ""
    /// `speaker: text` per utterance, one per line, in call order.
    public var transcript = ""
    public var summary = ""
    public var sentiment = ""
    public var emotion = ""
    public var agentScore = ""
    public var processIssues = ""
    public var repeatedProblems = ""
    public var marketingMentions = ""
    /// The full structured analysis, canonical JSON.
    public var analysisJSON = ""
    public var engine = ""
    public var analyzer = ""

    public init() {}

    public var fields: [String] {
        [sessionId, organization, conversationId, participantId, dialect, start, end, duration, language, transcript,
         summary, sentiment, emotion, agentScore, processIssues, repeatedProblems, marketingMentions,
         analysisJSON, engine, analyzer]
    }

    public init(fields: [String]) throws {
        guard fields.count == Self.columns.count else { throw ProjectionError.wrongColumnCount(fields.count, Self.columns.count) }
        (sessionId, organization, conversationId, participantId, dialect) = (fields[0], fields[1], fields[2], fields[3], fields[4])
        (start, end, duration, language, transcript) = (fields[5], fields[6], fields[7], fields[8], fields[9])
        (summary, sentiment, emotion, agentScore) = (fields[10], fields[11], fields[12], fields[13])
        (processIssues, repeatedProblems, marketingMentions) = (fields[14], fields[15], fields[16])
        (analysisJSON, engine, analyzer) = (fields[17], fields[18], fields[19])
    }
}

/// One utterance's line in `<session-id>.utterances.csv`.
public struct UtteranceRow: Equatable, Sendable {
    public static let columns = ["start_s", "end_s", "speaker", "language", "text", "sentiment"]
    public var start: String
    public var end: String
    public var speaker: String
    public var language: String
    public var text: String
    public var sentiment: String

    public init(start: String, end: String, speaker: String, language: String, text: String, sentiment: String) {
        (self.start, self.end, self.speaker, self.language, self.text, self.sentiment) = (start, end, speaker, language, text, sentiment)
    }

    public var fields: [String] { [start, end, speaker, language, text, sentiment] }
}

public enum ProjectionError: Error, Equatable, CustomStringConvertible {
    case wrongColumnCount(Int, Int)
    case wrongHeader(String)
    case notInJournalLayout(String)

    public var description: String {
        switch self {
        case let .wrongColumnCount(got, want): return "a session CSV row has \(got) fields, expected \(want): was it written by another version?"
        case let .wrongHeader(path): return "\(path) does not start with the Tapedeck session header row"
        case let .notInJournalLayout(path):
            return "\(path) is not laid out as <organization>/<yyyy-mm-dd>/<session>.tdj, so its CSV files cannot be named; move it back under a journal root"
        }
    }
}

/// Where one session's files live, under the journal root and the results root alike:
/// `<organization>/<day>/<name>`. `name` is the journal's file name — the session id when that is
/// a safe path component, a digest of it otherwise, with `-2`, `-3`… when an id is reused — so
/// no client string ever becomes a path unsanitized, and two sessions never share a CSV.
public struct SessionFileName: Equatable, Sendable {
    public var organization: String
    public var day: String
    public var name: String

    public init(organization: String, day: String, name: String) throws {
        try JournalLayout.validate(organization)
        try JournalLayout.validate(name)
        guard Self.isDay(day) else { throw JournalError.invalidPathComponent(day) }
        (self.organization, self.day, self.name) = (organization, day, name)
    }

    /// The name of the session journaled at `journal` (`…/<day>/<name>.tdj`). The organization
    /// comes from the journal's header, not from the folder it happens to sit in.
    public init(journal: URL, organization: String) throws {
        let file = journal.lastPathComponent
        let suffix = "." + JournalLayout.fileExtension
        guard file.hasSuffix(suffix) else { throw ProjectionError.notInJournalLayout(journal.path) }
        let day = journal.deletingLastPathComponent().lastPathComponent
        do {
            try self.init(organization: organization, day: day, name: String(file.dropLast(suffix.count)))
        } catch {
            throw ProjectionError.notInJournalLayout(journal.path)
        }
    }

    /// `yyyy-mm-dd`, digits only.
    static func isDay(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return false }
        return bytes.enumerated().allSatisfy { i, c in i == 4 || i == 7 ? c == UInt8(ascii: "-") : (0x30...0x39).contains(c) }
    }
}

/// Writes a finished session's CSV files, atomically, under `results/<org>/<day>/`.
public struct Projector: Sendable {
    public var root: URL

    public init(root: URL) { self.root = root }

    public func sessionURL(_ file: SessionFileName) -> URL {
        folder(file).appendingPathComponent("\(file.name).csv")
    }

    public func utterancesURL(_ file: SessionFileName) -> URL {
        folder(file).appendingPathComponent("\(file.name).utterances.csv")
    }

    private func folder(_ file: SessionFileName) -> URL {
        root.appendingPathComponent(file.organization, isDirectory: true).appendingPathComponent(file.day, isDirectory: true)
    }

    /// Renders both files; the bytes depend only on the rows (no clock, no locale).
    public static func render(session: SessionRow, utterances: [UtteranceRow]) -> (session: Data, utterances: Data) {
        let sessionText = CSV.line(SessionRow.columns) + CSV.line(session.fields)
        let utteranceText = CSV.line(UtteranceRow.columns) + utterances.map { CSV.line($0.fields) }.joined()
        return (Data(sessionText.utf8), Data(utteranceText.utf8))
    }

    @discardableResult
    public func write(session: SessionRow, utterances: [UtteranceRow], file: SessionFileName) throws -> URL {
        let url = sessionURL(file)
        let (sessionData, utteranceData) = Self.render(session: session, utterances: utterances)
        try AtomicFile.write(utteranceData, to: utterancesURL(file))
        try AtomicFile.write(sessionData, to: url)
        return url
    }
}

/// Merges per-session CSVs into one sheet (`tapedeck export`).
public enum Exporter {
    /// Session CSVs of `organization` whose day folder is within `from...to` (yyyy-mm-dd, inclusive).
    public static func sessionFiles(root: URL, organization: String, from: String, to: String) -> [URL] {
        let orgDirectory = root.appendingPathComponent(organization)
        guard let days = try? FileManager.default.contentsOfDirectory(atPath: orgDirectory.path) else { return [] }
        var files: [URL] = []
        for day in days.sorted() where day >= from && day <= to {
            let dayDirectory = orgDirectory.appendingPathComponent(day)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dayDirectory.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".csv") && !name.hasSuffix(".utterances.csv") && !name.hasPrefix(".") {
                files.append(dayDirectory.appendingPathComponent(name))
            }
        }
        return files
    }

    public static func merge(_ files: [URL]) throws -> Data {
        try merge(sheets: files.map { ($0.path, try String(contentsOf: $0, encoding: .utf8)) })
    }

    /// The same merge over session CSVs already read (from the control plane), each named for errors.
    public static func merge(sheets: [(name: String, text: String)]) throws -> Data {
        var text = CSV.line(SessionRow.columns)
        for sheet in sheets {
            let rows = try CSV.parse(sheet.text)
            guard rows.first == SessionRow.columns else { throw ProjectionError.wrongHeader(sheet.name) }
            for row in rows.dropFirst() { text += CSV.line(try SessionRow(fields: row).fields) }
        }
        return Data(text.utf8)
    }
}
