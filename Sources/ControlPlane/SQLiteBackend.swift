import Foundation
import GRDB

/// The embedded control plane: one SQLite file, through GRDB. Existing files keep working:
/// migrations are recorded in GRDB's own `grdb_migrations` table, as before this backend.
public final class SQLiteBackend: SQLBackend {
    public let dialect = SQLDialect.sqlite
    public let displayName: String
    private let database: DatabaseQueue
    private let lock = AsyncLock()

    public init(path: String, foreignKeys: Bool = false) throws {
        displayName = "sqlite:\(path)"
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.foreignKeysEnabled = foreignKeys
            // Transactions are opened and closed by statements of their own (see transaction).
            configuration.allowsUnsafeTransactions = true
            // Another process (a `keys` command beside `serve`) may hold the write lock briefly.
            configuration.busyMode = .timeout(10)
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw ControlPlaneError.database("cannot open \(path): \(error)")
        }
    }

    public func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        try await lock.run { try self.run(sql, arguments) }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await lock.run {
            _ = try run("BEGIN IMMEDIATE", [])
            do {
                let result = try await body(Unlocked(backend: self))
                _ = try run("COMMIT", [])
                return result
            } catch {
                _ = try? run("ROLLBACK", [])
                throw error
            }
        }
    }

    public func migrate(store: String, _ migrations: [Migration]) async throws {
        try await lock.run {
            var migrator = DatabaseMigrator()
            for migration in migrations {
                migrator.registerMigration(migration.identifier) { db in try db.execute(sql: migration.sqlite) }
            }
            do {
                try migrator.migrate(database)
                let applied = try database.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
                let known = Set(migrations.map(\.identifier))
                let newer = applied.filter { $0.hasPrefix("\(store)-") && !known.contains($0) }
                if !newer.isEmpty { throw ControlPlaneError.newerSchema(store: store, applied: newer) }
            } catch let error as DatabaseError {
                throw ControlPlaneError.database(error.description)
            }
        }
    }

    public func close() async {
        try? database.close()
    }

    fileprivate func run(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        do {
            return try database.writeWithoutTransaction { db in
                let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments.map(Self.databaseValue)))
                return rows.map(Self.row)
            }
        } catch let error as DatabaseError {
            throw ControlPlaneError.database(error.description)
        }
    }

    private static func databaseValue(_ value: SQLValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }

    private static func row(_ row: Row) -> SQLRow {
        var values: [String: SQLValue] = [:]
        for (column, value) in row {
            switch value.storage {
            case .null: values[column.lowercased()] = .null
            case .int64(let integer): values[column.lowercased()] = .integer(integer)
            case .double(let double): values[column.lowercased()] = .integer(Int64(double))
            case .string(let string): values[column.lowercased()] = .text(string)
            case .blob(let data): values[column.lowercased()] = .blob([UInt8](data))
            }
        }
        return SQLRow(values)
    }

    /// The transaction's executor: the lock is already held by `transaction`.
    private struct Unlocked: SQLExecutor {
        let backend: SQLiteBackend
        func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] { try backend.run(sql, arguments) }
    }
}
