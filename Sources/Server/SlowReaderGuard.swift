import NIOCore

/// Disconnects a client that does not read what the server sends. A write completes once the
/// kernel has taken it; while the client reads nothing, the socket's send buffer stays full and
/// writes stop completing. When writes are outstanding and none has completed for the limit, the
/// client is told 1008 (queued behind what it has not read, so only a slow reader will see it)
/// and the connection is closed, which frees everything queued for it. Without this a client
/// that floods pings and never reads the pongs holds its connection, and its queues, forever.
/// Progress is watched rather than the channel's writability, which can stay true while the
/// WebSocket layer has stopped reading behind a blocked pong.
final class SlowReaderGuard: ChannelOutboundHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let limit: TimeAmount
    private let record: ConnectionRecord
    private var outstanding = 0
    private var lastProgress = NIODeadline.now()
    private var check: Scheduled<Void>?

    init(limit: TimeAmount, record: ConnectionRecord) {
        self.limit = limit
        self.record = record
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let tracked = promise ?? context.eventLoop.makePromise(of: Void.self)
        if outstanding == 0 { lastProgress = .now() }
        outstanding += 1
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        tracked.futureResult.whenComplete { _ in
            let (handler, _) = bound.value
            handler.outstanding -= 1
            handler.lastProgress = .now()
        }
        if check == nil { schedule(context: context, at: lastProgress + limit) }
        context.write(data, promise: tracked)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
    }

    private func schedule(context: ChannelHandlerContext, at deadline: NIODeadline) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.check = nil
            handler.inspect(context: context)
        }
    }

    private func inspect(context: ChannelHandlerContext) {
        guard outstanding > 0, context.channel.isActive else { return }
        let due = lastProgress + limit
        guard due <= .now() else { return schedule(context: context, at: due) }
        record.record(.notReading)
        if record.upgraded {
            let frame = RawCloseFrame.bytes(code: 1008, reason: "client does not read")
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(context.channel.allocator.buffer(bytes: frame))), promise: nil)
        }
        context.close(promise: nil)
    }
}
