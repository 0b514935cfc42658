// In-memory stand-ins for a session's seams, and a store that drives the bare reducer: protocol
// and pipeline behaviour tested with no port, no socket and no model.
import Foundation
import Journal
import Pipeline
import Recognition

/// Drives a `SessionReducer` the way TCA's `TestStore` drives a reducer: actions in, the
/// effects they produce out, transcription requests kept until the test answers them.
public struct SessionTestStore {
    public private(set) var reducer: SessionReducer
    /// Transcription requests made and not yet answered, oldest first.
    public private(set) var requests: [TranscriptionRequest] = []
    /// Every reply and event so far, in order.
    public private(set) var sent: [OutboundMessage] = []
    private var clock: Int64

    public init(dialect: String = "seed", headers: [String: String] = [:], environment: SessionEnvironment = .protocolOnly,
                startingAt microseconds: Int64 = 1_700_000_000_000_000) {
        let facts = ConnectionFacts(organization: "acme", keyId: "test", dialect: dialect, headers: headers, query: [:], path: "/v1/stream")
        reducer = SessionReducer(facts: facts, environment: environment)
        clock = microseconds
    }

    /// A text message from the client, `after` microseconds after the previous one.
    @discardableResult
    public mutating func send(_ text: String, after: Int64 = 20_000) -> [SessionEffect] {
        record(.inboundText, Array(text.utf8), after: after)
    }

    /// An audio frame from the client.
    @discardableResult
    public mutating func sendAudio(_ bytes: [UInt8], after: Int64 = 20_000) -> [SessionEffect] {
        record(.inboundBinary, bytes, after: after)
    }

    /// The connection ends.
    @discardableResult
    public mutating func disconnect(_ end: TransportEnd = .clientClosed, after: Int64 = 20_000) -> [SessionEffect] {
        clock += after
        return take(reducer.reduce(.record(end.record(at: clock))))
    }

    /// A decision of the live server (the drain deadline), as the driver journals it and the
    /// reducer then sees it.
    @discardableResult
    public mutating func decide(_ decision: ServerDecision, after: Int64 = 20_000) -> [SessionEffect] {
        clock += after
        return take(reducer.reduce(.record(decision.record(at: clock))))
    }

    /// Answers the oldest open transcription request with `text`.
    @discardableResult
    public mutating func transcribe(_ text: String, language: String = "en") -> [SessionEffect] {
        guard !requests.isEmpty else { return [] }
        let request = requests.removeFirst()
        let words = text.split(separator: " ").enumerated().map { index, word in
            RecognizedWord(text: " " + word, start: Double(index) * 0.3, end: Double(index) * 0.3 + 0.25, probability: 0.9)
        }
        let result = Transcription(text: text, language: language, languageProbability: 1, noSpeechProbability: 0,
                                   averageLogProbability: -0.1, words: words)
        return take(reducer.reduce(.transcribed(id: request.id, result)))
    }

    /// Replies sent so far, as text.
    public var replies: [String] { sent.compactMap { if case .reply(let text) = $0 { return text } else { return nil } } }
    /// Derived events sent so far, as text.
    public var events: [String] { sent.compactMap { if case .event(let text) = $0 { return text } else { return nil } } }

    private mutating func record(_ type: RecordType, _ payload: [UInt8], after: Int64) -> [SessionEffect] {
        clock += after
        return take(reducer.reduce(.record(JournalRecord(type: type, sequence: 0, receivedAt: clock, payload: payload))))
    }

    private mutating func take(_ effects: [SessionEffect]) -> [SessionEffect] {
        for effect in effects {
            switch effect {
            case .send(let text): sent.append(.reply(text))
            case .event(let text): sent.append(.event(text))
            case .transcribe(let request): requests.append(request)
            case .identified, .violation: break
            }
        }
        return effects
    }
}

/// An in-memory connection, in the spirit of NIO's `EmbeddedChannel`: the test plays the
/// client (`client…` methods), the driver reads and writes as it would a WebSocket.
public actor MemoryTransport: SessionTransport {
    private var inbound: [JournalRecord] = []
    private var reader: CheckedContinuation<JournalRecord, Never>?
    private var clock: Int64 = 1_700_000_000_000_000
    private var disconnected = false
    private var ended = false
    public private(set) var sent: [OutboundMessage] = []
    public private(set) var serverClosedReason: String?
    private var sentWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    public init() {}

    public func clientSends(_ text: String) { deliver(.inboundText, Array(text.utf8)) }
    public func clientSendsAudio(_ bytes: [UInt8]) { deliver(.inboundBinary, bytes) }
    public func clientDisconnects(_ end: TransportEnd = .clientClosed) {
        clock += 20_000
        push(end.record(at: clock))
    }

    /// Waits until the server has sent at least `count` messages.
    public func waitForSent(_ count: Int) async {
        if sent.count >= count { return }
        await withCheckedContinuation { sentWaiters.append((count, $0)) }
    }

    public func receive() async -> JournalRecord {
        let record: JournalRecord
        if !inbound.isEmpty { record = inbound.removeFirst() } else { record = await withCheckedContinuation { reader = $0 } }
        // Like a socket, sends fail once the driver has seen the end, not when the client queued it.
        if record.type == .transportClosed { ended = true }
        return record
    }

    public func send(_ message: OutboundMessage) -> Bool {
        guard !ended else { return false }
        sent.append(message)
        let ready = sentWaiters.filter { $0.count <= sent.count }
        sentWaiters.removeAll { $0.count <= sent.count }
        for waiter in ready { waiter.continuation.resume() }
        return true
    }

    public func closeForServerFailure(reason: String) {
        serverClosedReason = reason
        clientDisconnects(.serverClosed)
    }

    private func deliver(_ type: RecordType, _ payload: [UInt8]) {
        clock += 20_000
        push(JournalRecord(type: type, sequence: 0, receivedAt: clock, payload: payload))
    }

    private func push(_ record: JournalRecord) {
        guard !disconnected else { return }
        if record.type == .transportClosed { disconnected = true }
        if let reader {
            self.reader = nil
            reader.resume(returning: record)
        } else {
            inbound.append(record)
        }
    }
}

/// A recorder that keeps records in memory, in the order the driver handed them over.
public actor MemoryRecorder: SessionRecorder {
    public private(set) var records: [(type: RecordType, payload: [UInt8])] = []
    public private(set) var sessionId: String?
    public private(set) var abandoned = false
    public private(set) var closed = false
    private let facts: ConnectionFacts

    /// `close` hands back a recording named after the session (no file is written).
    public init(facts: ConnectionFacts = ConnectionFacts(organization: "acme", keyId: "test", dialect: "seed", headers: [:], query: [:], path: "/")) {
        self.facts = facts
    }

    public func append(_ type: RecordType, receivedAt: Int64, payload: [UInt8]) { records.append((type, payload)) }
    public func identified(sessionId: String, negotiated: String) { if self.sessionId == nil { self.sessionId = sessionId } }
    public func abandon() { abandoned = true }
    public func close(receivedAt: Int64) -> SessionRecording? {
        closed = true
        let id = sessionId ?? "unidentified"
        return SessionRecording(header: SessionHeader(server: "test", facts: facts, sessionId: id, negotiated: "{}", components: [:]),
                                url: URL(fileURLWithPath: "/nonexistent/\(id).tdj"), failure: nil)
    }
    public var types: [RecordType] { records.map(\.type) }
}

/// Answers every request with canned text, in whatever order the test releases them: results
/// can be made to finish out of request order, which the driver must put back in order.
public actor StubTranscriber: Transcriber {
    private var texts: [Int: String] = [:]
    private var waiting: [Int: CheckedContinuation<Transcription, Never>] = [:]
    private var held: Bool
    public private(set) var requested: [Int] = []

    /// `held`: requests wait for `release(_:)`; otherwise each is answered at once.
    public init(held: Bool = false) { self.held = held }

    public func transcribe(_ request: TranscriptionRequest) async throws -> Transcription {
        requested.append(request.id)
        if !held { return Self.result(texts[request.id] ?? "utterance \(request.id)") }
        return await withCheckedContinuation { waiting[request.id] = $0 }
    }

    /// Answers request `id` once it has been asked for; false if it never was (after a bounded wait).
    @discardableResult
    public func release(_ id: Int, text: String? = nil) async -> Bool {
        for _ in 0..<100_000 where waiting[id] == nil { await Task.yield() }
        guard let waiter = waiting.removeValue(forKey: id) else { return false }
        waiter.resume(returning: Self.result(text ?? "utterance \(id)"))
        return true
    }

    static func result(_ text: String) -> Transcription {
        Transcription(text: text, language: "en", languageProbability: 1, noSpeechProbability: 0, averageLogProbability: -0.1, words: [])
    }
}

/// A clock the test does not wait on: sleeps return at once.
public struct ImmediateClock: SessionClock {
    public init() {}
    public func wallMicroseconds() -> Int64 { 1_700_000_000_000_000 }
    public func monotonicNanoseconds() -> UInt64 { 0 }
    public func sleep(nanoseconds: UInt64) async {}
}
