import Foundation
import Synchronization
import StreamProtocol

/// The sessions open on this server right now, for the console's live calls page: what each is
/// (organization, dialect, language, when it started) and the transcript and analysis it has
/// been sent so far, with a feed of what comes next.
///
/// Every query takes the organization and answers only for it: a session of another
/// organization is indistinguishable from one that does not exist. Nothing here is journaled or
/// derived: it is a view of what the session path already sent, and it forgets a session when
/// the session ends (History reads the journals).
public final class LiveSessions: Sendable {
    /// Lines kept per session for a page opened mid-call; older ones are on the call's history page afterwards.
    public static let keptLines = 500

    fileprivate struct Entry {
        var summary: LiveSessionSummary
        var lines: [LiveLine] = []
        var analysis: [LiveField] = []
        var feeds: [UUID: AsyncStream<LiveUpdate>.Continuation] = [:]
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// A session has started; its handle reports what follows.
    func open(organization: String, dialect: String, startedAt: Date) -> LiveSessionHandle {
        let id = UUID().uuidString.lowercased()
        let summary = LiveSessionSummary(id: id, organization: organization, dialect: dialect, language: nil,
                                         sessionId: nil, startedAt: startedAt)
        entries.withLock { $0[id] = Entry(summary: summary) }
        return LiveSessionHandle(registry: self, id: id)
    }

    /// Open sessions of every organization: a count only, for the node registry.
    public var count: Int { entries.withLock { $0.count } }

    // MARK: Queries, org-scoped

    /// The organization's open sessions, oldest first.
    public func sessions(organization: String) -> [LiveSessionSummary] {
        entries.withLock { entries in
            entries.values.map(\.summary).filter { $0.organization == organization }
                .sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        }
    }

    /// One open session of the organization, with what it has been sent so far.
    public func snapshot(id: String, organization: String) -> LiveSessionSnapshot? {
        entries.withLock { entries in
            guard let entry = entries[id], entry.summary.organization == organization else { return nil }
            return LiveSessionSnapshot(summary: entry.summary, lines: entry.lines, analysis: entry.analysis)
        }
    }

    /// What the session has so far, and a feed of every update after it (no gap, no repeat:
    /// both are taken under one lock). The feed ends with `.ended` when the session does; nil
    /// for a session that is not open, or not the organization's.
    public func follow(id: String, organization: String) -> (LiveSessionSnapshot, AsyncStream<LiveUpdate>)? {
        let (stream, continuation) = AsyncStream<LiveUpdate>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let feed = UUID()
        let snapshot = entries.withLock { entries -> LiveSessionSnapshot? in
            guard var entry = entries[id], entry.summary.organization == organization else { return nil }
            entry.feeds[feed] = continuation
            entries[id] = entry
            return LiveSessionSnapshot(summary: entry.summary, lines: entry.lines, analysis: entry.analysis)
        }
        guard let snapshot else {
            continuation.finish()
            return nil
        }
        continuation.onTermination = { [weak self] _ in
            self?.entries.withLock { _ = $0[id]?.feeds.removeValue(forKey: feed) }
        }
        return (snapshot, stream)
    }

    /// How many event streams follow the session (for tests that must know one is listening).
    func followers(id: String) -> Int {
        entries.withLock { $0[id]?.feeds.count ?? 0 }
    }

    // MARK: Reports from the session path

    fileprivate func update(_ id: String, _ change: (inout Entry) -> [LiveUpdate]) {
        let (feeds, updates) = entries.withLock { entries -> ([AsyncStream<LiveUpdate>.Continuation], [LiveUpdate]) in
            guard var entry = entries[id] else { return ([], []) }
            let updates = change(&entry)
            entries[id] = entry
            return (Array(entry.feeds.values), updates)
        }
        for feed in feeds { for update in updates { feed.yield(update) } }
    }

    fileprivate func close(_ id: String) {
        let feeds = entries.withLock { entries in entries.removeValue(forKey: id).map { Array($0.feeds.values) } ?? [] }
        for feed in feeds {
            feed.yield(.ended)
            feed.finish()
        }
    }
}

/// What one session reports to the registry. Reports after `close` are ignored.
public struct LiveSessionHandle: Sendable {
    fileprivate let registry: LiveSessions
    public let id: String

    func identified(sessionId: String, language: String?) {
        registry.update(id) { entry in
            entry.summary.sessionId = sessionId
            entry.summary.language = language
            return [.identified(entry.summary)]
        }
    }

    /// A derived event as sent to the client.
    func sent(event text: String) {
        guard let parsed = LiveEventParser.parse(text) else { return }
        registry.update(id) { entry in
            var updates: [LiveUpdate] = []
            for line in parsed.lines {
                entry.lines.append(line)
                updates.append(.line(line))
            }
            if entry.lines.count > LiveSessions.keptLines { entry.lines.removeFirst(entry.lines.count - LiveSessions.keptLines) }
            if let analysis = parsed.analysis {
                entry.analysis = analysis
                updates.append(.analysis(analysis))
            }
            return updates
        }
    }

    func close() { registry.close(id) }
}

public struct LiveSessionSummary: Equatable, Sendable {
    /// The registry's own id for the session (the console's URLs use it; clients choose their
    /// session ids, which need not be unique or URL-safe).
    public var id: String
    public var organization: String
    public var dialect: String
    /// As the client asked for it (`en-US`), nil for detect or not yet known.
    public var language: String?
    /// The client's session id, once `open` has named it.
    public var sessionId: String?
    public var startedAt: Date
}

public struct LiveSessionSnapshot: Equatable, Sendable {
    public var summary: LiveSessionSummary
    public var lines: [LiveLine]
    public var analysis: [LiveField]
}

/// One transcript line as it was sent.
public struct LiveLine: Equatable, Sendable {
    /// `agent`, `customer`, or the channel's name when roles are unknown.
    public var speaker: String
    public var start: Double
    public var end: Double
    public var text: String
}

/// One member of the analysis as it was sent (`summary`, `sentiment`, …), its value as text.
public struct LiveField: Equatable, Sendable {
    public var name: String
    public var value: String
}

public enum LiveUpdate: Equatable, Sendable {
    case identified(LiveSessionSummary)
    case line(LiveLine)
    case analysis([LiveField])
    case ended
}

/// Reads the transcript lines and analysis out of a derived event, in either dialect. Pure; an
/// event it cannot read gives nil (the live page shows less, the client got it all the same).
public enum LiveEventParser {
    public struct Parsed: Equatable, Sendable {
        public var lines: [LiveLine] = []
        public var analysis: [LiveField]?
    }

    public static func parse(_ text: String) -> Parsed? {
        guard let json = try? JSONValue.parse(text), json["type"]?.stringValue == "event",
              let parameters = json["parameters"] else { return nil }
        var parsed = Parsed()
        if let entity = parameters["entity"] {
            // Seed: one transcript entity, and the analysis beside it.
            if entity["type"]?.stringValue == "transcript", let value = entity["value"]?.stringValue {
                parsed.lines.append(LiveLine(speaker: entity["speaker"]?.stringValue ?? "unknown",
                                             start: entity["start"]?.numberValue ?? 0, end: entity["end"]?.numberValue ?? 0, text: value))
            }
            if let analysis = parameters["analysis"] { parsed.analysis = fields(analysis) }
        } else if let entities = parameters["entities"]?.arrayValue {
            // AudioHook: transcript and analysis entities.
            for entity in entities {
                let data = entity["data"]
                switch entity["type"]?.stringValue {
                case "transcript":
                    let alternative = data?["alternatives"]?.arrayValue?.first
                    let interpretation = alternative?["interpretations"]?.arrayValue?.first
                    guard let transcript = interpretation?["transcript"]?.stringValue else { continue }
                    let start = seconds(data?["offset"]?.stringValue)
                    let channel = data?["channelId"]?.intValue ?? 0
                    parsed.lines.append(LiveLine(speaker: channel == 0 ? "external" : "internal", start: start,
                                                 end: start + seconds(data?["duration"]?.stringValue), text: transcript))
                case "analysis":
                    if let data { parsed.analysis = fields(data) }
                default:
                    continue
                }
            }
        } else {
            return nil
        }
        return parsed.lines.isEmpty && parsed.analysis == nil ? nil : parsed
    }

    static func fields(_ object: JSONValue) -> [LiveField]? {
        guard case .object(let members) = object else { return nil }
        return members.compactMap { member in
            let (name, value) = member
            switch value {
            case .string(let text): return LiveField(name: name, value: text)
            case .int(let number): return LiveField(name: name, value: "\(number)")
            case .double(let number): return LiveField(name: name, value: "\(number)")
            case .bool(let flag): return LiveField(name: name, value: flag ? "yes" : "no")
            case .null: return LiveField(name: name, value: "unknown")
            default: return nil
            }
        }
    }

    static func seconds(_ duration: String?) -> Double {
        guard let duration, let parsed = ProtocolDuration(duration) else { return 0 }
        return Double(parsed.microseconds) / 1e6
    }
}
