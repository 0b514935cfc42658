import Journal
import StreamProtocol

/// Composes a session's stages into one pure reducer over journaled records (DESIGN.md, data
/// flow). The protocol stage answers the client; later stages (audio, segmenter, transcriber,
/// analyzer) hang off its audio and close events.
public struct SessionReducer: SessionCore {
    public private(set) var protocolStage: ProtocolStage
    public private(set) var negotiated: NegotiatedSession?

    public init(facts: ConnectionFacts) {
        protocolStage = ProtocolStage(dialectHint: facts.dialect == Dialect.audiohook.rawValue ? .audiohook : nil, headers: facts.headers)
    }

    public mutating func handle(_ record: JournalRecord) -> [SessionEffect] {
        let events: [ProtocolEvent]
        switch record.type {
        case .inboundText:
            events = protocolStage.receive(text: record.text ?? String(decoding: record.payload, as: UTF8.self))
        case .inboundBinary:
            events = protocolStage.receive(binary: record.payload)
        default:
            return []
        }
        var effects: [SessionEffect] = []
        for event in events {
            switch event {
            case .send(let text):
                effects.append(.send(text))
            case .opened(let session):
                negotiated = session
                effects.append(.identified(sessionId: session.sessionId, details: session.json.serialized))
            case .closeRequested:
                // No derived results are pending in a protocol-only session: answer at once.
                if let closed = protocolStage.closed() { effects.append(.send(closed)) }
            case .audio, .gap, .languageChanged, .clientError, .violation:
                break
            case .closeSocket:
                effects.append(.closeSocket)
            }
        }
        return effects
    }
}
