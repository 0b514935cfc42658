/// Genesys AudioHook v2, as its reference implementation behaves (docs/protocol.md).
/// Pure: messages in, events out; the caller owns the socket and the clock.
public struct AudioHookStage: Equatable, Sendable {
    public enum State: String, Sendable {
        case preparing = "PREPARING", active = "ACTIVE", paused = "PAUSED", closing = "CLOSING", closed = "CLOSED"
        /// We sent `disconnect` and wait for the client's `close`.
        case disconnecting = "DISCONNECTING"
    }

    public private(set) var state = State.preparing
    public private(set) var sessionId: String?
    public private(set) var clientSeq: Int64 = 0
    public private(set) var serverSeq: Int64 = 0
    public private(set) var media: MediaFormat?
    /// Samples per channel received, and gap samples reported, at the media rate.
    public private(set) var receivedSamples: Int64 = 0
    public private(set) var gapSamples: Int64 = 0
    private let organizationHeader: String?

    public static let maxTextLength = 65535

    public init(sessionIdHeader: String?, organizationHeader: String?) {
        sessionId = sessionIdHeader.flatMap { ProtocolIdentifiers.isUUID($0) ? $0.lowercased() : nil }
        self.organizationHeader = organizationHeader?.lowercased()
    }

    public var position: Int64 { receivedSamples + gapSamples }

    // MARK: Inbound

    public mutating func receive(text: String) -> [ProtocolEvent] {
        if state == .closed {
            // After `closed` only pings are answered (the reference does the same).
            if let message = try? JSONValue.parse(text), message["type"]?.stringValue == "ping", let seq = message["seq"]?.intValue {
                return [.send(reply("pong", clientseq: seq, parameters: .object([])))]
            }
            return []
        }
        guard text.utf8.count <= Self.maxTextLength else { return disconnectError("Text message too large (more than \(Self.maxTextLength) bytes)") }
        guard let message = try? JSONValue.parse(text) else { return disconnectError("Text message not valid JSON") }
        if case .failure(.tooLong)? = message["position"]?.stringValue.map(ProtocolDuration.parse) {
            return disconnectError("Invalid Message: position \(ProtocolDuration.ParseError.tooLong)")
        }
        guard let envelope = Envelope(message) else { return disconnectError("Message not a well-formed client message") }
        if sessionId == nil { sessionId = envelope.id }
        guard envelope.id == sessionId else { return disconnectError("Session identifier mismatch") }
        // seq ≥ 0, so seq - 1 cannot overflow (clientSeq + 1 could, at Int64.max).
        guard envelope.seq - 1 == clientSeq else { return disconnectError("Invalid seq value (not monotonically increasing)") }
        guard envelope.serverseq <= serverSeq else { return disconnectError("Invalid serverseq value") }
        clientSeq = envelope.seq
        let parameters = envelope.parameters

        if state == .disconnecting, !["close", "ping"].contains(envelope.type) { return [] }
        switch envelope.type {
        case "open": return open(parameters)
        case "ping": return [.send(reply("pong", parameters: .object([])))]
        case "close":
            guard state != .closing else { return [] }
            guard let reason = parameters["reason"]?.stringValue, ["end", "error", "disconnect", "reconnect"].contains(reason) else {
                return disconnectError("Invalid Message: Invalid/missing parameters")
            }
            state = .closing
            return [.closeRequested(reason: reason)]
        case "update":
            guard state == .active || state == .paused else { return [] }
            guard let language = parameters["language"]?.stringValue, ProtocolIdentifiers.isLanguageTag(language) else {
                return disconnectError("Invalid Message: Invalid/missing parameters")
            }
            return [.send(reply("updated", parameters: .object([]))), .languageChanged(language)]
        case "paused":
            if state == .active { state = .paused }
            return []
        case "resumed", "discarded":
            let start = parameters["start"]?.stringValue.map(ProtocolDuration.parse)
            let reported = parameters["discarded"]?.stringValue.map(ProtocolDuration.parse)
            if case .failure(.tooLong)? = start { return disconnectError("Invalid Message: start \(ProtocolDuration.ParseError.tooLong)") }
            if case .failure(.tooLong)? = reported { return disconnectError("Invalid Message: discarded \(ProtocolDuration.ParseError.tooLong)") }
            guard case .success? = start, case .success(let discarded)? = reported else {
                return disconnectError("Invalid Message: Invalid/missing parameters")
            }
            if envelope.type == "resumed" {
                guard state == .paused else { return [] }
                state = .active
            }
            guard let rate = media?.sampleRate else { return [] }
            let duration = discarded.samples(rate: rate)
            // The client's `start` is its own clock; our timeline counts samples plus reported gaps.
            guard duration <= remainingTimeline(rate: rate) else {
                return disconnectError("Invalid Message: discarded time would take the timeline past \(ProtocolDuration.maximum) (100 years)")
            }
            let at = position
            gapSamples += duration
            return duration > 0 ? [.gap(start: at, duration: duration)] : []
        case "error":
            guard let code = parameters["code"]?.intValue, let text = parameters["message"]?.stringValue else {
                return disconnectError("Invalid Message: Invalid/missing parameters")
            }
            return [.clientError(code: code, message: text)]
        default:
            return disconnectError("Invalid Message: '\(envelope.type)' is not a supported client message")
        }
    }

    public mutating func receive(binary bytes: [UInt8]) -> [ProtocolEvent] {
        switch state {
        case .active: break
        case .closed, .disconnecting: return []
        default: return disconnectError("Received audio in state \(state.rawValue)")
        }
        guard let media else { return [] }  // `opened` with no media: audio is not expected
        guard bytes.count % media.frameBytes == 0 else {
            return disconnectError("Binary data not a valid audio frame (\(bytes.count) bytes is not a multiple of \(media.frameBytes))")
        }
        if bytes.isEmpty { return [] }
        let frames = Int64(bytes.count / media.frameBytes)
        guard frames <= remainingTimeline(rate: media.sampleRate) else {
            return disconnectError("Audio would take the timeline past \(ProtocolDuration.maximum) (100 years)")
        }
        let at = position
        receivedSamples += frames
        return [.audio(bytes, position: at)]
    }

    // MARK: Server-originated messages

    /// An `event` message, when the state allows one (after `opened`, until `closed`).
    public mutating func event(entities: [JSONValue]) -> String? {
        guard [.active, .paused, .closing].contains(state) else { return nil }
        return reply("event", parameters: .object([("entities", .array(entities))]))
    }

    /// Answers the client's `close`, after any final events.
    public mutating func closed() -> String? {
        guard state == .closing || state == .disconnecting else { return nil }
        state = .closed
        return reply("closed", parameters: .object([]))
    }

    public mutating func disconnect(reason: String, info: String?) -> String? {
        guard [.preparing, .active, .paused].contains(state) else { return nil }
        state = .disconnecting
        var parameters: [(String, JSONValue)] = [("reason", .string(reason))]
        if let info { parameters.append(("info", .string(info))) }
        return reply("disconnect", parameters: .object(parameters))
    }

    public mutating func pause() -> String? {
        guard state == .active || state == .paused else { return nil }
        return reply("pause", parameters: .object([]))
    }

    public mutating func resume() -> String? {
        guard state == .paused else { return nil }
        return reply("resume", parameters: .object([]))
    }

    // MARK: Helpers

    /// Samples the timeline may still grow by. Keeping `position` within `ProtocolDuration.maximum`
    /// bounds every later conversion (16 kHz resampling, microseconds) far inside Int64.
    private func remainingTimeline(rate: Int) -> Int64 {
        ProtocolDuration.maximum.samples(rate: rate) - position
    }

    private mutating func open(_ parameters: JSONValue) -> [ProtocolEvent] {
        guard state == .preparing else { return [] }  // a second open is ignored
        guard let offer = OpenOffer(parameters) else { return disconnectError("Invalid Message: Invalid/missing parameters") }
        if let organizationHeader, organizationHeader != offer.organizationId.lowercased() {
            let message = disconnect(reason: "unauthorized", info: "organizationId does not match the Audiohook-Organization-Id header")
            return (message.map { [.send($0)] } ?? []) + [.violation("organization id mismatch")]
        }
        state = .active
        media = offer.selected?.format
        var opened: [(String, JSONValue)] = [
            ("media", .array(offer.selected.map { [$0.json] } ?? [])),
            ("startPaused", .bool(false)),
        ]
        if offer.wantsSupportedLanguages {
            opened.append(("supportedLanguages", .array(SupportedLanguages.audiohook.map { .string($0) })))
        }
        var session = NegotiatedSession(dialect: .audiohook, sessionId: sessionId ?? "", media: media, language: offer.language)
        session.isProbe = offer.isProbe
        session.organizationId = offer.organizationId
        session.conversationId = offer.conversationId
        session.participant = offer.participant
        session.customConfig = offer.customConfig
        session.continuedSessions = offer.continuedSessions
        return [.send(reply("opened", parameters: .object(opened))), .opened(session)]
    }

    private mutating func disconnectError(_ info: String) -> [ProtocolEvent] {
        guard let message = disconnect(reason: "error", info: "Client Error: " + info) else { return [.violation(info)] }
        return [.send(message), .violation(info)]
    }

    private mutating func reply(_ type: String, clientseq: Int64? = nil, parameters: JSONValue) -> String {
        serverSeq += 1
        return JSONValue.object([
            ("version", .string("2")),
            ("id", .string(sessionId ?? ProtocolIdentifiers.nilUUID)),
            ("type", .string(type)),
            ("seq", .int(serverSeq)),
            ("clientseq", .int(clientseq ?? clientSeq)),
            ("parameters", parameters),
        ]).serialized
    }
}

/// The fields every AudioHook client message must carry.
struct Envelope {
    var id: String
    var type: String
    var seq: Int64
    var serverseq: Int64
    var position: ProtocolDuration
    var parameters: JSONValue

    init?(_ message: JSONValue) {
        guard message["version"]?.stringValue == "2",
              let id = message["id"]?.stringValue, ProtocolIdentifiers.isUUID(id),
              let type = message["type"]?.stringValue, !type.isEmpty,
              let seq = message["seq"]?.intValue, seq >= 0,
              let serverseq = message["serverseq"]?.intValue, serverseq >= 0,
              let position = message["position"]?.stringValue.flatMap(ProtocolDuration.init),
              let parameters = message["parameters"], parameters.isObject else { return nil }
        (self.id, self.type, self.seq, self.serverseq, self.position, self.parameters) = (id.lowercased(), type, seq, serverseq, position, parameters)
    }
}

/// A validated AudioHook `open`.
struct OpenOffer {
    struct Media {
        var json: JSONValue
        var format: MediaFormat
    }

    var organizationId: String
    var conversationId: String
    var participant: JSONValue
    var offered: [Media]
    var language: String?
    var wantsSupportedLanguages: Bool
    var customConfig: JSONValue?
    /// A reconnecting client's earlier sessions ([{id, serverseq, clientseq}]), kept as sent.
    var continuedSessions: JSONValue?

    var selected: Media? { offered.first }
    var isProbe: Bool {
        conversationId == ProtocolIdentifiers.nilUUID && participant["id"]?.stringValue == ProtocolIdentifiers.nilUUID
    }

    init?(_ p: JSONValue) {
        guard let org = p["organizationId"]?.stringValue, ProtocolIdentifiers.isUUID(org),
              let conversation = p["conversationId"]?.stringValue, ProtocolIdentifiers.isUUID(conversation),
              let participant = p["participant"], participant.isObject,
              let participantId = participant["id"]?.stringValue, ProtocolIdentifiers.isUUID(participantId),
              participant["ani"]?.stringValue != nil, participant["aniName"]?.stringValue != nil, participant["dnis"]?.stringValue != nil,
              let media = p["media"]?.arrayValue else { return nil }
        var offered: [Media] = []
        for item in media {
            guard item["type"]?.stringValue == "audio",
                  let format = item["format"]?.stringValue, format == "PCMU" || format == "L16",
                  item["rate"]?.intValue == 8000,
                  let channels = item["channels"]?.arrayValue?.compactMap({ $0.stringValue }),
                  (1...2).contains(channels.count), Set(channels).count == channels.count,
                  channels.allSatisfy({ $0 == "external" || $0 == "internal" }) else { return nil }
            offered.append(Media(json: item, format: MediaFormat(encoding: format == "PCMU" ? .pcmu : .l16, sampleRate: 8000, channels: channels)))
        }
        if let language = p["language"] {
            guard let tag = language.stringValue, ProtocolIdentifiers.isLanguageTag(tag) else { return nil }
            self.language = tag
        }
        if let flag = p["supportedLanguages"] {
            guard let value = flag.boolValue else { return nil }
            wantsSupportedLanguages = value
        } else {
            wantsSupportedLanguages = false
        }
        if let config = p["customConfig"] {
            guard config.isObject else { return nil }
            customConfig = config
        }
        if let continued = p["continuedSessions"] {
            guard let items = continued.arrayValue, items.allSatisfy(Self.isContinuedSession) else { return nil }
            continuedSessions = continued
        }
        organizationId = org.lowercased()
        conversationId = conversation.lowercased()
        self.participant = participant
        self.offered = offered
    }

    /// `{id: UUID, serverseq: Int, clientseq: Int}`, as the protocol's message types define one.
    private static func isContinuedSession(_ item: JSONValue) -> Bool {
        guard item.isObject, let id = item["id"]?.stringValue, ProtocolIdentifiers.isUUID(id),
              let serverseq = item["serverseq"]?.intValue, serverseq >= 0,
              let clientseq = item["clientseq"]?.intValue, clientseq >= 0 else { return false }
        return true
    }
}
