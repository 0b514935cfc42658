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

extension ControlPlaneOptions {
    /// The control plane's databases alone, for commands that read the session index and
    /// journals but never keys: no master key is needed, and none is created.
    func backends(data: String) throws -> ControlPlaneBackends {
        try ControlPlaneBackends.open(try location(data: data))
    }
}

/// `--org` and `--session`: one session's journal read from the control plane instead of a
/// file (any node's call, a lost node's too), for `replay` and `verify`.
struct ControlPlaneSession: ParsableArguments {
    @Option(help: "Read the journal of this organization's session from the control plane (with --session) instead of a file.") var org: String?
    @Option(help: "The session id to read from the control plane (with --org).") var session: String?
    @Option(help: "Which journal, when the organization has several for the session id (`tapedeck index list` shows journal paths).") var journalPath: String?
    @Option(help: "Data directory (its SQLite control plane unless --control-plane names another).") var data = "data"
    @OptionGroup var controlPlane: ControlPlaneOptions

    var isRequested: Bool { org != nil || session != nil }

    func validate(file: String?) throws {
        if isRequested, org == nil || session == nil { throw ValidationError("--org and --session go together: they name one session in the control plane") }
        if isRequested, file != nil { throw ValidationError("give a journal file or --org/--session, not both") }
        if !isRequested, file == nil { throw ValidationError("give a journal file, or --org ORG --session ID to read it from the control plane") }
        if journalPath != nil, !isRequested { throw ValidationError("--journal-path chooses among a session's journals in the control plane: give --org and --session too") }
    }

    /// The journal written to a new temporary folder (the caller removes it), and what it is.
    func fetch() async throws -> (file: URL, fetched: JournalFetch.Fetched) {
        guard let org, let session else { throw ValidationError("--org and --session name the session") }
        let backends = try controlPlane.backends(data: data)
        let fetched: JournalFetch.Fetched
        do {
            fetched = try await JournalFetch.fetch(index: try await SessionIndex(backend: backends.main),
                                                   blocks: try await JournalBlocks(backend: backends.main),
                                                   organization: org, sessionId: session, journalPath: journalPath)
        } catch {
            await backends.close()
            throw (error as? JournalFetchError).map { ValidationError($0.description) } ?? error
        }
        await backends.close()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-fetched-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(URL(fileURLWithPath: fetched.entry.journalPath).lastPathComponent)
        try Data(fetched.bytes).write(to: file)
        return (file, fetched)
    }

    /// One line for standard error: which journal was read, and whether it is the sealed one the index names.
    static func describe(_ fetched: JournalFetch.Fetched) -> String {
        let entry = fetched.entry
        let what = fetched.isTheIndexedJournal ? "the sealed journal, its SHA-256 as indexed"
            : entry.journalSHA256 == nil ? "the bytes shipped so far: the session is not sealed yet"
            : "NOT the sealed journal the index names (SHA-256 differs): the bytes its first node shipped before it was lost; node \(entry.node) holds the sealed file"
        return "read \(entry.journalPath) from the control plane (\(fetched.bytes.count) bytes, \(entry.state.rawValue), node \(entry.node)): \(what)\n"
    }
}
