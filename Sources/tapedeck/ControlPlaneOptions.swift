import ArgumentParser
import Console
import ControlPlane
import Foundation
import Server

/// Where keys, users and sessions live, and the master key their secrets are sealed under.
/// One node keeps them in its data directory (SQLite, and `<data>/master.key` created on first
/// use). Nodes of a cluster share a PostgreSQL control plane and must share one master key, so
/// there the key file must be provisioned (once, `head -c 32 /dev/urandom > master.key`) and
/// given to every node: a node never creates it.
struct ControlPlaneOptions: ParsableArguments {
    @Option(help: "Control plane: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default: $TAPEDECK_CONTROL_PLANE, else <data>/tapedeck.sqlite).")
    var controlPlane: String?

    @Option(help: "The 32-byte master key file (default: $TAPEDECK_MASTER_KEY_FILE, else <data>/master.key, created on first use with SQLite). A given file is never created.")
    var masterKeyFile: String?

    var file: URL? {
        let path = masterKeyFile ?? ProcessInfo.processInfo.environment["TAPEDECK_MASTER_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        return path.map { URL(fileURLWithPath: $0) }
    }

    func location(data: String) throws -> ControlPlaneLocation {
        try ControlPlaneLocation.resolve(controlPlane, dataDirectory: URL(fileURLWithPath: data))
    }

    /// The master key: the given file, or (SQLite only) `<data>/master.key`, created if missing.
    func masterKey(data: String, location: ControlPlaneLocation) throws -> [UInt8] {
        if let file { return try MasterKey.load(at: file) }
        guard !location.isShared else {
            throw ServerError.missingMasterKey("--master-key-file (required with a shared control plane: \(location.displayName))")
        }
        return try MasterKey.loadOrCreate(at: URL(fileURLWithPath: data).appendingPathComponent("master.key"))
    }

    /// Opens the control plane's databases and its key store. Only a server caches the keys
    /// (and listens for their changes); a command reads what it needs.
    func open(data: String, cacheKeys: Bool = false) async throws -> OpenControlPlane {
        let location = try location(data: data)
        let key = try masterKey(data: data, location: location)
        let backends = try ControlPlaneBackends.open(location)
        return OpenControlPlane(backends: backends, keys: try await KeyStore(backend: backends.main, masterKey: key, cacheKeys: cacheKeys))
    }

    func openKeyStore(data: String) async throws -> KeyStore {
        try await open(data: data).keys
    }
}

/// The control plane a command works with.
struct OpenControlPlane: Sendable {
    var backends: ControlPlaneBackends
    var keys: KeyStore

    func users() async throws -> UserStore { try await UserStore(backend: backends.users) }
    func sessionIndex() async throws -> SessionIndex { try await SessionIndex(backend: backends.main) }
    func nodes() async throws -> NodeRegistry { try await NodeRegistry(backend: backends.main) }
    func journalBlocks() async throws -> JournalBlocks { try await JournalBlocks(backend: backends.main) }

    func close() async {
        await keys.close()
        await backends.close()
    }
}
