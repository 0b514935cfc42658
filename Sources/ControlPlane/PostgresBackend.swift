import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The shared control plane of a cluster: PostgreSQL through postgres-nio's pooled client.
/// Migrations are recorded per store in `tapedeck_migrations` and run under an advisory lock,
/// so nodes starting together migrate once.
public final class PostgresBackend: SQLBackend, SQLNotifications {
    public let dialect = SQLDialect.postgres
    public let displayName: String
    private let client: PostgresClient
    private let connection: PostgresConnection.Configuration
    private let running: Task<Void, Never>
    private let logger: Logger

    public init(_ location: PostgresLocation, logger: Logger = Logger(label: "tapedeck.control-plane")) {
        displayName = location.displayName
        self.logger = logger
        var configuration = PostgresClient.Configuration(host: location.host, port: location.port, username: location.user,
                                                         password: location.password, database: location.database,
                                                         tls: location.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 8
        // The LISTEN connection is a plain connection of its own (a pooled one would be handed
        // back); TLS as the pool's.
        let tls: PostgresConnection.Configuration.TLS = location.requireTLS
            ? ((try? NIOSSLContext(configuration: .makeClientConfiguration())).map { .require($0) } ?? .disable) : .disable
        connection = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                      password: location.password, database: location.database, tls: tls)
        // The pool's own background log says "connection creation failed" every retry while
        // PostgreSQL is down, and warns when the first query races its start; this backend's
        // own warnings (notifications lost, writes spooled) are what an operator needs.
        var background = logger
        background.logLevel = .error
        client = PostgresClient(configuration: configuration, backgroundLogger: background)
        running = Task { [client] in await client.run() }
    }

    deinit { running.cancel() }

    public func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        try await Self.mapErrors {
            try await Self.collect(client.query(Self.statement(sql, arguments), logger: logger))
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            return try await Self.mapErrors {
                try await client.withConnection { connection in
                    let executor = ConnectionExecutor(connection: connection, logger: logger)
                    try await executor.query("BEGIN", [])
                    do {
                        let result = try await body(executor)
                        try await executor.query("COMMIT", [])
                        return result
                    } catch {
                        _ = try? await executor.query("ROLLBACK", [])
                        // The body's own errors are the caller's, not the pool's: carried past mapErrors as they are.
                        throw BodyError(error: error)
                    }
                }
            }
        } catch let wrapped as BodyError {
            throw wrapped.error
        }
    }

    /// An error thrown by a transaction's body, kept apart from the connection's errors.
    private struct BodyError: Error { var error: any Error }

    public func migrate(store: String, _ migrations: [Migration]) async throws {
        try await transaction { db in
            // One migrating node at a time, whatever the store: the lock ends with the transaction.
            try await db.query("SELECT pg_advisory_xact_lock(7365836203)")
            try await db.query("""
                CREATE TABLE IF NOT EXISTS tapedeck_migrations (
                    store TEXT NOT NULL, identifier TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    PRIMARY KEY (store, identifier))
                """)
            let applied = try await db.query("SELECT identifier FROM tapedeck_migrations WHERE store = ? ORDER BY identifier", .text(store))
                .map { try $0.text("identifier") }
            let known = Set(migrations.map(\.identifier))
            let newer = applied.filter { !known.contains($0) }
            if !newer.isEmpty { throw ControlPlaneError.newerSchema(store: store, applied: newer) }
            for migration in migrations where !applied.contains(migration.identifier) {
                // postgres-nio's extended protocol takes one statement per query.
                for statement in Self.statements(migration.postgres) { try await db.query(statement, []) }
                try await db.query("INSERT INTO tapedeck_migrations(store, identifier) VALUES (?, ?)", .text(store), .text(migration.identifier))
            }
        }
    }

    public func close() async {
        running.cancel()
    }

    // MARK: Notifications

    public func notify(channel: String, payload: String, on executor: any SQLExecutor) async throws {
        try await executor.query("SELECT pg_notify(?, ?)", .text(channel), .text(payload))
    }

    public func listen(channel: String, onListening: @escaping @Sendable () async -> Void, onLost: @escaping @Sendable () -> Void,
                       onNotification: @escaping @Sendable (String) async -> Void) async {
        var attempt = 0
        var failures = 0
        while !Task.isCancelled {
            do {
                attempt += 1
                let connection = try await PostgresConnection.connect(configuration: self.connection, id: attempt, logger: logger)
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: channel) { notifications in
                    // Listening now: anything sent while we were away must be read afresh.
                    failures = 0
                    await onListening()
                    for try await notification in notifications { await onNotification(notification.payload) }
                }
            } catch {
                if Task.isCancelled { return }
                if failures == 0 { onLost() }
                failures += 1
                // Said once when it happens, then once a minute or so while it lasts.
                if failures == 1 || failures % 12 == 0 {
                    logger.warning("control plane notifications lost; reconnecting", metadata: [
                        "channel": "\(channel)", "attempts": "\(failures)", "error": "\(Self.message(error))"])
                }
            }
            // Back off to one attempt every 5 s while PostgreSQL stays away.
            try? await Task.sleep(nanoseconds: UInt64(min(failures, 5)) * 1_000_000_000 + 100_000_000)
        }
    }

    // MARK: Statements, values and errors

    /// The stores' `?` placeholders become PostgreSQL's `$1, $2, …` (none sit inside literals).
    static func numbered(_ sql: String) -> String {
        var result = ""
        var index = 0
        var inLiteral = false
        for character in sql {
            if character == "'" { inLiteral.toggle() }
            if character == "?", !inLiteral {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// A migration's text split at the semicolons that end its statements.
    static func statements(_ script: String) -> [String] {
        script.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    static func statement(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: bindings.appendNull()
            case .integer(let value): bindings.append(value)
            case .text(let value): bindings.append(value)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return PostgresQuery(unsafeSQL: numbered(sql), binds: bindings)
    }

    static func collect(_ rows: PostgresRowSequence) async throws -> [SQLRow] {
        var result: [SQLRow] = []
        for try await row in rows {
            var values: [String: SQLValue] = [:]
            for cell in row {
                values[cell.columnName.lowercased()] = try value(of: cell)
            }
            result.append(SQLRow(values))
        }
        return result
    }

    private static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea:
            var buffer = try cell.decode(ByteBuffer.self)
            return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .void: return .null
        default: return .text(try cell.decode(String.self))
        }
    }

    static func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            if error.serverInfo != nil { throw ControlPlaneError.database(message(error)) }
            throw ControlPlaneError.unreachable(message(error))
        } catch let error as ControlPlaneError {
            throw error
        } catch let error as BodyError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The pool's own errors (no connection could be made for a while, pool shut down).
            throw ControlPlaneError.unreachable("\(error)")
        }
    }

    static func message(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo {
            return [info[.sqlState].map { "SQLSTATE \($0)" }, info[.message], info[.detail]].compactMap { $0 }.joined(separator: ": ")
        }
        return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
    }

    private struct ConnectionExecutor: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger
        func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
            try await PostgresBackend.mapErrors {
                try await PostgresBackend.collect(connection.query(PostgresBackend.statement(sql, arguments), logger: logger))
            }
        }
    }
}
