import Dispatch
import Foundation

/// A `JournalWriter` driven from its own serial queue, so callers on network event loops
/// only enqueue; the writing, compressing and `fdatasync`ing happen elsewhere.
/// The first I/O error is kept and reported by `flush()`/`close()`; later records are dropped
/// rather than written out of order.
public final class AsyncJournalWriter: @unchecked Sendable {
    private let queue: DispatchQueue
    private let writer: JournalWriter
    private var failure: Error?
    private var timer: DispatchSourceTimer?

    public var url: URL { writer.url }

    public init(url: URL, sessionId: String, policy: SyncPolicy = .default, key: JournalKey? = nil) throws {
        queue = DispatchQueue(label: "tapedeck.journal.\(sessionId)")
        writer = try JournalWriter(url: url, sessionId: sessionId, policy: policy, key: key)
        if case .interval = policy {
            // Without a timer an idle session would keep its last records in memory indefinitely.
            let timer = DispatchSource.makeTimerSource(queue: queue)
            let period = max(policy.intervalNanoseconds / 2, 10_000_000)
            timer.schedule(deadline: .now() + .nanoseconds(Int(period)), repeating: .nanoseconds(Int(period)))
            timer.setEventHandler { [weak self] in self?.tick() }
            timer.resume()
            self.timer = timer
        }
    }

    deinit { timer?.cancel() }

    public func append(_ type: RecordType, flags: RecordFlags = [], receivedAt: Int64, payload: [UInt8]) {
        queue.async {
            guard self.failure == nil else { return }
            do { try self.writer.append(type, flags: flags, receivedAt: receivedAt, payload: payload) } catch { self.failure = error }
        }
    }

    private func tick() {
        guard failure == nil else { return }
        do { try writer.flushIfDue() } catch { failure = error }
    }

    /// Waits until every record appended so far is written (and synced, per policy).
    public func flush() async throws {
        try await run { try self.writer.flush() }
    }

    /// Seals and closes the journal after everything appended so far.
    @discardableResult
    public func close(receivedAt: Int64) async throws -> JournalFooter {
        try await run {
            self.timer?.cancel()
            return try self.writer.close(receivedAt: receivedAt)
        }
    }

    private func run<T>(_ work: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            queue.async {
                if let failure = self.failure {
                    continuation.resume(throwing: failure)
                    return
                }
                do { continuation.resume(returning: try work()) } catch {
                    self.failure = error
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
