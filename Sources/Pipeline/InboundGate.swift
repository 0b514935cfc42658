import Synchronization

/// Back-pressure between a session's transport reader and its driver loop. The reader waits
/// here before taking the next message while too much is queued behind it: received bytes the
/// loop has not handled yet, or utterances waiting for transcription. While it waits nothing
/// reads the socket, so the WebSocket channel stops reading and TCP slows the client down.
/// A lock rather than an actor: `received`/`handled` are called from synchronous code paths.
final class InboundGate: Sendable {
    private struct State {
        var queuedBytes = 0
        var transcriptions = 0
        var open = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())
    private let maxBytes: Int
    private let maxTranscriptions: Int

    init(maxBytes: Int, maxTranscriptions: Int) {
        self.maxBytes = maxBytes
        self.maxTranscriptions = maxTranscriptions
    }

    private func hasRoom(_ state: State) -> Bool {
        state.open || (state.queuedBytes < maxBytes && state.transcriptions < maxTranscriptions)
    }

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
    func transcriptionQueued() { update { $0.transcriptions += 1 } }
    func transcriptionDone() { update { $0.transcriptions -= 1 } }
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
