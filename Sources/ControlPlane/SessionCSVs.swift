import Foundation

/// Each session's two CSV files as its node wrote them, in the control plane (cluster mode):
/// they are small, and kept here `tapedeck export` and the console's downloads work from any
/// node, not only the one that took the call.
public final class SessionCSVs: Sendable {
    private let backend: any SQLBackend

    public init(backend: any SQLBackend) async throws {
        self.backend = backend
        try await backend.migrate(store: "csvs", Self.migrations)
    }

    static let migrations: [Migration] = [
        Migration("csvs-v1", portable: """
            CREATE TABLE session_csv (
                organization TEXT NOT NULL,
                day TEXT NOT NULL,
                name TEXT NOT NULL,
                session_csv BLOB NOT NULL,
                utterances_csv BLOB NOT NULL,
                PRIMARY KEY (organization, day, name)
            )
            """),
    ]

    /// Stores (or replaces, after a regenerate) one session's files.
    public func put(organization: String, day: String, name: String, session: [UInt8], utterances: [UInt8]) async throws {
        try await backend.query("""
            INSERT INTO session_csv(organization, day, name, session_csv, utterances_csv) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (organization, day, name) DO UPDATE SET session_csv = excluded.session_csv, utterances_csv = excluded.utterances_csv
            """, .text(organization), .text(day), .text(name), .blob(session), .blob(utterances))
    }

    /// One session's files, only within `organization`.
    public func get(organization: String, day: String, name: String) async throws -> (session: [UInt8], utterances: [UInt8])? {
        guard let row = try await backend.queryOne("""
            SELECT session_csv, utterances_csv FROM session_csv WHERE organization = ? AND day = ? AND name = ?
            """, .text(organization), .text(day), .text(name)) else { return nil }
        return (try row.blob("session_csv"), try row.blob("utterances_csv"))
    }

    /// The organization's days with sessions, in no particular order.
    public func days(organization: String) async throws -> [String] {
        try await backend.query("SELECT DISTINCT day FROM session_csv WHERE organization = ?", .text(organization)).map { try $0.text("day") }
    }

    /// The organization's session files of days `from...to` (yyyy-mm-dd), in the order a results
    /// folder lists them (day, then name), so a merged export has the same bytes either way.
    public func sessionFiles(organization: String, from: String, to: String) async throws -> [(day: String, name: String, session: [UInt8])] {
        try await backend.query("""
            SELECT day, name, session_csv FROM session_csv WHERE organization = ? AND day >= ? AND day <= ?
            """, .text(organization), .text(from), .text(to))
            .map { (try $0.text("day"), try $0.text("name"), try $0.blob("session_csv")) }
            // Sorted here as the folder listing sorts (Swift's String order, day then file name),
            // not by the database's collation.
            .sorted { $0.day != $1.day ? $0.day < $1.day : ($0.name + ".csv") < ($1.name + ".csv") }
    }
}
