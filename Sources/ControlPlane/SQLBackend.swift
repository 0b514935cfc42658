import Foundation

/// The two SQL engines the control plane runs on. The stores write one SQL text for both
/// (`?` placeholders, `RETURNING`, `ON CONFLICT`, double-quoted identifiers); only table
/// definitions differ, so migrations carry a text per dialect.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

/// Runs statements. Inside `SQLBackend.transaction` it is the transaction's connection.
public protocol SQLExecutor: Sendable {
    /// Runs a statement and returns its rows (none for most writes; `RETURNING` gives some).
    @discardableResult
    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow]
}

extension SQLExecutor {
    @discardableResult
    public func query(_ sql: String, _ arguments: SQLValue...) async throws -> [SQLRow] {
        try await query(sql, arguments)
    }

    public func queryOne(_ sql: String, _ arguments: SQLValue...) async throws -> SQLRow? {
        try await query(sql, arguments).first
    }
}

/// One schema change, in both dialects. Identifiers never change once released: they are what
/// a database remembers having applied.
public struct Migration: Sendable {
    public var identifier: String
    public var sqlite: String
    public var postgres: String

    public init(_ identifier: String, sqlite: String, postgres: String) {
        (self.identifier, self.sqlite, self.postgres) = (identifier, sqlite, postgres)
    }

    /// A change whose SQL is the same in both dialects.
    public init(_ identifier: String, both sql: String) {
        self.init(identifier, sqlite: sql, postgres: sql)
    }

    /// A change written in SQLite's types, `INTEGER` and `BLOB`, which PostgreSQL spells
    /// `BIGINT` (64-bit, as SQLite's are) and `BYTEA`; for tables with nothing else dialect-bound.
    public init(_ identifier: String, portable sql: String) {
        let postgres = sql.replacingOccurrences(of: " INTEGER", with: " BIGINT").replacingOccurrences(of: " BLOB", with: " BYTEA")
        self.init(identifier, sqlite: sql, postgres: postgres)
    }
}

/// A control-plane database: SQLite through GRDB (one node, a file beside the journals) or
/// PostgreSQL through postgres-nio (every node of a cluster).
public protocol SQLBackend: SQLExecutor {
    var dialect: SQLDialect { get }
    /// Where it is, without any password: for logs and errors.
    var displayName: String { get }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T

    /// Applies the migrations of `store` that this database has not seen, in order, each in its
    /// own transaction. A database that has applied migrations this list does not know was
    /// migrated by a newer version and is refused.
    func migrate(store: String, _ migrations: [Migration]) async throws

    /// Closes connections; later calls fail.
    func close() async
}

/// Change notifications between nodes: PostgreSQL's LISTEN/NOTIFY. SQLite has one node and no
/// notifications; its stores read the file on every lookup instead.
public protocol SQLNotifications: Sendable {
    /// Sends `payload` to every listener of `channel`, on commit of the surrounding transaction
    /// when given one.
    func notify(channel: String, payload: String, on executor: any SQLExecutor) async throws
    /// Calls `onNotification` with each payload sent to `channel` until the task is cancelled;
    /// `onListening` each time listening starts (the first time, and after each loss: changes
    /// may have been missed in between) and `onLost` when the connection drops.
    func listen(channel: String, onListening: @escaping @Sendable () async -> Void, onLost: @escaping @Sendable () -> Void,
                onNotification: @escaping @Sendable (String) async -> Void) async
}
