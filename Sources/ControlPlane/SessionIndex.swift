import Foundation

/// Where a session is in its life, as the index records it.
public enum SessionState: String, Sendable, Codable, CaseIterable {
    /// Its node is taking the call now.
    case live
    /// The call ended and its journal is being sealed.
    case ended
    /// Its node stopped (killed, machine lost) before sealing it; someone must finish it.
    case orphaned
    /// The journal is sealed (footer written, intact).
    case sealed
    /// Sealed, and its CSVs are written.
    case projected
    /// Its journal is damaged or could not be derived.
    case failed
}

/// One session in the control plane's index: a projection of its journal, so `tapedeck index
/// rebuild` recreates the same rows from the journals alone.
public struct SessionIndexEntry: Sendable, Equatable, Codable {
    public var organization: String
    public var sessionId: String
    public var node: String
    public var state: SessionState
    public var dialect: String
    public var language: String?
    /// Microseconds since 1970: the header's and the last record's receive times.
    public var startedAt: Int64
    public var endedAt: Int64?
    /// Relative to the journal root: `<org>/<day>/<name>.tdj`.
    public var journalPath: String
    /// Lower-case hex SHA-256 of the journal file, once sealed.
    public var journalSHA256: String?
    /// Relative to the results root, once written.
    public var sessionCSV: String?
    public var utterancesCSV: String?
    /// What `tapedeck verify` says: sealed, unsealed, damaged.
    public var verification: String
    /// AudioHook `continuedSessions` as the client sent it (canonical JSON), when it did.
    public var continuedSessions: String?

    public init(organization: String, sessionId: String, node: String, state: SessionState, dialect: String, language: String?,
                startedAt: Int64, endedAt: Int64?, journalPath: String, journalSHA256: String?, sessionCSV: String?,
                utterancesCSV: String?, verification: String, continuedSessions: String?) {
        (self.organization, self.sessionId, self.node, self.state, self.dialect, self.language) = (organization, sessionId, node, state, dialect, language)
        (self.startedAt, self.endedAt, self.journalPath, self.journalSHA256) = (startedAt, endedAt, journalPath, journalSHA256)
        (self.sessionCSV, self.utterancesCSV, self.verification, self.continuedSessions) = (sessionCSV, utterancesCSV, verification, continuedSessions)
    }
}

/// The session index: which sessions exist, where their journals and CSVs are, and how far
/// each got. Keyed by organization and journal path (a session id can repeat across calls:
/// AudioHook reconnects reuse it), and always read within one organization.
public final class SessionIndex: Sendable {
    private let backend: any SQLBackend

    public init(backend: any SQLBackend) async throws {
        self.backend = backend
        try await backend.migrate(store: "sessions", Self.migrations)
    }

    public static let migrations: [Migration] = [
        Migration("sessions-v1", portable: """
            CREATE TABLE session_index (
                organization TEXT NOT NULL,
                journal_path TEXT NOT NULL,
                session_id TEXT NOT NULL,
                node TEXT NOT NULL,
                state TEXT NOT NULL,
                dialect TEXT NOT NULL,
                language TEXT,
                started_at INTEGER NOT NULL,
                ended_at INTEGER,
                journal_sha256 TEXT,
                session_csv TEXT,
                utterances_csv TEXT,
                verification TEXT NOT NULL,
                continued_sessions TEXT,
                PRIMARY KEY (organization, journal_path)
            );
            CREATE INDEX session_index_started ON session_index(organization, started_at);
            CREATE INDEX session_index_state ON session_index(state, node);
            """),
        // Who is finishing an orphaned session, and until when: see `claimUnfinished`.
        Migration("sessions-v2-lease", portable: "ALTER TABLE session_index ADD COLUMN lease_until INTEGER"),
    ]

    static let columns = "organization, journal_path, session_id, node, state, dialect, language, started_at, ended_at, journal_sha256, session_csv, utterances_csv, verification, continued_sessions"

    /// Writes the row for `entry`'s journal, replacing what was there.
    public func record(_ entry: SessionIndexEntry) async throws {
        try await Self.insert(entry, on: backend)
    }

    private static func insert(_ entry: SessionIndexEntry, on db: any SQLExecutor) async throws {
        try await db.query("""
            INSERT INTO session_index(\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (organization, journal_path) DO UPDATE SET
                session_id = excluded.session_id, node = excluded.node, state = excluded.state, dialect = excluded.dialect,
                language = excluded.language, started_at = excluded.started_at, ended_at = excluded.ended_at,
                journal_sha256 = excluded.journal_sha256, session_csv = excluded.session_csv,
                utterances_csv = excluded.utterances_csv, verification = excluded.verification,
                continued_sessions = excluded.continued_sessions
            """, values(entry))
    }

    /// Every row, ordered by organization then journal path: the order `index rebuild` compares in.
    public func all() async throws -> [SessionIndexEntry] {
        try await backend.query("SELECT \(Self.columns) FROM session_index ORDER BY organization, journal_path", []).map(Self.entry)
    }

    /// One organization's sessions started in [from, to) (microseconds), oldest first.
    public func sessions(organization: String, from: Int64, to: Int64) async throws -> [SessionIndexEntry] {
        try await backend.query("""
            SELECT \(Self.columns) FROM session_index WHERE organization = ? AND started_at >= ? AND started_at < ?
            ORDER BY started_at, journal_path
            """, .text(organization), .integer(from), .integer(to)).map(Self.entry)
    }

    /// One organization's rows for a session id (usually one; a client may reuse an id), newest first.
    public func sessions(organization: String, sessionId: String) async throws -> [SessionIndexEntry] {
        try await backend.query("""
            SELECT \(Self.columns) FROM session_index WHERE organization = ? AND session_id = ?
            ORDER BY started_at DESC, journal_path
            """, .text(organization), .text(sessionId)).map(Self.entry)
    }

    /// One organization's row for a journal, if the index has it.
    public func entry(organization: String, journalPath: String) async throws -> SessionIndexEntry? {
        try await backend.queryOne("SELECT \(Self.columns) FROM session_index WHERE organization = ? AND journal_path = ?",
                                   .text(organization), .text(journalPath)).map(Self.entry)
    }

    /// Replaces `node`'s rows with `entries`, in one transaction: what `index rebuild` does
    /// with the rows it recomputed from that node's journals.
    public func replace(node: String, with entries: [SessionIndexEntry]) async throws {
        try await backend.transaction { db in
            try await db.query("DELETE FROM session_index WHERE node = ?", .text(node))
            for entry in entries { try await Self.insert(entry, on: db) }
        }
    }

    /// A session taken over to be finished, and the node whose it was.
    public struct Claimed: Sendable, Equatable {
        public var entry: SessionIndexEntry
        public var from: String
    }

    /// Takes over up to `limit` unfinished sessions (live, ended or orphaned) of `nodes`, for
    /// `claimant` to finish: each row moves to `claimant` as `orphaned` with a lease until
    /// `now + leaseMicroseconds`, in one transaction. A row under someone's unexpired lease is
    /// not taken, except by the lease holder itself (a node restarted within its lease finishes
    /// what it had claimed); the holder renews its leases with `renewLeases` while it lives, so
    /// a lease runs out only when its holder has stopped. On PostgreSQL the rows are locked
    /// `FOR UPDATE SKIP LOCKED`: of several claimants racing for a row exactly one gets it and
    /// the others move on to other rows instead of waiting. SQLite serves one node and
    /// serialises writers itself.
    public func claimUnfinished(of nodes: [String], for claimant: String, now: Int64, leaseMicroseconds: Int64,
                                limit: Int = 1) async throws -> [Claimed] {
        guard !nodes.isEmpty, limit > 0 else { return [] }
        let marks = Array(repeating: "?", count: nodes.count).joined(separator: ", ")
        let locking = backend.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await backend.transaction { db in
            let rows = try await db.query("""
                SELECT \(Self.columns) FROM session_index
                WHERE state IN ('live', 'ended', 'orphaned') AND node IN (\(marks))
                  AND (lease_until IS NULL OR lease_until < ? OR node = ?)
                ORDER BY started_at, organization, journal_path LIMIT \(limit)\(locking)
                """, nodes.map { .text($0) } + [.integer(now), .text(claimant)])
            var claimed: [Claimed] = []
            for row in rows {
                var entry = try Self.entry(row)
                let from = entry.node
                try await db.query("""
                    UPDATE session_index SET node = ?, state = 'orphaned', lease_until = ? WHERE organization = ? AND journal_path = ?
                    """, .text(claimant), .integer(now + leaseMicroseconds), .text(entry.organization), .text(entry.journalPath))
                (entry.node, entry.state) = (claimant, .orphaned)
                claimed.append(Claimed(entry: entry, from: from))
            }
            return claimed
        }
    }

    /// Extends the leases `claimant` holds on the sessions it is finishing (its heartbeat does
    /// this); returns how many.
    @discardableResult
    public func renewLeases(of claimant: String, until: Int64) async throws -> Int {
        try await backend.query("""
            UPDATE session_index SET lease_until = ? WHERE node = ? AND state = 'orphaned' AND lease_until IS NOT NULL RETURNING journal_path
            """, .integer(until), .text(claimant)).count
    }

    /// Gives up `holder`'s lease on a session it has finished (or failed to): the row is no
    /// longer being worked on, so the next heartbeat does not renew it.
    public func releaseLease(organization: String, journalPath: String, holder: String) async throws {
        try await backend.query("UPDATE session_index SET lease_until = NULL WHERE organization = ? AND journal_path = ? AND node = ?",
                                .text(organization), .text(journalPath), .text(holder))
    }

    /// When the lease on a session runs out (nil: none). Only tests read it; `index list` shows rows, not claims.
    public func lease(organization: String, journalPath: String) async throws -> Int64? {
        try await backend.queryOne("SELECT lease_until FROM session_index WHERE organization = ? AND journal_path = ?",
                                   .text(organization), .text(journalPath))?.optionalInteger("lease_until")
    }

    static func values(_ entry: SessionIndexEntry) -> [SQLValue] {
        [.text(entry.organization), .text(entry.journalPath), .text(entry.sessionId), .text(entry.node), .text(entry.state.rawValue),
         .text(entry.dialect), SQLValue(entry.language), .integer(entry.startedAt), SQLValue(entry.endedAt), SQLValue(entry.journalSHA256),
         SQLValue(entry.sessionCSV), SQLValue(entry.utterancesCSV), .text(entry.verification), SQLValue(entry.continuedSessions)]
    }

    static func entry(_ row: SQLRow) throws -> SessionIndexEntry {
        let state = try row.text("state")
        guard let known = SessionState(rawValue: state) else {
            throw ControlPlaneError.unexpectedValue(column: "state", expected: SessionState.allCases.map(\.rawValue).joined(separator: "|"), found: .text(state))
        }
        return SessionIndexEntry(
            organization: try row.text("organization"), sessionId: try row.text("session_id"), node: try row.text("node"), state: known,
            dialect: try row.text("dialect"), language: try row.optionalText("language"), startedAt: try row.integer("started_at"),
            endedAt: try row.optionalInteger("ended_at"), journalPath: try row.text("journal_path"), journalSHA256: try row.optionalText("journal_sha256"),
            sessionCSV: try row.optionalText("session_csv"), utterancesCSV: try row.optionalText("utterances_csv"),
            verification: try row.text("verification"), continuedSessions: try row.optionalText("continued_sessions"))
    }
}
