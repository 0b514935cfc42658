import Synchronization
import NIOCore

/// Why the server cut a connection below the WebSocket layer; the session journals it as the
/// transport's end.
enum ConnectionVerdict: Sendable, Equatable {
    /// The client stopped reading what we send (1008).
    case notReading
    /// The client broke RFC 6455 framing, e.g. sent an unmasked frame (1002).
    case protocolViolation
}

/// What the channel handlers of one connection learn about it, for the session that serves it.
final class ConnectionRecord: Sendable {
    private let state = Mutex<(upgraded: Bool, verdict: ConnectionVerdict?)>((false, nil))

    /// Set once the 101 response has been written: from then on the bytes are WebSocket frames.
    var upgraded: Bool {
        get { state.withLock { $0.upgraded } }
        set { state.withLock { $0.upgraded = newValue } }
    }

    /// The first verdict wins: later ones are consequences of it.
    var verdict: ConnectionVerdict? { state.withLock { $0.verdict } }
    func record(_ verdict: ConnectionVerdict) { state.withLock { if $0.verdict == nil { $0.verdict = verdict } } }
}

/// Finds a connection's record from its channel (the WebSocket handler only gets the channel).
final class ConnectionRecords: Sendable {
    static let shared = ConnectionRecords()
    private let records = Mutex<[ObjectIdentifier: ConnectionRecord]>([:])

    func register(_ channel: any Channel) -> ConnectionRecord {
        let record = ConnectionRecord()
        let key = ObjectIdentifier(channel)
        records.withLock { $0[key] = record }
        channel.closeFuture.whenComplete { _ in self.records.withLock { _ = $0.removeValue(forKey: key) } }
        return record
    }

    func record(for channel: any Channel) -> ConnectionRecord? {
        records.withLock { $0[ObjectIdentifier(channel)] }
    }
}

/// A server close frame written below the WebSocket layer, for connections cut by a channel handler.
enum RawCloseFrame {
    static func bytes(code: UInt16, reason: String) -> [UInt8] {
        let text = Array(reason.utf8.prefix(123))
        return [0x88, UInt8(2 + text.count), UInt8(code >> 8), UInt8(code & 0xFF)] + text
    }
}
