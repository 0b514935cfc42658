import ControlPlane
import Foundation
import Journal
import Logging
import Pipeline
import Synchronization

/// Ships every byte range a node's journals write to the control plane (cluster mode), from a
/// task of its own: the journal's queue only hands the bytes over. While PostgreSQL is down
/// blocks wait here, up to a bound; past it new blocks are dropped and counted, which leaves
/// those journals' copies in the control plane short (the node's own disk still has them).
public final class BlockShipper: Sendable {
    private struct Block: Sendable {
        var organization: String
        var journalPath: String
        var offset: Int
        var bytes: [UInt8]
    }
    private struct Queue {
        var blocks: [Block] = []
        var bytes = 0
        var dropped = 0
    }
    private let blocks: JournalBlocks
    private let journalRoot: URL
    private let maxQueuedBytes: Int
    private let logger: Logger
    private let queue = Mutex(Queue())
    private let writing = AsyncLock()
    private let writer = WakeableTask()

    public init(blocks: JournalBlocks, journalRoot: URL, maxQueuedBytes: Int = 256 << 20, logger: Logger) {
        (self.blocks, self.journalRoot, self.maxQueuedBytes, self.logger) = (blocks, journalRoot, maxQueuedBytes, logger)
        writer.start { [weak self] in await self?.flush() }
    }

    /// Blocks not yet in the control plane, and blocks dropped because too many were waiting.
    public var backlog: (blocks: Int, bytes: Int, dropped: Int) { queue.withLock { ($0.blocks.count, $0.bytes, $0.dropped) } }

    /// For `SessionJournal.Settings.onWritten`: cheap, never waits.
    public func ship(journal: URL, offset: Int, bytes: [UInt8]) {
        let path = SessionIndexProjection.relativePath(journal, under: journalRoot)
        guard let organization = path.split(separator: "/").first.map(String.init) else { return }
        let accepted = queue.withLock { queue -> Bool in
            guard queue.bytes + bytes.count <= maxQueuedBytes else { queue.dropped += 1; return false }
            queue.blocks.append(Block(organization: organization, journalPath: path, offset: offset, bytes: bytes))
            queue.bytes += bytes.count
            return true
        }
        if !accepted { logger.warning("journal block not shipped: too many waiting for the control plane", metadata: ["journal": "\(path)"]) }
        writer.signal()
    }

    /// Writes what waits, in order, stopping at the first failure (the next block or heartbeat retries).
    public func flush() async {
        try? await writing.run {
            while let next = queue.withLock({ $0.blocks.first }) {
                do {
                    try await blocks.append(organization: next.organization, journalPath: next.journalPath, offset: next.offset, bytes: next.bytes)
                    queue.withLock { queue in
                        queue.blocks.removeFirst()
                        queue.bytes -= next.bytes.count
                    }
                } catch {
                    return
                }
            }
        }
    }

    /// Wakes the writer (after an outage the heartbeat calls this).
    public func retry() { writer.signal() }
}

/// Finishes the sessions of nodes presumed dead (heartbeat older than `orphanAfter`, never
/// marked stopped): claims each unfinished row under a lease (exactly one sweeper wins it; see
/// `SessionIndex.claimUnfinished`), rebuilds the journal from its shipped blocks into this
/// node's journal folder, seals it by recovery, derives its CSVs when this node transcribes,
/// and writes the row again as this node's.
public struct Sweeper: Sendable {
    public var index: SessionIndex
    public var registry: NodeRegistry
    public var blocks: JournalBlocks
    public var indexing: NodeIndexing
    public var journalRoot: URL
    public var key: JournalKey?
    public var orphanAfterSeconds: Double
    public var derive: (@Sendable (URL) async throws -> Void)?
    public var logger: Logger

    public init(index: SessionIndex, registry: NodeRegistry, blocks: JournalBlocks, indexing: NodeIndexing, journalRoot: URL,
                key: JournalKey?, orphanAfterSeconds: Double, derive: (@Sendable (URL) async throws -> Void)?, logger: Logger) {
        (self.index, self.registry, self.blocks, self.indexing, self.journalRoot) = (index, registry, blocks, indexing, journalRoot)
        (self.key, self.orphanAfterSeconds, self.derive, self.logger) = (key, orphanAfterSeconds, derive, logger)
    }

    /// How long a claim holds without renewal: as long as a node may go without a heartbeat
    /// before it is presumed dead, so a claimant's sessions and its claims lapse together.
    public var leaseMicroseconds: Int64 { Int64(orphanAfterSeconds * 1e6) }

    public struct Finished: Sendable, Equatable {
        public var journalPath: String
        public var from: String
        public var bytes: Int
        public var state: SessionState
    }

    /// One pass: claims and finishes the dead nodes' sessions one at a time (so racing sweepers
    /// share the work), until none is left to claim; returns the sessions this node finished.
    public func sweep(clock: @Sendable () -> Int64 = wallClockMicroseconds) async throws -> [Finished] {
        let stale = Int64(orphanAfterSeconds * 1e6)
        let now = clock()
        // Just back from an outage (ours or the control plane's), every heartbeat looks old: give
        // the living nodes a full `orphanAfter` of reachable time to be heard from first.
        guard let reachableSince = indexing.reachableSince, now - reachableSince > stale else { return [] }
        let dead = try await registry.nodes().filter { $0.name != indexing.node && $0.state != .stopped && now - $0.heartbeatAt > stale }
        var finished: [Finished] = []
        while let claimed = try await index.claimUnfinished(of: dead.map(\.name), for: indexing.node, now: clock(),
                                                            leaseMicroseconds: leaseMicroseconds).first {
            // Released however it ends, so the heartbeat renews only claims still being worked on.
            do {
                finished.append(try await finish(claimed.entry, from: claimed.from))
            } catch {
                await release(claimed.entry)
                throw error
            }
            await release(claimed.entry)
        }
        return finished
    }

    private func release(_ row: SessionIndexEntry) async {
        do {
            try await index.releaseLease(organization: row.organization, journalPath: row.journalPath, holder: indexing.node)
        } catch {
            logger.warning("claim not released (it lapses by itself)", metadata: ["journal": "\(row.journalPath)", "error": "\(error)"])
        }
    }

    private func finish(_ row: SessionIndexEntry, from node: String) async throws -> Finished {
        let bytes = try await blocks.contiguousBytes(organization: row.organization, journalPath: row.journalPath)
        let journal = journalRoot.appendingPathComponent(row.journalPath)
        var detail = "\(bytes.count) bytes from the control plane"
        var state = SessionState.failed
        do {
            try FileManager.default.createDirectory(at: journal.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: journal.path) { try Data(bytes).write(to: journal) }
            let finished = try await indexing.finishUnsealed(journal, derive: derive)
            state = finished.state
            detail += "; " + finished.detail
        } catch {
            // Whatever is there is indexed as it is; a file that cannot be read at all leaves the row orphaned, for a person to look at.
            detail += "; \(error)"
            state = await indexing.indexed(journal)?.state ?? .failed
            await indexing.flush()
        }
        logger.notice("finished a session of a lost node", metadata: [
            "journal": "\(row.journalPath)", "from": "\(node)", "state": "\(state.rawValue)", "detail": "\(detail)"])
        return Finished(journalPath: row.journalPath, from: node, bytes: bytes.count, state: state)
    }
}
