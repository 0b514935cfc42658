/// The seed dialect (seed-guide.txt): `open` with `codec: audio/pcm`, 16 kHz mono PCM16 frames,
/// `event`s with `entity` and `analysis`, `close` → `closed`. The guide defines no sequence
/// numbers or error messages, so this side is lenient: a bad message gets an `error` reply
/// and the session goes on; nothing the client sent is dropped from the journal.
public struct SeedStage: Equatable, Sendable {
    public enum State: String, Sendable { case awaitingOpen, active, closing, closed }

    public private(set) var state = State.awaitingOpen
    public private(set) var sessionId: String?
    public private(set) var receivedSamples: Int64 = 0
    /// A trailing odd byte, kept until the next frame completes the sample.
    private var carry: UInt8?

    public static let media = MediaFormat(encoding: .pcm16le, sampleRate: 16000, channels: ["mono"])
    public static let maxTextLength = 65535

    public init() {}

    public mutating func receive(text: String) -> [ProtocolEvent] {
        guard text.utf8.count <= Self.maxTextLength else { return error(413, "text message too large (more than \(Self.maxTextLength) bytes)") }
        guard let message = try? JSONValue.parse(text), message.isObject else { return error(400, "text message is not a JSON object") }
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

    // MARK: Helpers

    private mutating func open(_ message: JSONValue) -> [ProtocolEvent] {
        guard state == .awaitingOpen else { return [] }  // a second open is ignored, as in AudioHook
        guard let id = message["id"]?.stringValue, !id.isEmpty, id.utf8.count <= 256 else {
            return error(400, "open needs a non-empty \"id\" (the session id)")
        }
        let parameters = message["parameters"] ?? .object([])
        var accepted: JSONValue = .object([("type", .string("audio")), ("codec", .string("audio/pcm"))])
        if let media = parameters["media"] {
            guard let offers = media.arrayValue, let pcm = offers.first(where: { $0["type"]?.stringValue == "audio" && $0["codec"]?.stringValue == "audio/pcm" }) else {
                return error(415, "no supported media: offer {\"type\":\"audio\",\"codec\":\"audio/pcm\"} (PCM16, 16 kHz, mono)")
            }
            accepted = pcm
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
            ("media", .array([accepted])),
            ("supportedLanguages", .array(SupportedLanguages.seed.map { .string($0) })),
        ]))
        return [.send(opened), .opened(NegotiatedSession(dialect: .seed, sessionId: id, media: Self.media, language: language))]
    }

    /// `en`, `tr`, or a tag such as `en-US`/`tr_TR` → its primary language; nil if unsupported.
    static func language(_ text: String) -> String? {
        let primary = text.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        return SupportedLanguages.seed.contains(primary) ? primary : nil
    }

    private func envelope(_ type: String, parameters: JSONValue) -> String {
        JSONValue.object([
            ("version", .string("2")),
            ("type", .string(type)),
            ("id", .string(sessionId ?? "")),
            ("parameters", parameters),
        ]).serialized
    }

    private func error(_ code: Int64, _ message: String) -> [ProtocolEvent] {
        [.send(envelope("error", parameters: .object([("code", .int(code)), ("message", .string(message))]))), .violation(message)]
    }
}
