/// The protocol layer of a session, for either dialect. The dialect is decided once, from the
/// upgrade request, and never changes: a request with AudioHook headers (which must also carry a
/// valid RFC 9421 signature to get this far) speaks AudioHook; every other request speaks the
/// seed dialect, whatever its messages look like. Sniffing the first message would let a
/// seed-authenticated client (`?x-api-key=` only, no signature) open an AudioHook session.
public struct ProtocolStage: Equatable, Sendable {
    enum Dialected: Equatable, Sendable {
        case seed(SeedStage)
        case audiohook(AudioHookStage)
    }

    private var stage: Dialected

    /// - Parameters:
    ///   - dialect: decided by the upgrade request.
    ///   - headers: lower-cased request headers.
    public init(dialect: Dialect, headers: [String: String]) {
        switch dialect {
        case .audiohook:
            stage = .audiohook(AudioHookStage(sessionIdHeader: headers["audiohook-session-id"],
                                              organizationHeader: headers["audiohook-organization-id"]))
        case .seed:
            stage = .seed(SeedStage())
        }
    }

    public var dialect: Dialect {
        switch stage {
        case .seed: return .seed
        case .audiohook: return .audiohook
        }
    }

    public mutating func receive(text: String) -> [ProtocolEvent] {
        switch stage {
        case .seed(var s): defer { stage = .seed(s) }; return s.receive(text: text)
        case .audiohook(var s): defer { stage = .audiohook(s) }; return s.receive(text: text)
        }
    }

    public mutating func receive(binary: [UInt8]) -> [ProtocolEvent] {
        switch stage {
        case .seed(var s): defer { stage = .seed(s) }; return s.receive(binary: binary)
        case .audiohook(var s): defer { stage = .audiohook(s) }; return s.receive(binary: binary)
        }
    }

    /// Wraps derived results for the client: seed `parameters` = `{entity, analysis}`, AudioHook
    /// `parameters` = `{entities: [...]}`. Nil when the session state allows no event.
    public mutating func event(seed parameters: JSONValue, audiohook entities: [JSONValue]) -> String? {
        switch stage {
        case .seed(let s): return s.event(parameters: parameters)
        case .audiohook(var s): defer { stage = .audiohook(s) }; return s.event(entities: entities)
        }
    }

    public mutating func closed() -> String? {
        switch stage {
        case .seed(var s): defer { stage = .seed(s) }; return s.closed()
        case .audiohook(var s): defer { stage = .audiohook(s) }; return s.closed()
        }
    }

    /// The server cannot go on with the session (its journal storage failed, say): seed gets an
    /// `error` (the caller then closes the socket with 1011), AudioHook a `disconnect` with
    /// reason `error`. Nil when the session state allows no message.
    public mutating func serverFailure(code: Int64, message: String) -> String? {
        switch stage {
        case .seed(let s): return s.serverError(code: code, message: message)
        case .audiohook(var s): defer { stage = .audiohook(s) }; return s.disconnect(reason: "error", info: message)
        }
    }

    /// Seed only: the server ends the session (see `SeedStage.serverClose`); the caller answers
    /// `closed` as it would a client's `close`. False for AudioHook (use `disconnect`) and when
    /// the session is already closing.
    public mutating func serverClose() -> Bool {
        guard case .seed(var s) = stage else { return false }
        defer { stage = .seed(s) }
        return s.serverClose()
    }

    /// Ends the session from the server side (AudioHook `disconnect`); nil for the seed dialect,
    /// which has no such message.
    public mutating func disconnect(reason: String, info: String?) -> String? {
        guard case .audiohook(var s) = stage else { return nil }
        defer { stage = .audiohook(s) }
        return s.disconnect(reason: reason, info: info)
    }
}
