import Foundation

/// A PostgreSQL server and database, from `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]`.
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var requireTLS: Bool

    /// The location without its password, for logs.
    public var displayName: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}

/// Where the control plane lives: `--control-plane`, else TAPEDECK_CONTROL_PLANE, else the
/// data directory's SQLite files (one node, no other service).
public enum ControlPlaneLocation: Sendable, Equatable {
    /// One SQLite file for keys, sessions and nodes; the console's users stay in their own
    /// file beside it (`console.sqlite`), as before there was a choice.
    case sqlite(path: String)
    case postgres(PostgresLocation)

    public static let environmentVariable = "TAPEDECK_CONTROL_PLANE"

    public var isShared: Bool {
        if case .postgres = self { return true }
        return false
    }

    public var displayName: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): location.displayName
        }
    }

    /// `given` (the option), else the environment variable, else `<dataDirectory>/tapedeck.sqlite`.
    public static func resolve(_ given: String?, dataDirectory: URL,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ControlPlaneLocation {
        if let text = given ?? environment[environmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            return try parse(text)
        }
        return .sqlite(path: dataDirectory.appendingPathComponent("tapedeck.sqlite").path)
    }

    public static func parse(_ text: String) throws -> ControlPlaneLocation {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ControlPlaneError.badLocation(text, reason: "no file after sqlite:") }
            return .sqlite(path: path)
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw ControlPlaneError.badLocation(redacted(text), reason: "it starts with neither sqlite: nor postgres://")
        }
        guard let url = URLComponents(string: text), let host = url.host, !host.isEmpty else {
            throw ControlPlaneError.badLocation(redacted(text), reason: "no host")
        }
        guard let user = url.user, !user.isEmpty else { throw ControlPlaneError.badLocation(redacted(text), reason: "no user") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw ControlPlaneError.badLocation(redacted(text), reason: "no database name after the host")
        }
        if let port = url.port, !(1...65535).contains(port) { throw ControlPlaneError.badLocation(redacted(text), reason: "port out of range") }
        var requireTLS = false
        for item in url.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("sslmode", "require"), ("sslmode", "verify-full"): requireTLS = true
            case ("sslmode", "disable"): requireTLS = false
            default: throw ControlPlaneError.badLocation(redacted(text), reason: "unsupported parameter \(item.name)=\(item.value ?? "") (only sslmode=disable|require)")
            }
        }
        return .postgres(PostgresLocation(host: host, port: url.port ?? 5432, user: url.user?.removingPercentEncoding ?? user,
                                          password: url.password?.removingPercentEncoding, database: database, requireTLS: requireTLS))
    }

    /// The text with any password replaced, so errors never print it.
    static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? "postgres://…"
    }
}
