import Dispatch
import Foundation

/// A `JournalWriter` driven from its own serial queue, so callers on network event loops
/// only enqueue; the writing, compressing and `fdatasync`ing happen elsewhere.
///
/// The first I/O failure (full disk, read-only remount, I/O error) is kept: `failure` reports it
/// from any thread, `onFailure` is called with it once, `flush()`/`close()` throw it, and every
/// record appended after it is dropped at once rather than queued, so a session on a broken disk
/// does not accumulate its audio in memory.
// Unchecked: `firstFailure` is read under `lock`; the writer, timer and deadline are touched only on `queue`.
public final class AsyncJournalWriter: @unchecked Sendable {
    private let queue: DispatchQueue
    private let writer: JournalWriter
    private let lock = NSLock()
    private var firstFailure: JournalError?
    private let onFailure: (@Sendable (JournalError) -> Void)?
    private var timer: DispatchSourceTimer?
    /// The flush deadline the timer is set for (queue-confined).
    private var armedDeadline: UInt64?

    public var url: URL { writer.url }

    /// The first write or sync failure; nil while the journal is healthy.
    public var failure: JournalError? { lock.withLock { firstFailure } }

    /// `onFailure` runs on the journal's queue, once, when the first failure happens.
    /// `onWritten` runs on the journal's queue with each byte range written (see `JournalWriter`).
    public init(url: URL, sessionId: String, policy: SyncPolicy = .default, key: JournalKey? = nil,
                onFailure: (@Sendable (JournalError) -> Void)? = nil,
                onWritten: (@Sendable (_ offset: Int, _ bytes: [UInt8]) -> Void)? = nil) throws {
        queue = DispatchQueue(label: "tapedeck.journal.\(sessionId)")
        writer = try JournalWriter(url: url, sessionId: sessionId, policy: policy, key: key, onWritten: onWritten)
        self.onFailure = onFailure
        if policy != .always {
            // Without a timer an idle session would keep its last records in memory indefinitely.
            // It is set, per block, for the moment the oldest buffered record is due.
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.setEventHandler { [weak self] in self?.tick() }
            timer.resume()
            self.timer = timer
        }
    }

    deinit { timer?.cancel() }

    /// Queues a record. Returns false, dropping it, when the journal has already failed.
    @discardableResult
    public func append(_ type: RecordType, flags: RecordFlags = [], receivedAt: Int64, payload: [UInt8]) -> Bool {
        guard failure == nil else { return false }
        let arrivedAt = JournalWriter.monotonicNow()
        queue.async {
            guard self.failure == nil else { return }
            do {
                try self.writer.append(type, flags: flags, receivedAt: receivedAt, payload: payload, arrivedAt: arrivedAt)
                self.armTimer()
            } catch {
                self.fail(error)
            }
        }
        return true
    }

    private func armTimer() {
        guard let timer, let deadline = writer.flushDeadline, deadline != armedDeadline else { return }
        armedDeadline = deadline
        let now = JournalWriter.monotonicNow()
        let wait = deadline > now ? Int(deadline - now) : 0
        timer.schedule(deadline: .now() + .nanoseconds(wait), repeating: .never, leeway: .milliseconds(1))
    }

    private func tick() {
        armedDeadline = nil
        guard failure == nil else { return }
        do { try writer.flushIfDue() } catch { fail(error) }
        // A timer that fired a little early finds the block not yet due: set it again.
        armTimer()
    }

    private func fail(_ error: Error) {
        let journalError = error as? JournalError ?? .io(path: writer.url.path, operation: "write", errno: EIO)
        let isFirst = lock.withLock { () -> Bool in
            guard firstFailure == nil else { return false }
            firstFailure = journalError
            return true
        }
        guard isFirst else { return }
        timer?.cancel()
        onFailure?(journalError)
    }

    /// Waits until every record appended so far is written (and synced, per policy).
    public func flush() async throws {
        try await run { try self.writer.flush() }
    }

    /// Seals and closes the journal after everything appended so far. Throws the journal's
    /// failure if it had one: the file then holds its whole blocks up to the failure, unsealed.
    @discardableResult
    public func close(receivedAt: Int64) async throws -> JournalFooter {
        try await run {
            self.timer?.cancel()
            return try self.writer.close(receivedAt: receivedAt)
        }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            queue.async {
                if let failure = self.failure {
                    continuation.resume(throwing: failure)
                    return
                }
                do { continuation.resume(returning: try work()) } catch {
                    self.fail(error)
                    continuation.resume(throwing: self.failure ?? error)
                }
            }
        }
    }
}
