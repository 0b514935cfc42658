import Foundation

/// Journals kept in the control plane as their nodes write them: every byte range (the file
/// header, each group-committed block, the footer's block) in one row, so that the prefix of a
/// journal that reached PostgreSQL is exactly the prefix that reached the node's disk, and a
/// sealed journal is there byte for byte. Another node rebuilds the file from it when the one
/// that wrote it is lost.
public final class JournalBlocks: Sendable {
    private let backend: any SQLBackend

    public init(backend: any SQLBackend) async throws {
        self.backend = backend
        try await backend.migrate(store: "blocks", Self.migrations)
    }

    static let migrations: [Migration] = [
        Migration("blocks-v1", portable: """
            CREATE TABLE journal_block (
                organization TEXT NOT NULL,
                journal_path TEXT NOT NULL,
                byte_offset INTEGER NOT NULL,
                bytes BLOB NOT NULL,
                PRIMARY KEY (organization, journal_path, byte_offset)
            )
            """),
    ]

    /// Stores one byte range; storing it again (a retry) changes nothing.
    public func append(organization: String, journalPath: String, offset: Int, bytes: [UInt8]) async throws {
        try await backend.query("""
            INSERT INTO journal_block(organization, journal_path, byte_offset, bytes) VALUES (?, ?, ?, ?)
            ON CONFLICT (organization, journal_path, byte_offset) DO NOTHING
            """, .text(organization), .text(journalPath), .integer(Int64(offset)), .blob(bytes))
    }

    /// The journal's bytes as far as they are contiguous from the start (a block missing in the
    /// middle ends it there: what follows could not be read anyway).
    public func contiguousBytes(organization: String, journalPath: String) async throws -> [UInt8] {
        let rows = try await backend.query("""
            SELECT byte_offset, bytes FROM journal_block WHERE organization = ? AND journal_path = ? ORDER BY byte_offset
            """, .text(organization), .text(journalPath))
        var file: [UInt8] = []
        for row in rows {
            guard try row.integer("byte_offset") == Int64(file.count) else { break }
            file += try row.blob("bytes")
        }
        return file
    }
}
