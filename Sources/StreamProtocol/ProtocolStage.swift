/// The protocol layer of a session, for either dialect. A client is AudioHook when its request
/// carries AudioHook headers, or when its first message is an AudioHook envelope (it has
/// `serverseq`); anything else speaks the seed dialect.
public struct ProtocolStage: Equatable, Sendable {
    enum Dialected: Equatable, Sendable {
        case undecided
        case seed(SeedStage)
        case audiohook(AudioHookStage)
    }

    private var stage: Dialected
    private let sessionIdHeader: String?
    private let organizationHeader: String?

    /// - Parameters:
    ///   - dialectHint: `.audiohook` when the upgrade request had AudioHook headers.
    ///   - headers: lower-cased request headers.
    public init(dialectHint: Dialect?, headers: [String: String]) {
        sessionIdHeader = headers["audiohook-session-id"]
        organizationHeader = headers["audiohook-organization-id"]
        switch dialectHint {
        case .audiohook?: stage = .audiohook(AudioHookStage(sessionIdHeader: sessionIdHeader, organizationHeader: organizationHeader))
        case .seed?, nil: stage = .undecided
        }
    }

    public var dialect: Dialect? {
        switch stage {
        case .undecided: return nil
        case .seed: return .seed
        case .audiohook: return .audiohook
        }
    }

    public mutating func receive(text: String) -> [ProtocolEvent] {
        if case .undecided = stage {
            let message = try? JSONValue.parse(text)
            if message?["serverseq"] != nil || message?["parameters"]?["media"]?.arrayValue?.first?["format"] != nil {
                stage = .audiohook(AudioHookStage(sessionIdHeader: sessionIdHeader, organizationHeader: organizationHeader))
            } else {
                stage = .seed(SeedStage())
            }
        }
        switch stage {
        case .undecided: return []
        case .seed(var s): defer { stage = .seed(s) }; return s.receive(text: text)
        case .audiohook(var s): defer { stage = .audiohook(s) }; return s.receive(text: text)
        }
    }

    public mutating func receive(binary: [UInt8]) -> [ProtocolEvent] {
        if case .undecided = stage { stage = .seed(SeedStage()) }
        switch stage {
        case .undecided: return []
        case .seed(var s): defer { stage = .seed(s) }; return s.receive(binary: binary)
        case .audiohook(var s): defer { stage = .audiohook(s) }; return s.receive(binary: binary)
        }
    }

    /// Wraps derived results for the client: seed `parameters` = `{entity, analysis}`, AudioHook
    /// `parameters` = `{entities: [...]}`. Nil when the session state allows no event.
    public mutating func event(seed parameters: JSONValue, audiohook entities: [JSONValue]) -> String? {
        switch stage {
        case .undecided: return nil
        case .seed(let s): return s.event(parameters: parameters)
        case .audiohook(var s): defer { stage = .audiohook(s) }; return s.event(entities: entities)
        }
    }

    public mutating func closed() -> String? {
        switch stage {
        case .undecided: return nil
        case .seed(var s): defer { stage = .seed(s) }; return s.closed()
        case .audiohook(var s): defer { stage = .audiohook(s) }; return s.closed()
        }
    }

    /// Ends the session from the server side (AudioHook `disconnect`); nil for the seed dialect,
    /// which has no such message.
    public mutating func disconnect(reason: String, info: String?) -> String? {
        guard case .audiohook(var s) = stage else { return nil }
        defer { stage = .audiohook(s) }
        return s.disconnect(reason: reason, info: info)
    }
}
