import NIOCore

/// Finds WebSocket frame boundaries in raw client bytes and reports the first unmasked frame.
/// RFC 6455 §5.1: a server must fail the connection on any unmasked client frame, control frames
/// included; the WebSocket layer above never sees the mask bit, so this is checked on the wire.
struct ClientFrameScanner {
    private var header: [UInt8] = []
    private var remaining: UInt64 = 0

    /// Feeds the next bytes; returns the offset (in `bytes`) where an unmasked frame starts.
    mutating func scan(_ bytes: ByteBufferView) -> Int? {
        var offset = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if remaining > 0 {
                let skip = Int(min(remaining, UInt64(bytes.endIndex - index)))
                remaining -= UInt64(skip)
                index += skip
                offset += skip
                continue
            }
            header.append(bytes[index])
            index += 1
            offset += 1
            guard header.count >= 2 else { continue }
            if header[1] & 0x80 == 0 { return max(0, offset - header.count) }
            let short = header[1] & 0x7F
            let lengthBytes = short == 126 ? 2 : short == 127 ? 8 : 0
            guard header.count == 2 + lengthBytes + 4 else { continue }
            var length = UInt64(short)
            if lengthBytes > 0 { length = header[2..<(2 + lengthBytes)].reduce(0) { $0 << 8 | UInt64($1) } }
            header.removeAll(keepingCapacity: true)
            remaining = length
        }
        return nil
    }
}

/// Fails a WebSocket connection with 1002 when the client sends an unmasked frame. Sits in front
/// of the HTTP and WebSocket decoders; starts scanning right after a request head that asks for
/// an upgrade and steps aside for plain HTTP.
final class ClientFrameGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let record: ConnectionRecord
    private var scanning = false
    private var sawResponse = false
    private var scanner = ClientFrameScanner()
    private var failed = false

    init(record: ConnectionRecord) { self.record = record }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        guard scanning else { return context.fireChannelRead(data) }
        let buffer = unwrapInboundIn(data)
        guard let start = scanner.scan(buffer.readableBytesView) else { return context.fireChannelRead(data) }
        if start > 0 { context.fireChannelRead(wrapInboundOut(buffer.getSlice(at: buffer.readerIndex, length: start)!)) }
        failed = true
        record.record(.protocolViolation)
        let bound = context.loopBound
        guard record.upgraded else { return context.close(promise: nil) }
        let frame = RawCloseFrame.bytes(code: 1002, reason: "client frames must be masked")
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(context.channel.allocator.buffer(bytes: frame)))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let ended = event as? RequestHeadEnded {
            if ended.wantsWebSocket {
                scanning = true
            } else {
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if scanning, !sawResponse, case .byteBuffer(let buffer) = unwrapOutboundIn(data) {
            sawResponse = true
            if buffer.readableBytesView.starts(with: Array("HTTP/1.1 101".utf8)) {
                record.upgraded = true
            }
        }
        context.write(data, promise: promise)
    }
}
