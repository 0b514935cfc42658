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

    /// What `keepSealed` had to do to make the stored journal equal the sealed file.
    public enum KeptSealed: Sendable, Equatable {
        /// The stored bytes were the file already (its node shipped the footer's block).
        case alreadyThere
        /// The stored bytes were a prefix of the file; this many bytes were added after them.
        case appended(bytes: Int)
        /// The stored bytes were not a prefix (recovery cut shipped bytes, or nothing was shipped); the file replaced them.
        case replaced(bytes: Int)
    }

    /// Makes the stored journal byte-identical to `file`, a journal sealed away from the node
    /// that shipped it (recovery after a restart, or a sweeper finishing a lost node's call), in
    /// one transaction: its tail is added after the stored prefix when that prefix is where the
    /// file starts, and anything stored beyond the prefix (blocks after a gap, which could
    /// otherwise join the file's end when read back) is dropped; otherwise the file replaces
    /// what was stored. Large files go in as rows of at most `rowBytes`.
    @discardableResult
    public func keepSealed(organization: String, journalPath: String, file: [UInt8], rowBytes: Int = 1 << 20) async throws -> KeptSealed {
        try await backend.transaction { db in
            let rows = try await db.query("""
                SELECT byte_offset, bytes FROM journal_block WHERE organization = ? AND journal_path = ? ORDER BY byte_offset
                """, .text(organization), .text(journalPath))
            var stored = 0
            var isPrefix = true
            var extra = false
            for row in rows {
                guard try row.integer("byte_offset") == Int64(stored) else { extra = true; break }
                let bytes = try row.blob("bytes")
                guard stored + bytes.count <= file.count, file[stored..<(stored + bytes.count)].elementsEqual(bytes) else {
                    isPrefix = false
                    break
                }
                stored += bytes.count
            }
            if isPrefix, stored == file.count, !extra { return .alreadyThere }
            let from = isPrefix ? stored : 0
            try await db.query("DELETE FROM journal_block WHERE organization = ? AND journal_path = ? AND byte_offset >= ?",
                               .text(organization), .text(journalPath), .integer(Int64(from)))
            var offset = from
            while offset < file.count {
                let end = min(file.count, offset + rowBytes)
                try await db.query("INSERT INTO journal_block(organization, journal_path, byte_offset, bytes) VALUES (?, ?, ?, ?)",
                                   .text(organization), .text(journalPath), .integer(Int64(offset)), .blob(Array(file[offset..<end])))
                offset = end
            }
            return isPrefix ? .appended(bytes: file.count - from) : .replaced(bytes: file.count)
        }
    }

    /// How many bytes of the journal are stored, without reading them (for a manifest written
    /// from the index; a sealed journal's rows are contiguous).
    public func storedLength(organization: String, journalPath: String) async throws -> Int64 {
        let row = try await backend.queryOne("""
            SELECT COALESCE(SUM(LENGTH(bytes)), 0) AS stored FROM journal_block WHERE organization = ? AND journal_path = ?
            """, .text(organization), .text(journalPath))
        return try row?.integer("stored") ?? 0
    }

    /// Deletes the journal's stored bytes (retention: the node that sealed it, and any mirror,
    /// keep their files); returns how many bytes were stored.
    @discardableResult
    public func remove(organization: String, journalPath: String) async throws -> Int64 {
        try await backend.transaction { db in
            let row = try await db.queryOne("""
                SELECT COALESCE(SUM(LENGTH(bytes)), 0) AS stored FROM journal_block WHERE organization = ? AND journal_path = ?
                """, .text(organization), .text(journalPath))
            try await db.query("DELETE FROM journal_block WHERE organization = ? AND journal_path = ?", .text(organization), .text(journalPath))
            return try row?.integer("stored") ?? 0
        }
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
