import ControlPlane
import Foundation
import Journal
import Logging
import Pipeline

/// A node that stopped without sealing its sessions (killed, power lost) finishes them when it
/// starts again: it claims each row of its own the index still calls live, ended or orphaned
/// (under the same lease a sweeper takes, so a sweeper that presumed this node dead and this
/// node never finish one session twice), cuts its journal's torn tail and seals it by recovery,
/// derives its CSVs (when this node transcribes) and writes the row again from the journal.
public enum OrphanRecovery {
    public struct Outcome: Sendable, Equatable {
        public var journalPath: String
        public var state: SessionState
        /// Records kept and cut by recovery, or why it refused.
        public var detail: String
    }

    /// - Parameter leaseMicroseconds: how long each claim holds unless renewed (the node's
    ///   heartbeat renews it, and should be running).
    public static func run(index: SessionIndex, indexing: NodeIndexing, journalRoot: URL, key: JournalKey?,
                           leaseMicroseconds: Int64, derive: (@Sendable (URL) async throws -> Void)?, logger: Logger,
                           clock: @Sendable () -> Int64 = wallClockMicroseconds) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        var tried = Set<String>()
        while let claimed = try await index.claimUnfinished(of: [indexing.node], for: indexing.node, now: clock(),
                                                            leaseMicroseconds: leaseMicroseconds).first {
            var row = claimed.entry
            // A row whose final state could not be written comes back; it waits for the next start.
            guard tried.insert(row.organization + "/" + row.journalPath).inserted else { break }
            let outcome = await finish(&row, index: index, indexing: indexing, journalRoot: journalRoot, derive: derive)
            try await index.releaseLease(organization: row.organization, journalPath: row.journalPath, holder: indexing.node)
            logger.notice("finished an orphaned session", metadata: ["journal": "\(row.journalPath)", "state": "\(outcome.state.rawValue)", "detail": "\(outcome.detail)"])
            outcomes.append(Outcome(journalPath: row.journalPath, state: outcome.state, detail: outcome.detail))
        }
        return outcomes
    }

    private static func finish(_ row: inout SessionIndexEntry, index: SessionIndex, indexing: NodeIndexing, journalRoot: URL,
                               derive: (@Sendable (URL) async throws -> Void)?) async -> (state: SessionState, detail: String) {
        let journal = journalRoot.appendingPathComponent(row.journalPath)
        guard FileManager.default.fileExists(atPath: journal.path) else {
            row.state = .failed
            row.verification = "missing"
            try? await index.record(row)
            return (.failed, "journal missing")
        }
        do {
            return try await indexing.finishUnsealed(journal, derive: derive)
        } catch {
            row.state = .failed
            try? await index.record(row)
            return (.failed, "\(error)")
        }
    }
}
