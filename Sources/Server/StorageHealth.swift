import Dispatch
import Foundation
import Journal
import Synchronization

/// Whether session journals can be written right now. A session the server cannot journal is
/// a session it would lose, so new ones are refused (503) while the journal folder is full,
/// read-only or failing, and `/ready` says why. The state is probed in the background at most
/// once a second (never on an event loop: the probe `fdatasync`s) and marked broken at once when
/// a live session's journal fails.
final class StorageHealth: Sendable {
    private struct State {
        var problem: JournalError?
        var checkedAt: UInt64
        var probing = false
    }

    let directory: URL
    private let state: Mutex<State>
    private let queue = DispatchQueue(label: "tapedeck.storage-probe")
    static let refreshNanoseconds: UInt64 = 1_000_000_000

    /// Probes once, synchronously: a server should not start accepting on a broken disk.
    init(directory: URL) {
        self.directory = directory
        state = Mutex(State(problem: JournalDirectoryProbe.check(directory), checkedAt: JournalWriter.monotonicNow()))
    }

    /// The last known problem, nil when journals can be written. Starts a background re-probe
    /// when the answer is more than a second old.
    var problem: JournalError? {
        let now = JournalWriter.monotonicNow()
        let (problem, stale) = state.withLock { state -> (JournalError?, Bool) in
            let stale = !state.probing && now &- state.checkedAt >= Self.refreshNanoseconds
            if stale { state.probing = true }
            return (state.problem, stale)
        }
        if stale { queue.async { self.record(JournalDirectoryProbe.check(self.directory)) } }
        return problem
    }

    /// Probes now, off the caller's thread (for `/ready`).
    func probe() async -> JournalError? {
        await withCheckedContinuation { continuation in
            queue.async {
                let problem = JournalDirectoryProbe.check(self.directory)
                self.record(problem)
                continuation.resume(returning: problem)
            }
        }
    }

    /// A live session's journal failed: refuse new sessions until a probe finds the disk usable.
    func reportFailure(_ error: JournalError) {
        state.withLock { $0.problem = error; $0.checkedAt = JournalWriter.monotonicNow() }
    }

    private func record(_ problem: JournalError?) {
        state.withLock { $0 = State(problem: problem, checkedAt: JournalWriter.monotonicNow(), probing: false) }
    }
}
