import NIOCore

/// Disconnects a client that does not read what the server sends. While the socket's send buffer
/// is full the channel is unwritable; past the limit the client is told 1008 (queued behind what
/// it has not read, so only a slow reader will see it) and the connection is closed, which frees
/// everything queued for it. Without this a client that floods pings and never reads the pongs
/// holds the connection, and its queues, forever.
final class SlowReaderGuard: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let limit: TimeAmount
    private let record: ConnectionRecord
    private var timer: Scheduled<Void>?

    init(limit: TimeAmount, record: ConnectionRecord) {
        self.limit = limit
        self.record = record
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            timer?.cancel()
            timer = nil
        } else if timer == nil {
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: limit) {
                let (handler, context) = bound.value
                handler.disconnect(context: context)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    private func disconnect(context: ChannelHandlerContext) {
        guard !context.channel.isWritable else { return }
        record.record(.notReading)
        if record.upgraded {
            let frame = RawCloseFrame.bytes(code: 1008, reason: "client does not read")
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(context.channel.allocator.buffer(bytes: frame))), promise: nil)
        }
        context.close(promise: nil)
    }
}
