import Foundation

/// The first record of every journal: everything a replay needs besides the records.
public struct SessionHeader: Codable, Equatable, Sendable {
    public static let currentFormat = 1
    public var format = SessionHeader.currentFormat
    public var server: String
    public var facts: ConnectionFacts
    public var sessionId: String
    /// Negotiated media, language, probe flag… as the session core reported them (JSON object).
    public var negotiated: String
    /// Identity of everything derived output depends on (engine, analyzer, options).
    public var components: [String: String]

    public init(server: String, facts: ConnectionFacts, sessionId: String, negotiated: String, components: [String: String]) {
        (self.server, self.facts, self.sessionId, self.negotiated, self.components) = (server, facts, sessionId, negotiated, components)
    }

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8]((try? encoder.encode(self)) ?? Data())
    }

    public static func decode(_ payload: [UInt8]) throws -> SessionHeader {
        try JSONDecoder().decode(SessionHeader.self, from: Data(payload))
    }
}

public enum TapedeckVersion {
    public static let current = "tapedeck 0.1.0"
}
