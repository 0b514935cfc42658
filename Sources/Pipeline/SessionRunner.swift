import Foundation
import Journal
import Recognition
import StreamProtocol

/// Re-derives a journaled session offline: the same `SessionDriver` the live server runs,
/// over a `JournalTransport`, in lockstep (each transcription applied before the next record).
public enum SessionRunner {
    public struct Run: Sendable {
        public var header: SessionHeader
        public var reducer: SessionReducer
        public var inbound: Int
        /// Outbound records as journaled, split into protocol replies and derived events.
        public var journaledReplies: [String] = []
        public var journaledEvents: [String] = []
        /// What the reducer says now, in the same split.
        public var derivedReplies: [String] = []
        public var derivedEvents: [String] = []
        /// The journal recorded the connection ending (client gone, idle, shutdown).
        public var transportEnded = false
        public var transcriptions = 0
        public var journalDamage: JournalDamage?

        public var session: DerivedSession { DerivedSession(header: header, reducer: reducer) }
    }

    public enum RunError: Error, CustomStringConvertible {
        case noHeader(String)
        public var description: String {
            switch self {
            case .noHeader(let path): return "\(path) does not start with a session header record; it was not written by `tapedeck serve`"
            }
        }
    }

    public static func run(_ url: URL, environment: SessionEnvironment, key: JournalKey? = nil,
                           transcriber: any Transcriber) async throws -> Run {
        let transport = try JournalTransport(url: url, key: key)
        let header = try await transport.header()
        let driver = SessionDriver(reducer: SessionReducer(facts: header.facts, environment: environment), transport: transport,
                                   transcriber: transcriber, scheduling: .lockstep)
        let outcome = try await driver.run()
        return await transport.run(header: header, outcome: outcome)
    }

    /// With a transcription function (tests, tools): called where the driver asks.
    public static func run(_ url: URL, environment: SessionEnvironment, key: JournalKey? = nil,
                           transcribe: @escaping @Sendable (TranscriptionRequest) throws -> Transcription) async throws -> Run {
        try await run(url, environment: environment, key: key, transcriber: ClosureTranscriber(transcribe))
    }

    /// In format 1 journals, derived events are the `event` messages; everything else is a reply.
    static func isEvent(_ text: String) -> Bool {
        (try? JSONValue.parse(text))?["type"]?.stringValue == "event"
    }
}

/// A transcription function as a transcriber.
public struct ClosureTranscriber: Transcriber {
    private let body: @Sendable (TranscriptionRequest) throws -> Transcription
    public init(_ body: @escaping @Sendable (TranscriptionRequest) throws -> Transcription) { self.body = body }
    public func transcribe(_ request: TranscriptionRequest) async throws -> Transcription { try body(request) }
}

/// A journal as a session's transport, for replay: its inbound and effect records in order (then its
/// transport-closed record, or one made up where the journal was cut short), while what the
/// live server sent is collected on the way and what the driver sends now is collected beside it.
actor JournalTransport: SessionTransport {
    private let path: String
    private let cursor: JournalCursor
    // Replies as journaled; nil marks an `outbound-event` record (already counted as an event).
    private var outbound: [String?] = []
    private var journaledEvents: [String] = []
    private var derivedReplies: [String] = []
    private var derivedEvents: [String] = []
    private var transportEnded = false
    private var lastReceivedAt: Int64 = 0

    init(url: URL, key: JournalKey?) throws {
        path = url.path
        cursor = try JournalCursor(url: url, key: key)
    }

    /// The session header, which the journal writer puts first.
    func header() throws -> SessionHeader {
        try SessionHeader.first(of: cursor, path: path)
    }

    func receive() -> JournalRecord {
        while let record = cursor.next() {
            switch record.type {
            case .inboundText, .inboundBinary:
                lastReceivedAt = record.receivedAt
                return record
            case .transportClosed:
                transportEnded = true
                return record
            case .effect:
                // A live server's decision (`ServerDecision`): the reducer acts on it here, where
                // the live one did.
                return record
            default:
                collect(record)
            }
        }
        // A journal cut short (server killed) has no transport-closed record: end the audio the
        // way a disconnect would, so the last utterances are transcribed too.
        return JournalRecord(type: .transportClosed, sequence: 0, receivedAt: lastReceivedAt,
                             payload: Array("{\"reason\":\"journal ended\"}".utf8))
    }

    func send(_ message: OutboundMessage) -> Bool {
        switch message {
        case .reply(let text): derivedReplies.append(text)
        case .event(let text): derivedEvents.append(text)
        }
        return true
    }

    func closeForServerFailure(reason: String) {}

    private func collect(_ record: JournalRecord) {
        switch record.type {
        case .outbound: outbound.append(record.text ?? "")
        case .outboundEvent:
            outbound.append(nil)
            journaledEvents.append(record.text ?? "")
        default: break
        }
    }

    /// Reads what follows the session's end and puts the run together.
    func run(header: SessionHeader, outcome: SessionDriver.Outcome) -> SessionRunner.Run {
        while let record = cursor.next() { collect(record) }
        let scan = cursor.result
        var run = SessionRunner.Run(header: header, reducer: outcome.reducer, inbound: outcome.inbound)
        // Format 2 journals say which records are events; format 1 ones only by their JSON.
        let typed = scan.header.formatVersion >= 2
        run.journaledEvents = journaledEvents
        for case let text? in outbound {
            if !typed, SessionRunner.isEvent(text) { run.journaledEvents.append(text) } else { run.journaledReplies.append(text) }
        }
        run.derivedReplies = derivedReplies
        run.derivedEvents = derivedEvents
        run.transportEnded = transportEnded
        run.transcriptions = outcome.appliedTranscriptions
        run.journalDamage = scan.damage
        return run
    }
}

extension SessionHeader {
    /// The session header of a journal (its first record), without reading the rest.
    public static func read(from url: URL, key: JournalKey? = nil) throws -> SessionHeader {
        try first(of: JournalCursor(url: url, key: key), path: url.path)
    }

    /// Reads the cursor's first record, which must be the session header.
    static func first(of cursor: JournalCursor, path: String) throws -> SessionHeader {
        guard let first = cursor.next(), first.type == .sessionHeader else { throw SessionRunner.RunError.noHeader(path) }
        return try SessionHeader.decode(first.payload)
    }
}
