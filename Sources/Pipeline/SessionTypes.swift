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

/// What the reducer is told: one input type for everything a session reacts to.
public enum SessionAction: Sendable {
    /// A journaled record: inbound text or binary, a decision of the live server (`effect`,
    /// see `ServerDecision`), or the transport's end (`transportClosed`).
    case record(JournalRecord)
    /// The result for transcription request `id`; results are applied in request order.
    case transcribed(id: Int, Transcription)
    /// The server cannot keep the session (its journal storage failed): the protocol's way of
    /// saying so to the client. Not journaled — there is no journal to write it to.
    case serverFailure(String)
    /// The client asked to close and its last transcriptions would come too late (live only,
    /// decided by the driver's clock; not journaled): answer `closed` now and send no more
    /// events. Offline derivation never gets it, which is why a session cut this way has its
    /// CSV derived from its journal (`SessionDriver`).
    case answerCloseNow
}

/// What the reducer asks its driver to do.
public enum SessionEffect: Equatable, Sendable {
    /// Send this protocol reply (exactly these bytes; journaled as sent).
    case send(String)
    /// Send this derived event (transcript/analysis; exactly these bytes; journaled as sent).
    case event(String)
    /// The session is identified: its journal can be named and created.
    /// `details` is canonical JSON for the header's "negotiated" member.
    case identified(sessionId: String, details: String)
    /// Transcribe this utterance (off the event loop) and hand the result back, in order.
    case transcribe(TranscriptionRequest)
    /// The client broke the protocol and was answered (e.g. with `disconnect`): for the log.
    case violation(String)
}
