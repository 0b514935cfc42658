import ControlPlane
import Foundation

/// The control-plane engines a store test runs on: SQLite always; PostgreSQL when
/// TAPEDECK_TEST_POSTGRES names a server whose user may create databases (tools/test starts a
/// scratch one and sets it). Each test gets a database of its own.
public enum TestControlPlane: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// `postgres://USER@HOST:PORT/DATABASE` of the scratch server, if there is one.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["TAPEDECK_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The engines available here. Without a PostgreSQL server the PostgreSQL cases say so on
    /// standard error instead of passing silently.
    public static var available: [TestControlPlane] {
        if postgresURL != nil { return [.sqlite, .postgres] }
        FileHandle.standardError.write(Data("note: TAPEDECK_TEST_POSTGRES is not set; control-plane tests run on SQLite only (tools/test sets it)\n".utf8))
        return [.sqlite]
    }

    /// A fresh, empty control plane; `drop` removes it.
    public func make() async throws -> FreshControlPlane {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-cp-\(UUID().uuidString)")
            let location = ControlPlaneLocation.sqlite(path: folder.appendingPathComponent("tapedeck.sqlite").path)
            return FreshControlPlane(location: location, folder: folder, drop: { try? FileManager.default.removeItem(at: folder) })
        case .postgres:
            guard let url = Self.postgresURL, case .postgres(let server) = try ControlPlaneLocation.parse(url) else {
                throw ControlPlaneError.badLocation("TAPEDECK_TEST_POSTGRES", reason: "not set")
            }
            let name = "tapedeck_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
            let admin = PostgresBackend(server)
            try await admin.query("CREATE DATABASE \(name)", [])
            await admin.close()
            var fresh = server
            fresh.database = name
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-cp-\(UUID().uuidString)")
            return FreshControlPlane(location: .postgres(fresh), folder: folder, drop: {
                let admin = PostgresBackend(server)
                _ = try? await admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", [])
                await admin.close()
                try? FileManager.default.removeItem(at: folder)
            })
        }
    }
}

/// A control plane made for one test, and a folder for anything else it writes.
public struct FreshControlPlane: Sendable {
    public var location: ControlPlaneLocation
    public var folder: URL
    public var drop: @Sendable () async -> Void

    /// The databases, opened anew: each call is another node's connection.
    public func open() throws -> ControlPlaneBackends { try ControlPlaneBackends.open(location) }
}
