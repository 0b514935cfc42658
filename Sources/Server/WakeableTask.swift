import Synchronization

/// A task that runs its work each time it is woken, one run at a time; wakes that come while it
/// runs collapse into one more run. The session index and the journal shipper write to the
/// control plane this way, so the calls that produce the rows never wait for it.
final class WakeableTask: Sendable {
    private let wake: AsyncStream<Void>.Continuation
    private let signals: Mutex<AsyncStream<Void>?>
    private let task = Mutex<Task<Void, Never>?>(nil)

    init() {
        let (signals, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wake = wake
        self.signals = Mutex(signals)
    }

    /// Starts the loop (once; the owner calls it when its own init is done, so `work` may hold it weakly).
    func start(_ work: @escaping @Sendable () async -> Void) {
        guard let signals = signals.withLock({ stream -> AsyncStream<Void>? in defer { stream = nil }; return stream }) else { return }
        let loop = Task { for await _ in signals { await work() } }
        task.withLock { $0 = loop }
    }

    func signal() { wake.yield() }

    deinit {
        wake.finish()
        task.withLock { $0?.cancel() }
    }
}
