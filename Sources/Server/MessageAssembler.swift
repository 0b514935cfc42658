import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// A whole client message, as the session journals it.
enum ClientMessage: Sendable, Equatable {
    case text([UInt8])
    case binary([UInt8])
}

/// A client message that breaks RFC 6455, with the close code it earns.
enum MessageRuleViolation: Error, Equatable, CustomStringConvertible {
    case tooLarge(limit: Int)
    case invalidUTF8
    case unexpectedContinuation
    case unfinishedMessage

    var closeCode: WebSocketErrorCode {
        switch self {
        case .tooLarge: return .messageTooLarge                       // 1009
        case .invalidUTF8: return .dataInconsistentWithMessage        // 1007
        case .unexpectedContinuation, .unfinishedMessage: return .protocolError  // 1002
        }
    }

    var description: String {
        switch self {
        case .tooLarge(let limit): return "message larger than \(limit) bytes"
        case .invalidUTF8: return "text message is not valid UTF-8"
        case .unexpectedContinuation: return "continuation frame without a message to continue"
        case .unfinishedMessage: return "new message before the previous one was finished"
        }
    }
}

/// Joins fragmented frames into messages under the size limit and checks text is UTF-8. The
/// library's own message reader does both, but its errors are internal types, and caught by the
/// session they would close with 1000; here each violation carries its RFC 6455 code.
struct MessageAssembler {
    let maxSize: Int
    private var isText = false
    private var parts: [UInt8]?

    init(maxSize: Int) { self.maxSize = maxSize }

    mutating func add(_ frame: WebSocketDataFrame) throws(MessageRuleViolation) -> ClientMessage? {
        switch frame.opcode {
        case .text, .binary:
            guard parts == nil else { throw .unfinishedMessage }
            isText = frame.opcode == .text
            parts = []
        case .continuation:
            guard parts != nil else { throw .unexpectedContinuation }
        }
        guard parts!.count + frame.data.readableBytes <= maxSize else { throw .tooLarge(limit: maxSize) }
        parts! += frame.data.readableBytesView
        guard frame.fin, let bytes = parts else { return nil }
        parts = nil
        guard isText else { return .binary(bytes) }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .invalidUTF8 }
        return .text(bytes)
    }
}
