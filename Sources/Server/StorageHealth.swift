import Dispatch
import Foundation
import Journal
import Synchronization

/// Whether session journals can be written right now. A session the server cannot journal is
/// a session it would lose, so new ones are refused (503) while the journal folder is full,
/// read-only or failing, or its disk has less free space than the configured minimum, and
/// `/ready` says why. The state is probed in the background at most
/// once a second (never on an event loop: the probe `fdatasync`s) and marked broken at once when
/// a live session's journal fails.
final class StorageHealth: Sendable {
    private struct State {
        var problem: JournalError?
        var space: DiskSpace?
        var checkedAt: UInt64
        var probing = false
    }

    let directory: URL
    let minimumFreeBytes: UInt64
    private let state: Mutex<State>
    private let queue = DispatchQueue(label: "tapedeck.storage-probe")
    static let refreshNanoseconds: UInt64 = 1_000_000_000

    /// Probes once, synchronously: a server should not start accepting on a broken disk.
    init(directory: URL, minimumFreeBytes: UInt64 = 0) {
        self.directory = directory
        self.minimumFreeBytes = minimumFreeBytes
        state = Mutex(State(problem: JournalDirectoryProbe.check(directory),
                            space: DiskSpace.measure(directory, minimumBytes: minimumFreeBytes), checkedAt: JournalWriter.monotonicNow()))
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
        if stale { queue.async { self.record(JournalDirectoryProbe.check(self.directory), self.measure()) } }
        return problem
    }

    /// Free space as last measured (refreshed with `problem`), when it is below the minimum.
    var lowSpace: DiskSpace? {
        state.withLock { $0.space?.isLow == true ? $0.space : nil }
    }

    /// Probes now, off the caller's thread (for `/ready`): the folder, and the free space.
    func probe() async -> (problem: JournalError?, space: DiskSpace?) {
        await withCheckedContinuation { continuation in
            queue.async {
                let (problem, space) = (JournalDirectoryProbe.check(self.directory), self.measure())
                self.record(problem, space)
                continuation.resume(returning: (problem, space))
            }
        }
    }

    /// A live session's journal failed: refuse new sessions until a probe finds the disk usable.
    func reportFailure(_ error: JournalError) {
        state.withLock { $0.problem = error; $0.checkedAt = JournalWriter.monotonicNow() }
    }

    private func measure() -> DiskSpace? { DiskSpace.measure(directory, minimumBytes: minimumFreeBytes) }

    private func record(_ problem: JournalError?, _ space: DiskSpace?) {
        state.withLock { $0 = State(problem: problem, space: space, checkedAt: JournalWriter.monotonicNow(), probing: false) }
    }
}
