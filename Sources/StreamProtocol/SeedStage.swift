/// The seed dialect (seed-guide.txt): `open` with `codec: audio/pcm`, 16 kHz mono PCM16 frames,
/// `event`s with `entity` and `analysis`, `close` → `closed`. The guide defines no sequence
/// numbers or error messages, so this side is lenient: a bad message gets an `error` reply
/// and the session goes on; nothing the client sent is dropped from the journal.
public struct SeedStage: Equatable, Sendable {
    public enum State: String, Sendable { case awaitingOpen, active, closing, closed }

    public private(set) var state = State.awaitingOpen
    public private(set) var sessionId: String?
    /// The id of the client's latest message, so errors before (or instead of) a successful
    /// `open` still name the session the client meant.
    private var clientId: String?
    public private(set) var receivedSamples: Int64 = 0
    /// A trailing odd byte, kept until the next frame completes the sample.
    private var carry: UInt8?

    public static let media = MediaFormat(encoding: .pcm16le, sampleRate: 16000, channels: ["mono"])
    public static let maxTextLength = 65535

    public init() {}

    public mutating func receive(text: String) -> [ProtocolEvent] {
        guard text.utf8.count <= Self.maxTextLength else { return error(413, "text message too large (more than \(Self.maxTextLength) bytes)") }
        guard let message = try? JSONValue.parse(text), message.isObject else { return error(400, "text message is not a JSON object") }
        if let id = message["id"]?.stringValue, Self.isUsableId(id) { clientId = id }
        guard let type = message["type"]?.stringValue else { return error(400, "message has no \"type\"") }
        if state == .closed {
            return type == "ping" ? [.send(envelope("pong", parameters: .object([])))] : []
        }
        switch type {
        case "open": return open(message)
        case "ping": return [.send(envelope("pong", parameters: .object([])))]
        case "update":
            guard state == .active else { return error(409, "update before open") }
            guard let language = message["parameters"]?["language"]?.stringValue, let normalized = Self.language(language) else {
                return error(400, "update needs parameters.language (\(SupportedLanguages.seed.joined(separator: ", ")))")
            }
            return [.send(envelope("updated", parameters: .object([]))), .languageChanged(normalized)]
        case "close":
            guard state != .closing else { return [] }
            state = .closing
            return [.closeRequested(reason: message["parameters"]?["reason"]?.stringValue ?? "end")]
        default:
            return error(400, "\"\(type)\" is not a supported message (open, ping, update, close)")
        }
    }

    public mutating func receive(binary bytes: [UInt8]) -> [ProtocolEvent] {
        guard state == .active else {
            if state == .closed || state == .closing { return [] }
            return error(409, "audio before open: send the open message first")
        }
        var samples = bytes
        if let carry { samples.insert(carry, at: 0); self.carry = nil }
        if samples.count % 2 == 1 { carry = samples.removeLast() }
        guard !samples.isEmpty else { return [] }
        let at = receivedSamples
        receivedSamples += Int64(samples.count / 2)
        return [.audio(samples, position: at)]
    }

    /// An `event` with the transcript entity and (once there is one) the analysis.
    public func event(parameters: JSONValue) -> String? {
        guard state == .active || state == .closing else { return nil }
        return envelope("event", parameters: parameters)
    }

    public mutating func closed() -> String? {
        guard state == .closing else { return nil }
        state = .closed
        return envelope("closed", parameters: .object([]))
    }

    /// The server ends the session on its own account (a draining server's deadline): the stage
    /// moves to closing as if the client had sent `close`, so the caller answers `closed` once
    /// the final results are out. The guide has no server-side `disconnect`; `closed` is the
    /// message that tells a seed client the session is over. False when the session is already
    /// closing or closed.
    public mutating func serverClose() -> Bool {
        guard state == .awaitingOpen || state == .active else { return false }
        state = .closing
        return true
    }

    /// An `error` the server sends on its own account, not in answer to a bad message.
    public func serverError(code: Int64, message: String) -> String? {
        guard state != .closed else { return nil }
        return envelope("error", parameters: .object([("code", .int(code)), ("message", .string(message))]))
    }

    // MARK: Helpers

    private mutating func open(_ message: JSONValue) -> [ProtocolEvent] {
        guard state == .awaitingOpen else { return [] }  // a second open is ignored, as in AudioHook
        guard let id = message["id"]?.stringValue, Self.isUsableId(id) else {
            return error(400, "open needs a non-empty \"id\" (the session id, at most 256 bytes)")
        }
        let parameters = message["parameters"] ?? .object([])
        if let media = parameters["media"] {
            // An offer may name its rate and channels; only 16 kHz mono is decoded, so an offer
            // of anything else is refused rather than silently decoded as 16 kHz mono.
            guard let offers = media.arrayValue, offers.contains(where: Self.isSupported) else {
                return error(415, "no supported media: offer {\"type\":\"audio\",\"codec\":\"audio/pcm\"} (PCM16, 16 kHz, mono; \"rate\": 16000 and \"channels\": 1 if given)")
            }
        }
        var language: String?
        if let requested = parameters["language"]?.stringValue {
            guard let normalized = Self.language(requested) else {
                return error(400, "language \"\(requested)\" is not supported (\(SupportedLanguages.seed.joined(separator: ", ")), or omit it to auto-detect)")
            }
            language = normalized
        }
        sessionId = id
        state = .active
        let opened = envelope("opened", parameters: .object([
            ("startPaused", .bool(false)),
            ("media", .array([Self.acceptedMedia])),
            ("supportedLanguages", .array(SupportedLanguages.seed.map { .string($0) })),
        ]))
        return [.send(opened), .opened(NegotiatedSession(dialect: .seed, sessionId: id, media: Self.media, language: language))]
    }

    /// What the session will decode, stated in full whatever the offer left out.
    static let acceptedMedia: JSONValue = .object([
        ("type", .string("audio")), ("codec", .string("audio/pcm")), ("rate", .int(16000)), ("channels", .int(1)),
    ])

    /// A seed media offer this stage can honour: PCM16 audio, and if the offer names a rate or a
    /// channel count, 16000 and 1 (`"mono"` or `["mono"]` also read as one channel).
    static func isSupported(_ offer: JSONValue) -> Bool {
        guard offer["type"]?.stringValue == "audio", offer["codec"]?.stringValue == "audio/pcm" else { return false }
        if let rate = offer["rate"], rate.intValue != 16000 { return false }
        if let channels = offer["channels"] {
            let one = channels.intValue == 1 || channels.stringValue == "mono"
                || channels.arrayValue.map { $0.count == 1 && $0[0].stringValue == "mono" } == true
            if !one { return false }
        }
        return true
    }

    static func isUsableId(_ id: String) -> Bool { !id.isEmpty && id.utf8.count <= 256 }

    /// `en`, `tr`, or a tag such as `en-US`/`tr_TR` → its primary language; nil if unsupported.
    static func language(_ text: String) -> String? {
        let primary = text.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        return SupportedLanguages.seed.contains(primary) ? primary : nil
    }

    private func envelope(_ type: String, parameters: JSONValue) -> String {
        JSONValue.object([
            ("version", .string("2")),
            ("type", .string(type)),
            ("id", .string(sessionId ?? clientId ?? "")),
            ("parameters", parameters),
        ]).serialized
    }

    private func error(_ code: Int64, _ message: String) -> [ProtocolEvent] {
        [.send(envelope("error", parameters: .object([("code", .int(code)), ("message", .string(message))]))), .violation(message)]
    }
}
