import ControlPlane
import Foundation
import Journal
import Logging

/// A key as `keys list` shows it: never the secret.
public struct APIKeyInfo: Equatable, Sendable, Codable {
    public var id: String
    public var organization: String
    public var label: String
    public var createdAt: Int64
    public var revokedAt: Int64?
}

/// What `keys create`/`rotate` hand out. The key is checked against a salted hash; it and the
/// AudioHook client secret (which signature checks need back) are also stored sealed under the
/// master key, so the console can show them to their own organization (docs/console.md).
public struct IssuedKey: Sendable {
    public var info: APIKeyInfo
    /// The API key: `tdk_<id>_<secret>`. Seed clients pass it as `?x-api-key=`, AudioHook as `X-API-KEY`.
    public var apiKey: String
    /// Base64 client secret for AudioHook's HMAC request signatures.
    public var clientSecret: String
}

/// A key with its secrets, for its own organization's console. `apiKey` is nil for keys issued
/// before API keys were kept encrypted (only their hash exists; rotating gives a showable one).
public struct KeyCredentials: Sendable {
    public var info: APIKeyInfo
    public var apiKey: String?
    public var clientSecret: String?
}

/// The caller a valid key identifies.
public struct AuthenticatedKey: Equatable, Sendable {
    public var keyId: String
    public var organization: String
    /// The decoded AudioHook client secret (bytes the HMAC is keyed with).
    public var clientSecret: [UInt8]
}

/// Organizations and API keys in the control plane: the node's SQLite file, or the cluster's
/// PostgreSQL. With PostgreSQL every node keeps the keys in memory (`KeyCache`), refreshed by
/// LISTEN/NOTIFY, so a connection is authenticated without a round trip and while PostgreSQL
/// is down; a revocation reaches every node as a notification.
public final class KeyStore: Sendable {
    private let backend: any SQLBackend
    private let masterKey: [UInt8]
    private let cache: KeyCache?
    /// Compared against when a key is malformed or unknown, so every failure costs one hash and
    /// one constant-time comparison, like a success.
    private let decoy: (salt: [UInt8], hash: [UInt8])

    static let notificationChannel = "tapedeck_keys"

    /// Migrates the key tables of `backend` and checks `masterKey` against the one they were
    /// first used with. With notifications (PostgreSQL), keys are cached and kept fresh.
    /// `cacheKeys: false` (one-shot commands) reads PostgreSQL on every lookup and listens for nothing.
    public init(backend: any SQLBackend, masterKey: [UInt8], cacheKeys: Bool = true,
                logger: Logger = Logger(label: "tapedeck.keys")) async throws {
        self.backend = backend
        self.masterKey = masterKey
        let salt = Secrets.randomBytes(16)
        decoy = (salt, SHA256Digest.hash(salt + Secrets.randomBytes(32)))
        do {
            try await backend.migrate(store: "keys", Self.migrations)
            try await Self.checkMasterKey(masterKey, in: backend)
        } catch let error as ControlPlaneError {
            throw ServerError.controlPlane(error)
        }
        if cacheKeys, let notifications = backend as? any SQLNotifications {
            let cache = KeyCache(logger: logger)
            self.cache = cache
            try await cache.start(backend: backend, notifications: notifications, channel: Self.notificationChannel)
        } else {
            cache = nil
        }
    }

    /// Opens `<dataDirectory>/tapedeck.sqlite` with the master key from `masterKeyFile`, which
    /// must exist, or else `<dataDirectory>/master.key`, created on first use.
    public static func open(dataDirectory: URL, masterKeyFile: URL? = nil) async throws -> KeyStore {
        let key = try masterKeyFile.map(MasterKey.load) ?? MasterKey.loadOrCreate(at: dataDirectory.appendingPathComponent("master.key"))
        let backend: SQLiteBackend
        do { backend = try SQLiteBackend(path: dataDirectory.appendingPathComponent("tapedeck.sqlite").path) } catch let error as ControlPlaneError {
            throw ServerError.controlPlane(error)
        }
        return try await KeyStore(backend: backend, masterKey: key)
    }

    /// Stops listening for changes (PostgreSQL); the store still answers from what it has.
    public func close() async {
        cache?.stop()
    }

    /// Whether the keys this node authenticates with are current: always for SQLite; for
    /// PostgreSQL, since when the notifications have been lost (nil while they flow).
    public var notificationsLostSince: ContinuousClock.Instant? { cache?.lostSince }

    /// Secrets sealed under one master key cannot be opened with another: every AudioHook
    /// signature would fail and no key could be shown, silently. So the store remembers the
    /// fingerprint of the key it was first opened with and refuses any other.
    private static func checkMasterKey(_ key: [UInt8], in backend: any SQLBackend) async throws {
        let fingerprint = MasterKey.fingerprint(key)
        let dialect = backend.dialect
        let recorded: String? = try await backend.transaction { db in
            // Two nodes starting at once on an empty cluster must not both record theirs.
            if dialect == .postgres { try await db.query("LOCK TABLE master_key IN EXCLUSIVE MODE") }
            if let row = try await db.queryOne("SELECT fingerprint FROM master_key") { return try row.text("fingerprint") }
            try await db.query("INSERT INTO master_key(fingerprint) VALUES (?)", .text(fingerprint))
            return nil
        }
        if let recorded, recorded != fingerprint {
            throw ServerError.masterKeyMismatch(database: backend.displayName, recorded: recorded, given: fingerprint)
        }
    }

    // The identifiers are those GRDB recorded in SQLite files before the control plane had two
    // engines; PostgreSQL records them per store.
    static let migrations: [Migration] = [
        Migration("v1", sqlite: """
            CREATE TABLE organization (
                name TEXT PRIMARY KEY NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE TABLE api_key (
                id TEXT PRIMARY KEY NOT NULL,
                organization TEXT NOT NULL REFERENCES organization(name),
                label TEXT NOT NULL DEFAULT '',
                salt BLOB NOT NULL,
                key_hash BLOB NOT NULL,
                client_secret_sealed BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            CREATE INDEX api_key_organization ON api_key(organization);
            """, postgres: """
            CREATE TABLE organization (
                name TEXT PRIMARY KEY NOT NULL,
                created_at BIGINT NOT NULL
            );
            CREATE TABLE api_key (
                id TEXT PRIMARY KEY NOT NULL,
                organization TEXT NOT NULL REFERENCES organization(name),
                label TEXT NOT NULL DEFAULT '',
                salt BYTEA NOT NULL,
                key_hash BYTEA NOT NULL,
                client_secret_sealed BYTEA NOT NULL,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            );
            CREATE INDEX api_key_organization ON api_key(organization);
            """),
        // The console shows an organization its key, so the key is also kept sealed under the
        // master key. Authentication still goes through the salted hash. Rows from before this
        // migration have no sealed copy and stay unshowable.
        Migration("v2-api-key-sealed", sqlite: "ALTER TABLE api_key ADD COLUMN api_key_sealed BLOB",
                  postgres: "ALTER TABLE api_key ADD COLUMN api_key_sealed BYTEA"),
        // The fingerprint of the master key the secrets are sealed under (see checkMasterKey).
        Migration("v3-master-key-fingerprint", both: "CREATE TABLE master_key (fingerprint TEXT NOT NULL)"),
    ]

    static func validateOrganization(_ name: String) throws {
        guard name.utf8.count <= 64, (try? JournalLayout.validate(name)) != nil else {
            throw ServerError.invalidOrganizationName(name)
        }
    }

    // MARK: Lifecycle

    public func create(organization: String, label: String = "", now: Int64 = wallClockMicroseconds()) async throws -> IssuedKey {
        try Self.validateOrganization(organization)
        let issued = try await write { db in
            try await db.query("INSERT INTO organization(name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING", .text(organization), .integer(now))
            return try await self.issue(db, organization: organization, label: label, now: now)
        }
        return issued
    }

    private func issue(_ db: any SQLExecutor, organization: String, label: String, now: Int64) async throws -> IssuedKey {
        let id = Secrets.base32(Secrets.randomBytes(6))  // 10 characters
        let apiKey = "tdk_\(id)_\(Secrets.base64URL(Secrets.randomBytes(32)))"
        let clientSecret = Secrets.randomBytes(32)
        let salt = Secrets.randomBytes(16)
        let hash = SHA256Digest.hash(salt + Array(apiKey.utf8))
        let sealed = Secrets.seal(clientSecret, key: masterKey)
        let sealedKey = Secrets.seal(Array(apiKey.utf8), key: masterKey)
        try await db.query("""
            INSERT INTO api_key(id, organization, label, salt, key_hash, client_secret_sealed, api_key_sealed, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, .text(id), .text(organization), .text(label), .blob(salt), .blob(hash), .blob(sealed), .blob(sealedKey), .integer(now))
        try await announce(id, on: db)
        return IssuedKey(info: APIKeyInfo(id: id, organization: organization, label: label, createdAt: now, revokedAt: nil),
                         apiKey: apiKey, clientSecret: Data(clientSecret).base64EncodedString())
    }

    public func list(organization: String? = nil) async throws -> [APIKeyInfo] {
        let rows = try await read { db in
            if let organization {
                return try await db.query("SELECT id, organization, label, created_at, revoked_at FROM api_key WHERE organization = ? ORDER BY created_at, id", .text(organization))
            }
            return try await db.query("SELECT id, organization, label, created_at, revoked_at FROM api_key ORDER BY organization, created_at, id")
        }
        return try rows.map(Self.info)
    }

    private static func info(_ row: SQLRow) throws -> APIKeyInfo {
        APIKeyInfo(id: try row.text("id"), organization: try row.text("organization"), label: try row.text("label"),
                   createdAt: try row.integer("created_at"), revokedAt: try row.optionalInteger("revoked_at"))
    }

    /// One key's secrets, only when it belongs to `organization`: another organization's key is
    /// indistinguishable from a missing one.
    public func credentials(id: String, organization: String) async throws -> KeyCredentials? {
        let found = try await read { db in
            try await db.queryOne("""
                SELECT id, organization, label, created_at, revoked_at, client_secret_sealed, api_key_sealed
                FROM api_key WHERE id = ? AND organization = ?
                """, .text(id), .text(organization))
        }
        guard let row = found else { return nil }
        let apiKey = try row.optionalBlob("api_key_sealed").flatMap { Secrets.open($0, key: masterKey) }
            .flatMap { String(bytes: $0, encoding: .utf8) }
        let secret = try row.optionalBlob("client_secret_sealed").flatMap { Secrets.open($0, key: masterKey) }
            .map { Data($0).base64EncodedString() }
        return KeyCredentials(info: try Self.info(row), apiKey: apiKey, clientSecret: secret)
    }

    public func organizations() async throws -> [String] {
        try await read { db in try await db.query("SELECT name FROM organization ORDER BY name").map { try $0.text("name") } }
    }

    /// Revokes a key; sessions already open keep running, new connections with it get 401 on
    /// every node (with PostgreSQL, once the notification arrives: milliseconds).
    /// With `organization`, a key of another organization is reported unknown.
    public func revoke(id: String, organization: String? = nil, now: Int64 = wallClockMicroseconds()) async throws {
        try await write { db in
            guard let row = try await self.findKey(db, id: id, organization: organization) else { throw ServerError.unknownKey(id) }
            guard case .null = row["revoked_at"] else { return }
            try await db.query("UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", .integer(now), .text(id))
            try await self.announce(id, on: db)
        }
        await cache?.refresh(id: id, from: backend)
    }

    /// Issues a new key for the same organization and revokes the old one, atomically.
    /// With `organization`, a key of another organization is reported unknown.
    public func rotate(id: String, organization: String? = nil, now: Int64 = wallClockMicroseconds()) async throws -> IssuedKey {
        let issued = try await write { db in
            guard let row = try await self.findKey(db, id: id, organization: organization) else { throw ServerError.unknownKey(id) }
            let issued = try await self.issue(db, organization: try row.text("organization"), label: try row.text("label"), now: now)
            try await db.query("UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", .integer(now), .text(id))
            try await self.announce(id, on: db)
            return issued
        }
        await cache?.refresh(id: id, from: backend)
        return issued
    }

    private func findKey(_ db: any SQLExecutor, id: String, organization: String?) async throws -> SQLRow? {
        if let organization {
            return try await db.queryOne("SELECT organization, label, revoked_at FROM api_key WHERE id = ? AND organization = ?", .text(id), .text(organization))
        }
        return try await db.queryOne("SELECT organization, label, revoked_at FROM api_key WHERE id = ?", .text(id))
    }

    /// Tells every node that key `id` changed (PostgreSQL; delivered when the transaction commits).
    private func announce(_ id: String, on db: any SQLExecutor) async throws {
        guard let notifications = backend as? any SQLNotifications else { return }
        try await notifications.notify(channel: Self.notificationChannel, payload: id, on: db)
    }

    // MARK: Authentication

    /// Checks a presented API key. Unknown, revoked and malformed keys all return nil after the
    /// same hashing work as a valid one, so the hash comparison does not tell them apart.
    public func authenticate(apiKey presented: String) async -> AuthenticatedKey? {
        let parts = presented.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        var record: KeyRecord?
        if parts.count == 3, parts[0] == "tdk", parts[1].utf8.count == 10, presented.utf8.count < 256 {
            let id = String(parts[1])
            if let cache {
                record = await cache.record(id: id, from: backend)
            } else {
                record = try? await KeyRecord.fetch(id: id, from: backend)
            }
        }
        let salt = record?.salt ?? decoy.salt
        let stored = record?.hash ?? decoy.hash
        let matches = HMACSHA256.constantTimeEqual(SHA256Digest.hash(salt + Array(presented.utf8)), stored)
        guard matches, let record, !record.revoked, let secret = Secrets.open(record.sealedClientSecret, key: masterKey) else { return nil }
        return AuthenticatedKey(keyId: String(parts[1]), organization: record.organization, clientSecret: secret)
    }

    // MARK: Database access with typed errors

    private func read<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do { return try await body(backend) } catch let error as ControlPlaneError { throw ServerError.controlPlane(error) }
    }

    private func write<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do { return try await backend.transaction(body) } catch let error as ControlPlaneError { throw ServerError.controlPlane(error) }
    }
}

/// What authentication needs of one key row.
struct KeyRecord: Sendable {
    var organization: String
    var salt: [UInt8]
    var hash: [UInt8]
    var sealedClientSecret: [UInt8]
    var revoked: Bool

    static let columns = "id, organization, salt, key_hash, client_secret_sealed, revoked_at"

    init(_ row: SQLRow) throws {
        organization = try row.text("organization")
        salt = try row.blob("salt")
        hash = try row.blob("key_hash")
        sealedClientSecret = try row.blob("client_secret_sealed")
        revoked = try row.optionalInteger("revoked_at") != nil
    }

    static func fetch(id: String, from backend: any SQLExecutor) async throws -> KeyRecord? {
        try await backend.queryOne("SELECT \(columns) FROM api_key WHERE id = ?", .text(id)).map(KeyRecord.init)
    }
}
