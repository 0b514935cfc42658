import Synchronization

/// Back-pressure between a session's transport reader and its driver loop. The reader waits
/// here before taking the next message while too many received bytes wait for the loop to
/// handle them (audio beyond the session's transcription bound waits inside the loop, so a
/// `close` behind it is still read). While it waits nothing
/// reads the socket, so the WebSocket channel stops reading and TCP slows the client down.
/// A lock rather than an actor: `received`/`handled` are called from synchronous code paths.
final class InboundGate: Sendable {
    private struct State {
        var queuedBytes = 0
        var open = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())
    private let maxBytes: Int

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    private func hasRoom(_ state: State) -> Bool { state.open || state.queuedBytes < maxBytes }

    /// Returns whether it had to wait.
    @discardableResult
    func waitForRoom() async -> Bool {
        if state.withLock({ hasRoom($0) }) { return false }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if hasRoom(state) { return true }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
        return true
    }

    func received(bytes: Int) { update { $0.queuedBytes += bytes } }
    func handled(bytes: Int) { update { $0.queuedBytes -= bytes } }
    /// For the end of the session: the reader must never be left waiting.
    func openForGood() { update { $0.open = true } }

    private func update(_ change: (inout State) -> Void) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            change(&state)
            guard hasRoom(state), let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }
}
