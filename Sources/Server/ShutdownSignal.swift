import Synchronization

/// The server's graceful shutdown, told to every live session. Sessions react themselves (close
/// with 1001, bounded waits) instead of leaving it to the WebSocket library, whose own handler
/// closes with 1000 and then waits for the client without a limit.
final class ShutdownSignal: Sendable {
    private struct State {
        var begun = false
        var nextId = 0
        var handlers: [Int: @Sendable () -> Void] = [:]
    }
    private let state = Mutex(State())

    var isShuttingDown: Bool { state.withLock { $0.begun } }

    /// Runs every registered handler once; later calls do nothing.
    func begin() {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.begun else { return [] }
            state.begun = true
            defer { state.handlers = [:] }
            return state.handlers.sorted { $0.key < $1.key }.map(\.value)
        }
        for handler in handlers { handler() }
    }

    /// Registers `handler`, or runs it now when the shutdown has already begun (then returns nil).
    func onShutdown(_ handler: @escaping @Sendable () -> Void) -> Int? {
        let id = state.withLock { state -> Int? in
            guard !state.begun else { return nil }
            state.nextId += 1
            state.handlers[state.nextId] = handler
            return state.nextId
        }
        if id == nil { handler() }
        return id
    }

    func remove(_ id: Int?) {
        guard let id else { return }
        state.withLock { _ = $0.handlers.removeValue(forKey: id) }
    }
}
