import Foundation

/// A serving node as the control plane knows it.
public struct NodeRecord: Sendable, Equatable {
    public enum State: String, Sendable { case serving, draining, stopped }
    public var name: String
    /// Where its stream endpoint listens (host:port), for operators.
    public var address: String
    public var state: State
    public var sessions: Int
    /// Microseconds since 1970.
    public var startedAt: Int64
    public var heartbeatAt: Int64

    public init(name: String, address: String, state: State, sessions: Int, startedAt: Int64, heartbeatAt: Int64) {
        (self.name, self.address, self.state, self.sessions, self.startedAt, self.heartbeatAt) = (name, address, state, sessions, startedAt, heartbeatAt)
    }
}

/// The nodes of a cluster and their heartbeats: a node whose heartbeat is older than the
/// orphan threshold is presumed dead, and its live sessions are someone else's to finish.
public final class NodeRegistry: Sendable {
    private let backend: any SQLBackend

    public init(backend: any SQLBackend) async throws {
        self.backend = backend
        try await backend.migrate(store: "nodes", Self.migrations)
    }

    static let migrations: [Migration] = [
        Migration("nodes-v1", portable: """
            CREATE TABLE node (
                name TEXT PRIMARY KEY NOT NULL,
                address TEXT NOT NULL,
                state TEXT NOT NULL,
                sessions INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                heartbeat_at INTEGER NOT NULL
            )
            """),
    ]

    /// Records the node's state now (its first call registers it).
    public func heartbeat(_ node: NodeRecord) async throws {
        try await backend.query("""
            INSERT INTO node(name, address, state, sessions, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET address = excluded.address, state = excluded.state, sessions = excluded.sessions,
                started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at
            """, .text(node.name), .text(node.address), .text(node.state.rawValue), .integer(Int64(node.sessions)),
            .integer(node.startedAt), .integer(node.heartbeatAt))
    }

    public func nodes() async throws -> [NodeRecord] {
        try await backend.query("SELECT name, address, state, sessions, started_at, heartbeat_at FROM node ORDER BY name", []).map { row in
            NodeRecord(name: try row.text("name"), address: try row.text("address"),
                       state: NodeRecord.State(rawValue: try row.text("state")) ?? .stopped, sessions: Int(try row.integer("sessions")),
                       startedAt: try row.integer("started_at"), heartbeatAt: try row.integer("heartbeat_at"))
        }
    }
}
