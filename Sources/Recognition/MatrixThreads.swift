import CBLAS
import Foundation

/// OpenBLAS has one thread count for the whole process, and how many threads split a product
/// changes its last bits. Two recognizers with different counts used to set it in turn at the
/// start of each transcription, so when they ran at the same time one of them decoded with the
/// other's count, part-way through: a transcription's bits then depended on what else the
/// process was doing (BeamSearchTests failed that way beside DevSetTests, whose 1-thread
/// recognizer ran in a parallel suite). The gate lets any number of transcriptions with the same
/// count run together and holds back one with another count until they are done, so a count,
/// once set, stays as it was for the whole of every transcription that runs under it.
enum MatrixThreads {
    private static let condition = NSCondition()
    nonisolated(unsafe) private static var current: Int?  // guarded by `condition`
    nonisolated(unsafe) private static var holders = 0    // guarded by `condition`
    nonisolated(unsafe) private static var waiters = 0    // guarded by `condition`
    /// Times the holders went down to none: a queued newcomer waits for the next one.
    nonisolated(unsafe) private static var drains = 0     // guarded by `condition`

    /// Runs `body` with OpenBLAS using `count` threads throughout.
    static func with<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        let count = max(1, count)
        condition.lock()
        // A newcomer queues behind anyone already waiting, so a stream of transcriptions with
        // one count cannot keep one with another count waiting for ever.
        if waiters > 0 || (holders > 0 && current != count) {
            waiters += 1
            let seen = drains
            while holders > 0 && (drains == seen || current != count) { condition.wait() }
            waiters -= 1
        }
        if current != count {
            openblas_set_num_threads(Int32(count))
            current = count
        }
        holders += 1
        condition.unlock()
        defer {
            condition.lock()
            holders -= 1
            if holders == 0 {
                drains += 1
                condition.broadcast()
            }
            condition.unlock()
        }
        return try body()
    }
}
