import ControlPlane
import Foundation
import Journal
import Logging
import Pipeline
import Synchronization

/// What the server tells the control plane about its sessions and itself.
public protocol SessionIndexing: Sendable {
    /// A session was identified and its journal created at `journal`.
    func started(organization: String, sessionId: String, dialect: String, language: String?, journal: URL, startedAt: Int64) async
    /// A session's journal was sealed (or given up on) and its CSVs written if it has them.
    func ended(journal: URL) async
}

/// The session index and node registry, as one node writes them. Rows are queued here and
/// written in order by a task of their own, so a call never waits for the control plane; rows it
/// cannot take now (PostgreSQL down) stay queued and are written when it answers again (the
/// next heartbeat retries).
public final class NodeIndexing: SessionIndexing {
    private let index: SessionIndex
    private let registry: NodeRegistry
    public let node: String
    private let journalRoot: URL
    private let resultsRoot: URL
    private let journalKey: JournalKey?
    private let logger: Logger
    private let startedAt = wallClockMicroseconds()
    private let spool = Mutex<[SessionIndexEntry]>([])
    /// Since when this node's heartbeats have reached the control plane without a failure
    /// (nil: the last one failed, or none was sent yet).
    private let reachable = Mutex<Int64?>(nil)
    private let writing = AsyncLock()
    private let writer = WakeableTask()

    private let csvs: SessionCSVs?
    private let blocks: JournalBlocks?
    /// Journals sealed by recovery here whose sealed bytes the control plane does not have yet.
    private let sealedToKeep = Mutex<[URL]>([])

    /// With `csvs` (cluster mode), each projected session's two files are also kept in the
    /// control plane, for export and downloads from any node; with `blocks` (cluster mode), a
    /// journal this node seals by recovery is kept there as sealed, as the ones its writer
    /// sealed already are (block by block, through the shipper).
    public init(index: SessionIndex, registry: NodeRegistry, node: String, journalRoot: URL, resultsRoot: URL,
                journalKey: JournalKey?, csvs: SessionCSVs? = nil, blocks: JournalBlocks? = nil, logger: Logger) {
        (self.index, self.registry, self.node, self.journalRoot, self.resultsRoot) = (index, registry, node, journalRoot, resultsRoot)
        (self.journalKey, self.csvs, self.blocks, self.logger) = (journalKey, csvs, blocks, logger)
        writer.start { [weak self] in await self?.flush() }
    }

    /// Index writes waiting for the control plane.
    public var spooled: Int { spool.withLock { $0.count } }

    /// Journals sealed by recovery whose sealed bytes wait for the control plane.
    public var sealedWaiting: Int { sealedToKeep.withLock { $0.count } }

    public func started(organization: String, sessionId: String, dialect: String, language: String?, journal: URL, startedAt: Int64) async {
        await write(SessionIndexEntry(
            organization: organization, sessionId: sessionId, node: node, state: .live, dialect: dialect, language: language,
            startedAt: startedAt, endedAt: nil, journalPath: SessionIndexProjection.relativePath(journal, under: journalRoot),
            journalSHA256: nil, sessionCSV: nil, utterancesCSV: nil, verification: "unsealed", continuedSessions: nil))
    }

    public func ended(journal: URL) async {
        await indexed(journal)
    }

    /// Writes the journal's row as this node's, computed from the journal and its CSVs; returns
    /// it (nil when the journal cannot be read, which is logged).
    @discardableResult
    public func indexed(_ journal: URL) async -> SessionIndexEntry? {
        do {
            let entry = try SessionIndexProjection.entry(journal: journal, journalRoot: journalRoot, resultsRoot: resultsRoot,
                                                         node: node, key: journalKey)
            if let csvs, entry.state == .projected { await keepCSVs(entry, in: csvs) }
            await write(entry)
            return entry
        } catch {
            logger.error("session not indexed: its journal could not be read", metadata: ["journal": "\(journal.path)", "error": "\(error)"])
            return nil
        }
    }

    /// Finishes a journal its writer never sealed (its node stopped): cuts the torn tail and seals
    /// it by recovery, derives its CSVs when `derive` is given, and writes its row as this node's
    /// (waiting for the write). Returns the state the row ends in and what was done, for the log.
    /// Throws when recovery cannot even read the file.
    public func finishUnsealed(_ journal: URL, derive: (@Sendable (URL) async throws -> Void)?) async throws -> (state: SessionState, detail: String) {
        let report = try JournalRecovery.recover(journal, seal: true, key: journalKey, recoveredAt: wallClockMicroseconds())
        var detail = "\(report.recordsKept) records kept"
        if report.bytesMoved > 0 { detail += ", \(report.bytesMoved) torn bytes moved aside" }
        if let refusal = report.refusal { detail += "; refused: \(refusal)" }
        if report.refusal == nil, blocks != nil {
            sealedToKeep.withLock { $0.append(journal) }
        }
        if report.refusal == nil, let derive {
            do { try await derive(journal) } catch { detail += "; not derived: \(error)" }
        }
        let entry = await indexed(journal)
        await flush()
        return (entry?.state ?? .failed, detail)
    }

    /// Copies the session's CSV files into the control plane. A failure is logged and left: the
    /// files are on this node, and `tapedeck regenerate` writes them again.
    private func keepCSVs(_ entry: SessionIndexEntry, in csvs: SessionCSVs) async {
        guard let sessionPath = entry.sessionCSV, let utterancesPath = entry.utterancesCSV else { return }
        let parts = entry.journalPath.split(separator: "/").map(String.init)
        guard parts.count == 3 else { return }
        do {
            let session = try Data(contentsOf: resultsRoot.appendingPathComponent(sessionPath))
            let utterances = try Data(contentsOf: resultsRoot.appendingPathComponent(utterancesPath))
            try await csvs.put(organization: entry.organization, day: parts[1], name: String(parts[2].dropLast(".tdj".count)),
                               session: [UInt8](session), utterances: [UInt8](utterances))
        } catch {
            logger.warning("session CSVs not copied to the control plane", metadata: ["journal": "\(entry.journalPath)", "error": "\(error)"])
        }
    }

    /// Registers this node's state and writes what was spooled; called every few seconds.
    public func heartbeat(sessions: Int, draining: Bool, address: String) async {
        do {
            let now = wallClockMicroseconds()
            try await registry.heartbeat(NodeRecord(name: node, address: address, state: draining ? .draining : .serving,
                                                    sessions: sessions, startedAt: startedAt, heartbeatAt: now))
            reachable.withLock { $0 = $0 ?? now }
            writer.signal()
        } catch {
            reachable.withLock { $0 = nil }
            logger.warning("control plane heartbeat failed", metadata: ["error": "\(error)", "spooled": "\(spooled)"])
        }
    }

    /// Since when (microseconds) this node's heartbeats have reached the control plane without
    /// a failure; nil while they fail. After an outage every node's heartbeat is old, so a
    /// sweeper waits until it has itself been reachable for as long as it would let another
    /// node go silent before presuming it dead.
    public var reachableSince: Int64? { reachable.withLock { $0 } }

    /// Marks this node stopped (a clean exit).
    public func stopped(address: String) async {
        await flush()
        try? await registry.heartbeat(NodeRecord(name: node, address: address, state: .stopped, sessions: 0,
                                                 startedAt: startedAt, heartbeatAt: wallClockMicroseconds()))
    }

    private func write(_ entry: SessionIndexEntry) async {
        spool.withLock { $0.append(entry) }
        writer.signal()
    }

    /// Writes what waits for the control plane (recovery-sealed journals, then spooled rows in
    /// the order they were made), stopping at the first failure: the next heartbeat retries.
    public func flush() async {
        try? await writing.run {
            while let blocks, let journal = sealedToKeep.withLock({ $0.first }) {
                let path = SessionIndexProjection.relativePath(journal, under: journalRoot)
                do {
                    let file = try [UInt8](Data(contentsOf: journal))
                    let organization = String(path.split(separator: "/").first ?? "")
                    let kept = try await blocks.keepSealed(organization: organization, journalPath: path, file: file)
                    logger.info("recovery-sealed journal kept in the control plane", metadata: ["journal": "\(path)", "change": "\(kept)"])
                } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
                    logger.error("recovery-sealed journal vanished before the control plane got it", metadata: ["journal": "\(path)"])
                } catch {
                    logger.warning("recovery-sealed journal not yet in the control plane", metadata: ["journal": "\(path)", "error": "\(error)"])
                    return
                }
                sealedToKeep.withLock { _ = $0.removeFirst() }
            }
            while let next = spool.withLock({ $0.first }) {
                do {
                    try await index.record(next)
                    spool.withLock { _ = $0.removeFirst() }
                } catch {
                    logger.warning("session index write spooled: control plane unavailable", metadata: ["error": "\(error)", "spooled": "\(spooled)"])
                    return
                }
            }
        }
    }
}

/// `tapedeck index rebuild`: a node's rows recomputed from its journals alone.
public enum IndexRebuild {
    public struct Outcome: Sendable {
        public var entries: [SessionIndexEntry]
        /// Journals that could not be read, with why.
        public var unreadable: [(path: String, reason: String)]
    }

    public static func run(index: SessionIndex, node: String, journalRoot: URL, resultsRoot: URL, key: JournalKey?,
                           progress: (Int, Int) -> Void = { _, _ in }) async throws -> Outcome {
        let journals = SessionIndexProjection.journals(under: journalRoot)
        var entries: [SessionIndexEntry] = []
        var unreadable: [(String, String)] = []
        for (number, journal) in journals.enumerated() {
            do {
                entries.append(try SessionIndexProjection.entry(journal: journal, journalRoot: journalRoot, resultsRoot: resultsRoot,
                                                                node: node, key: key))
            } catch {
                unreadable.append((journal.path, "\(error)"))
            }
            progress(number + 1, journals.count)
        }
        try await index.replace(node: node, with: entries)
        return Outcome(entries: entries, unreadable: unreadable)
    }
}
