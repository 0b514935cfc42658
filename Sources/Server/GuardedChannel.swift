import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// Limits applied to every connection below HTTP and WebSocket.
struct ConnectionLimits: Sendable {
    var requestHeadTimeout: TimeAmount
    var maxRequestHeadBytes: Int
    var writeStallTimeout: TimeAmount

    init(_ configuration: ServerConfiguration) {
        requestHeadTimeout = .nanoseconds(Int64(configuration.requestHeadTimeoutSeconds * 1e9))
        maxRequestHeadBytes = configuration.maxRequestHeadBytes
        writeStallTimeout = .nanoseconds(Int64(configuration.writeStallTimeoutSeconds * 1e9))
    }
}

/// Wraps the HTTP/WebSocket child channel: puts the raw-byte guards in front of its pipeline,
/// and takes the connection's graceful shutdown away from the WebSocket library (see
/// `ShutdownSignal`) so that sessions close with 1001 within bounded time.
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let limits: ConnectionLimits
    let shutdown: ShutdownSignal

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let record = ConnectionRecords.shared.register(channel)
            try channel.pipeline.syncOperations.addHandlers([
                SlowReaderGuard(limit: limits.writeStallTimeout, record: record),
                RequestHeadGuard(timeout: limits.requestHeadTimeout, maxBytes: limits.maxRequestHeadBytes),
                ClientFrameGuard(record: record),
            ])
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        let base = self.base
        await withGracefulShutdownHandler {
            // Detached, so the graceful-shutdown handlers the library registers inside never see
            // this server's shutdown; cancellation is still passed on.
            let connection = Task.detached { await base.handle(value: value, logger: logger) }
            await withTaskCancellationHandler {
                await connection.value
            } onCancel: {
                connection.cancel()
            }
        } onGracefulShutdown: { [shutdown] in
            shutdown.begin()
        }
    }
}
