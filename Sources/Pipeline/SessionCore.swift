import Journal
import Recognition

/// What a live connection established before the WebSocket opened. Written into the session
/// header, so a replay can rebuild the session core exactly as the live server did.
public struct ConnectionFacts: Codable, Equatable, Sendable {
    public var organization: String
    public var keyId: String
    /// "seed" or "audiohook", from the request (AudioHook headers or not).
    public var dialect: String
    /// Request headers, lower-cased names, without credentials (API key, signature).
    public var headers: [String: String]
    /// Query parameters, without credentials.
    public var query: [String: String]
    public var path: String

    public init(organization: String, keyId: String, dialect: String, headers: [String: String], query: [String: String], path: String) {
        (self.organization, self.keyId, self.dialect, self.headers, self.query, self.path) = (organization, keyId, dialect, headers, query, path)
    }
}

/// One utterance the session core wants transcribed. Requests are numbered from 0 in the order
/// the core made them; results must be applied in that order.
public struct TranscriptionRequest: Equatable, Sendable {
    public var id: Int
    public var channel: Int
    /// 16 kHz session-timeline positions (gaps included) of the first and just-after-last sample.
    public var startSample: Int64
    public var endSample: Int64
    /// 16 kHz mono samples in [-1, 1].
    public var samples: [Float]
    /// Primary language to decode in (`en`, `tr`), or nil to detect it.
    public var language: String?

    public init(id: Int, channel: Int, startSample: Int64, endSample: Int64, samples: [Float], language: String?) {
        (self.id, self.channel, self.startSample, self.endSample, self.samples, self.language) = (id, channel, startSample, endSample, samples, language)
    }
}

/// What a session core asks its connection to do.
public enum SessionEffect: Equatable, Sendable {
    /// Send this protocol reply (exactly these bytes; journaled as sent).
    case send(String)
    /// Send this derived event (transcript/analysis; exactly these bytes; journaled as sent).
    case event(String)
    /// The session is identified: its journal can be named and created.
    /// `details` is canonical JSON for the header's "negotiated" member.
    case identified(sessionId: String, details: String)
    /// Transcribe this utterance (off the event loop) and hand the result to `apply`, in order.
    case transcribe(TranscriptionRequest)
    /// Close the WebSocket after the sends before this effect.
    case closeSocket
}

/// The pure heart of a session: journaled records (and, in request order, the transcriptions it
/// asked for) in, effects out. The live server and the auditor's replay drive the same
/// implementation with the same records.
public protocol SessionCore {
    init(facts: ConnectionFacts, environment: SessionEnvironment)
    mutating func handle(_ record: JournalRecord) -> [SessionEffect]
    /// The result for request `id`; requests are applied in the order they were made.
    mutating func apply(_ result: Transcription, to id: Int) -> [SessionEffect]
    /// The server cannot keep the session (its journal storage failed): the protocol's way of
    /// saying so to the client. Not journaled — there is no journal to write it to.
    mutating func serverFailure(_ message: String) -> [SessionEffect]
}

extension SessionCore {
    public mutating func apply(_ result: Transcription, to id: Int) -> [SessionEffect] { [] }
    public mutating func serverFailure(_ message: String) -> [SessionEffect] { [] }
}
