import Journal

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

/// What a session core asks its connection to do.
public enum SessionEffect: Equatable, Sendable {
    /// Send this text message (exactly these bytes; journaled as sent).
    case send(String)
    /// The session is identified: its journal can be named and created.
    /// `details` is canonical JSON for the header's "negotiated" member.
    case identified(sessionId: String, details: String)
    /// Close the WebSocket after the sends before this effect.
    case closeSocket
}

/// The pure heart of a session: journaled records in, effects out. The live server and the
/// auditor's replay drive the same implementation with the same records.
public protocol SessionCore {
    init(facts: ConnectionFacts)
    mutating func handle(_ record: JournalRecord) -> [SessionEffect]
}
