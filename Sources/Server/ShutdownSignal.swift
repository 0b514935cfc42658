import Synchronization

/// The server's graceful shutdown, told to every live session. Sessions react themselves (close
/// with 1001, bounded waits) instead of leaving it to the WebSocket library, whose own handler
/// closes with 1000 and then waits for the client without a limit.
final class ShutdownSignal: Sendable {
    private let handlers = Mutex(OneShotHandlers())

    var isShuttingDown: Bool { handlers.withLock { $0.fired } }

    /// Runs every registered handler once; later calls do nothing.
    func begin() {
        for handler in handlers.withLock({ $0.fire() }) { handler() }
    }

    /// Registers `handler`, or runs it now when the shutdown has already begun (then returns nil).
    func onShutdown(_ handler: @escaping @Sendable () -> Void) -> Int? {
        let id = handlers.withLock { $0.add(handler) }
        if id == nil { handler() }
        return id
    }

    func remove(_ id: Int?) {
        handlers.withLock { $0.remove(id) }
    }
}
