import Foundation
import NIOCore

/// Fired by `RequestHeadGuard` between the last byte of the request head and the first byte after it.
struct RequestHeadEnded: Sendable {
    /// The head asked for a WebSocket upgrade, so the bytes after it will be frames if it is granted.
    let wantsWebSocket: Bool
}

/// Slow-loris defence: a connection that has not sent its whole HTTP request head within the
/// timeout is answered 408 and closed, and a head over the size limit is answered 431 and closed.
/// NIO's parser has neither a clock nor an answer for an oversized head (with Hummingbird's
/// error handling off it just stalls), so this handler sits in front of it, watching raw bytes,
/// and removes itself once the head is complete.
final class RequestHeadGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let maxBytes: Int
    private var timer: Scheduled<Void>?
    private var seen = 0
    /// How much of CR LF CR LF the latest bytes matched.
    private var matched = 0
    private var head: [UInt8] = []
    private var done = false

    init(timeout: TimeAmount, maxBytes: Int) {
        self.timeout = timeout
        self.maxBytes = maxBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = bound.value
            handler.refuse(context: context, status: "408 Request Timeout")
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        let buffer = unwrapInboundIn(data)
        let terminator: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        for (offset, byte) in buffer.readableBytesView.enumerated() {
            if byte == terminator[matched] {
                matched += 1
            } else {
                matched = byte == 13 ? 1 : 0
            }
            if seen + offset + 1 > maxBytes {
                refuse(context: context, status: "431 Request Header Fields Too Large")
                return
            }
            if matched == 4 {
                end = offset + 1
                break
            }
        }
        guard let end else {
            seen += buffer.readableBytes
            head += buffer.readableBytesView
            context.fireChannelRead(data)
            return
        }
        done = true
        timer?.cancel()
        head += buffer.readableBytesView.prefix(end)
        context.fireChannelRead(wrapInboundOut(buffer.getSlice(at: buffer.readerIndex, length: end)!))
        context.fireUserInboundEventTriggered(RequestHeadEnded(wantsWebSocket: Self.wantsWebSocket(head)))
        if buffer.readableBytes > end {
            context.fireChannelRead(wrapInboundOut(buffer.getSlice(at: buffer.readerIndex + end, length: buffer.readableBytes - end)!))
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // A server shutting down need not wait for heads that may never come.
        if event is ChannelShouldQuiesceEvent, !done {
            done = true
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func refuse(context: ChannelHandlerContext, status: String) {
        guard !done else { return }
        done = true
        timer?.cancel()
        let response = "HTTP/1.1 \(status)\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        let bound = context.loopBound
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: response))).whenComplete { _ in
            // Told as the client's half-close, the upgrade handler gives up quietly; a bare close
            // would make the library log an error for every slow connection.
            bound.value.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            bound.value.close(promise: nil)
        }
    }

    static func wantsWebSocket(_ head: [UInt8]) -> Bool {
        let text = String(decoding: head, as: UTF8.self)
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == "upgrade",
               line[line.index(after: colon)...].lowercased().contains("websocket") {
                return true
            }
        }
        return false
    }
}
