/// The two protocol dialects the endpoint speaks.
public enum Dialect: String, Codable, Sendable {
    /// The simple protocol in seed-guide.txt: 16 kHz mono PCM16, `?x-api-key=`.
    case seed
    /// Genesys Cloud AudioHook v2.
    case audiohook
}

/// How the audio of a session is encoded, as negotiated by `open`/`opened`.
public struct MediaFormat: Equatable, Hashable, Sendable {
    public enum Encoding: String, Sendable {
        /// 16-bit little-endian linear PCM (seed `audio/pcm`).
        case pcm16le
        /// G.711 µ-law (AudioHook `PCMU`).
        case pcmu
        /// 16-bit linear (AudioHook `L16`), read little-endian as the reference does.
        case l16
    }

    public var encoding: Encoding
    public var sampleRate: Int
    /// Channel names in wire order: `["mono"]` for the seed, `external`/`internal` for AudioHook.
    public var channels: [String]

    public init(encoding: Encoding, sampleRate: Int, channels: [String]) {
        (self.encoding, self.sampleRate, self.channels) = (encoding, sampleRate, channels)
    }

    public var bytesPerSample: Int { encoding == .pcmu ? 1 : 2 }
    /// Bytes of one sample on every channel.
    public var frameBytes: Int { bytesPerSample * channels.count }

    public var json: JSONValue {
        .object([("encoding", .string(encoding.rawValue)), ("rate", .int(Int64(sampleRate))),
                 ("channels", .array(channels.map { .string($0) }))])
    }
}

/// What `open` established. Written (as `json`) into the session header.
public struct NegotiatedSession: Equatable, Sendable {
    public var dialect: Dialect
    public var sessionId: String
    public var media: MediaFormat?
    /// Requested language (`en`, `tr`, `en-US`…), nil for auto-detect.
    public var language: String?
    /// An AudioHook connection probe: complete the handshake, record nothing, write no CSV.
    public var isProbe = false
    public var organizationId: String?
    public var conversationId: String?
    public var participant: JSONValue?
    public var customConfig: JSONValue?
    /// AudioHook `continuedSessions`: the sessions a reconnecting client continues, as sent.
    public var continuedSessions: JSONValue?

    public init(dialect: Dialect, sessionId: String, media: MediaFormat?, language: String?) {
        (self.dialect, self.sessionId, self.media, self.language) = (dialect, sessionId, media, language)
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("dialect", .string(dialect.rawValue)),
            ("sessionId", .string(sessionId)),
            ("media", media?.json ?? .null),
            ("language", language.map { .string($0) } ?? .null),
            ("probe", .bool(isProbe)),
        ]
        if let organizationId { members.append(("organizationId", .string(organizationId))) }
        if let conversationId { members.append(("conversationId", .string(conversationId))) }
        if let participant { members.append(("participant", participant)) }
        if let customConfig { members.append(("customConfig", customConfig)) }
        if let continuedSessions { members.append(("continuedSessions", continuedSessions)) }
        return .object(members)
    }
}

/// What the protocol layer tells the rest of the session.
public enum ProtocolEvent: Equatable, Sendable {
    /// Send this text to the client, exactly.
    case send(String)
    /// `open` was accepted (the `opened` reply is in a `.send` just before).
    case opened(NegotiatedSession)
    /// Audio bytes in the negotiated format; `position` is the timeline position (samples per
    /// channel at the media rate, paused/discarded gaps included) of the first sample.
    case audio([UInt8], position: Int64)
    /// The client reports audio it did not send (paused or discarded), in samples.
    case gap(start: Int64, duration: Int64)
    case languageChanged(String)
    /// The client asked to close: flush final results with `event(…)`, then call `closed()`.
    case closeRequested(reason: String)
    /// The client reported an error (AudioHook `error` message).
    case clientError(code: Int64, message: String)
    /// A protocol violation was answered (e.g. with `disconnect`); the driver logs it.
    case violation(String)
}

/// The supported recognition languages, as each dialect names them.
public enum SupportedLanguages {
    public static let seed = ["en", "tr"]
    public static let audiohook = ["en-US", "tr-TR"]
}
