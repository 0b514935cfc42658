import CoreMetrics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Appends records to one session's journal file.
///
/// Not thread-safe and blocking (it writes and `fdatasync`s): own it from one serial queue,
/// never from a network event loop — `AsyncJournalWriter` does that for the server.
public final class JournalWriter {
    public let url: URL
    public let sessionId: String
    public let policy: SyncPolicy
    private let key: JournalKey?
    private let monotonicNanoseconds: () -> UInt64
    private var descriptor: Int32
    private var pending: [UInt8] = []
    private var frame: [UInt8] = []
    private let hasher: ChainHasher
    private var pendingRanges: [Range<Int>] = []
    /// Number of records appended so far (the next record's sequence number).
    public private(set) var recordCount: UInt64
    /// Monotonic time the oldest buffered record arrived; nil when nothing is buffered.
    private var oldestPendingAt: UInt64?
    private var isClosed = false
    /// The first I/O failure; the writer refuses everything after it.
    public private(set) var failure: JournalError?
    /// Bytes of the file that are complete blocks on disk.
    public private(set) var durableLength: Int
    /// Hears every byte range once it is written (and synced, by the policy): the file header,
    /// then each block, the footer's last. A cluster node ships them to the control plane, so
    /// another node can finish the session if this machine is lost.
    private let onWritten: (@Sendable (_ offset: Int, _ bytes: [UInt8]) -> Void)?

    /// Creates a new journal. Fails if the file exists: a journal is written once.
    /// `formatVersion` is for compatibility tests that need a file as an older build wrote it.
    public init(url: URL, sessionId: String, policy: SyncPolicy = .default, key: JournalKey? = nil,
                formatVersion: UInt16 = JournalFileHeader.currentVersion,
                monotonicNanoseconds: @escaping () -> UInt64 = JournalWriter.monotonicNow,
                onWritten: (@Sendable (_ offset: Int, _ bytes: [UInt8]) -> Void)? = nil) throws {
        self.url = url
        self.onWritten = onWritten
        self.sessionId = sessionId
        self.policy = policy
        self.key = key
        self.monotonicNanoseconds = monotonicNanoseconds
        self.hasher = ChainHasher(chain: HashChain(sessionId: sessionId))
        self.recordCount = 0
        let directory = url.deletingLastPathComponent()
        try Self.makeDirectories(directory.path)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        if fd < 0 {
            if errno == EEXIST { throw JournalError.alreadyExists(url.path) }
            throw JournalError.storage(path: url.path, operation: "create", errno: errno)
        }
        descriptor = fd
        durableLength = 0
        do {
            let header = JournalFileHeader(sessionId: sessionId, formatVersion: formatVersion).encoded()
            try writeAll(header)
            if policy.syncs {
                try sync()
                // The new directory entry must survive a crash too.
                let dirFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if dirFD >= 0 { _ = fsync(dirFD); Glibc.close(dirFD) }
            }
            durableLength = header.count
            onWritten?(0, header)
        } catch {
            // A half-made file would take the name and look like a session: remove it, so the
            // caller sees a broken disk rather than a name already taken.
            Glibc.close(descriptor)
            descriptor = -1
            unlink(url.path)
            throw error
        }
    }

    /// Re-opens a journal whose writer died, after recovery cut it to its last good block,
    /// to append the records that close it. `scan` must describe the file as it is now.
    init(resuming url: URL, scan: JournalScan, policy: SyncPolicy, key: JournalKey?) throws {
        self.url = url
        self.sessionId = scan.header.sessionId
        self.policy = policy
        self.key = key
        self.monotonicNanoseconds = JournalWriter.monotonicNow
        self.onWritten = nil
        self.hasher = ChainHasher(chain: scan.chain)
        self.recordCount = scan.recordCount
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        if fd < 0 { throw JournalError.storage(path: url.path, operation: "open for append", errno: errno) }
        descriptor = fd
        durableLength = scan.goodLength
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Appends one record; returns its sequence number. The record is durable once the block
    /// holding it is flushed (see `SyncPolicy`).
    @discardableResult
    public func append(_ type: RecordType, flags: RecordFlags = [], receivedAt: Int64, payload: [UInt8]) throws -> UInt64 {
        try append(type, flags: flags, receivedAt: receivedAt, payload: payload, arrivedAt: monotonicNanoseconds())
    }

    /// `arrivedAt` is the monotonic time the caller got the record, which starts its flush
    /// deadline; `AsyncJournalWriter` passes the time it was handed the record, not the later
    /// time its queue gets to it.
    @discardableResult
    func append(_ type: RecordType, flags: RecordFlags = [], receivedAt: Int64, payload: [UInt8], arrivedAt: UInt64) throws -> UInt64 {
        if let failure { throw failure }
        guard !isClosed else { throw JournalError.closed }
        guard type != .sessionFooter else { throw JournalError.notAJournal("footers are written by close()") }
        guard payload.count <= RecordCodec.maxPayload else { throw JournalError.recordTooLarge(payload.count) }
        let sequence = recordCount
        let record = JournalRecord(type: type, flags: flags, sequence: sequence, receivedAt: receivedAt, payload: payload)
        if oldestPendingAt == nil { oldestPendingAt = arrivedAt }
        pendingRanges.append(RecordCodec.encode(record, into: &pending))
        recordCount += 1
        if policy == .always || pending.count >= policy.blockBytes {
            try flush()
        } else {
            try flushIfDue()
        }
        return sequence
    }

    /// Monotonic time (`monotonicNanoseconds`) by which the buffered records are due on disk;
    /// nil when nothing is buffered. It is set by the oldest buffered record, so no record waits
    /// longer than the policy's flush delay, however the records are spaced.
    public var flushDeadline: UInt64? {
        oldestPendingAt.map { $0 &+ policy.flushDelayNanoseconds }
    }

    /// Writes the buffered records as a block if the oldest of them has waited the flush delay.
    public func flushIfDue() throws {
        if let failure { throw failure }
        guard let deadline = flushDeadline, monotonicNanoseconds() >= deadline else { return }
        try flush()
    }

    /// Writes buffered records as one block now (and syncs unless the policy is `.never`).
    public func flush() throws {
        if let failure { throw failure }
        guard !pending.isEmpty else { return }
        // The footer is not part of the chain; every other record is.
        if !pendingRanges.isEmpty { hasher.append(pending, ranges: pendingRanges) }
        let length = try pending.withUnsafeBytes { try LZ4Frames.compress($0, scratch: &frame) }
        do {
            try frame.withUnsafeBytes { try writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
            if policy.syncs { try sync() }
        } catch let error as JournalError {
            fail(error)
            throw error
        }
        onWritten?(durableLength, Array(frame[0..<length]))
        durableLength += length
        // A fresh buffer, not a cleared one: the hasher still holds the old one.
        pending = []
        pendingRanges.removeAll(keepingCapacity: true)
        oldestPendingAt = nil
    }

    /// After a write or sync failure: cut the file back to its whole blocks (a torn block helps
    /// nobody, and on a full disk the space is better returned), close it, and free the buffers.
    /// The journal stays on disk unsealed; `tapedeck recover --seal` can close it later.
    private func fail(_ error: JournalError) {
        failure = error
        if descriptor >= 0 {
            _ = ftruncate(descriptor, off_t(durableLength))
            Glibc.close(descriptor)
            descriptor = -1
        }
        pending = []
        frame = []
        pendingRanges = []
        oldestPendingAt = nil
    }

    /// Seals the journal with its footer and closes the file.
    @discardableResult
    public func close(recovered: Bool = false, receivedAt: Int64) throws -> JournalFooter {
        if let failure { throw failure }
        guard !isClosed else { throw JournalError.closed }
        if !pendingRanges.isEmpty { hasher.append(pending, ranges: pendingRanges) }
        pendingRanges.removeAll()
        let chain = hasher.finish()
        let footer = JournalFooter(
            records: chain.count,
            chain: chain.head.hexString,
            hmac: key?.seal(chainHead: chain.head, count: chain.count).hexString,
            keyId: key?.id,
            recovered: recovered
        )
        let record = JournalRecord(type: .sessionFooter, sequence: chain.count, receivedAt: receivedAt, payload: footer.encoded())
        RecordCodec.encode(record, into: &pending)
        try flush()
        if !policy.syncs {  // close always reaches the disk
            do { try sync() } catch let error as JournalError { fail(error); throw error }
        }
        isClosed = true
        Glibc.close(descriptor)
        descriptor = -1
        return footer
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll($0) }
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
        do {
            var offset = 0
            while offset < raw.count {
                let n = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw JournalError.storage(path: url.path, operation: "write", errno: errno)
                }
                offset += n
            }
        }
    }

    /// Every data sync, on the process's metrics system (a no-op unless `tapedeck serve` set one up).
    private static let syncTimer = CoreMetrics.Timer(label: "tapedeck_journal_fsync_seconds")

    private func sync() throws {
        let started = monotonicNanoseconds()
        defer { Self.syncTimer.recordNanoseconds(Int64(clamping: monotonicNanoseconds() &- started)) }
        if fdatasync(descriptor) != 0 {
            throw JournalError.storage(path: url.path, operation: "fdatasync", errno: errno)
        }
    }

    /// `mkdir -p` with the failing call's errno kept, so a read-only or full disk is named as such.
    static func makeDirectories(_ path: String) throws {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw JournalError.storage(path: path, operation: "create directory", errno: errno) }
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else {
            throw JournalError.storage(path: path, operation: "create directory", errno: ENOENT)
        }
        try makeDirectories(parent)
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw JournalError.storage(path: path, operation: "create directory", errno: errno)
        }
    }

    public static func monotonicNow() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
