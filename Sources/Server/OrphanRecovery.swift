import ControlPlane
import Foundation
import Journal
import Logging
import Pipeline

/// A node that stopped without sealing its sessions (killed, power lost) finishes them when it
/// starts again: every row of its own the index still calls live or ended is marked orphaned,
/// its journal's torn tail cut and the journal sealed by recovery, its CSVs derived (when this
/// node transcribes) and the row written again from the journal.
public enum OrphanRecovery {
    public struct Outcome: Sendable, Equatable {
        public var journalPath: String
        public var state: SessionState
        /// Records kept and cut by recovery, or why it refused.
        public var detail: String
    }

    public static func run(index: SessionIndex, indexing: NodeIndexing, journalRoot: URL, key: JournalKey?,
                           derive: (@Sendable (URL) async throws -> Void)?, logger: Logger) async throws -> [Outcome] {
        let rows = try await index.sessions(node: indexing.node, states: [.live, .ended, .orphaned])
        var outcomes: [Outcome] = []
        for var row in rows {
            let journal = journalRoot.appendingPathComponent(row.journalPath)
            row.state = .orphaned
            try await index.record(row)
            guard FileManager.default.fileExists(atPath: journal.path) else {
                row.state = .failed
                row.verification = "missing"
                try await index.record(row)
                outcomes.append(Outcome(journalPath: row.journalPath, state: .failed, detail: "journal missing"))
                continue
            }
            let state: SessionState, detail: String
            do {
                (state, detail) = try await indexing.finishUnsealed(journal, derive: derive)
            } catch {
                row.state = .failed
                try await index.record(row)
                outcomes.append(Outcome(journalPath: row.journalPath, state: .failed, detail: "\(error)"))
                continue
            }
            logger.notice("finished an orphaned session", metadata: ["journal": "\(row.journalPath)", "state": "\(state.rawValue)", "detail": "\(detail)"])
            outcomes.append(Outcome(journalPath: row.journalPath, state: state, detail: detail))
        }
        return outcomes
    }
}
