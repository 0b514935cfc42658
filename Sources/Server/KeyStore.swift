import Foundation
import GRDB
import Journal

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

/// Organizations and API keys in SQLite.
public final class KeyStore: Sendable {
    private let database: DatabaseQueue
    private let masterKey: [UInt8]
    /// Compared against when a key is malformed or unknown, so every failure costs one hash and
    /// one constant-time comparison, like a success.
    private let decoy: (salt: [UInt8], hash: [UInt8])

    public init(path: String, masterKey: [UInt8]) throws {
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            database = try DatabaseQueue(path: path)
            try Self.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw ServerError.database(error.description)
        }
        self.masterKey = masterKey
        try Self.checkMasterKey(masterKey, in: database, path: path)
        let salt = Secrets.randomBytes(16)
        decoy = (salt, SHA256Digest.hash(salt + Secrets.randomBytes(32)))
    }

    /// Opens `<dataDirectory>/tapedeck.sqlite` with the master key from `masterKeyFile`, which
    /// must exist, or else `<dataDirectory>/master.key`, created on first use.
    public static func open(dataDirectory: URL, masterKeyFile: URL? = nil) throws -> KeyStore {
        let key = try masterKeyFile.map(MasterKey.load) ?? MasterKey.loadOrCreate(at: dataDirectory.appendingPathComponent("master.key"))
        return try KeyStore(path: dataDirectory.appendingPathComponent("tapedeck.sqlite").path, masterKey: key)
    }

    /// Secrets sealed under one master key cannot be opened with another: every AudioHook
    /// signature would fail and no key could be shown, silently. So the store remembers the
    /// fingerprint of the key it was first opened with and refuses any other.
    private static func checkMasterKey(_ key: [UInt8], in database: DatabaseQueue, path: String) throws {
        let fingerprint = MasterKey.fingerprint(key)
        let recorded: String? = try database.write { db in
            if let recorded = try String.fetchOne(db, sql: "SELECT fingerprint FROM master_key") { return recorded }
            try db.execute(sql: "INSERT INTO master_key(fingerprint) VALUES (?)", arguments: [fingerprint])
            return nil
        }
        if let recorded, recorded != fingerprint { throw ServerError.masterKeyMismatch(database: path, recorded: recorded, given: fingerprint) }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
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
                """)
        }
        // The console shows an organization its key, so the key is also kept sealed under the
        // master key. Authentication still goes through the salted hash. Rows from before this
        // migration have no sealed copy and stay unshowable.
        migrator.registerMigration("v2-api-key-sealed") { db in
            try db.execute(sql: "ALTER TABLE api_key ADD COLUMN api_key_sealed BLOB")
        }
        // The fingerprint of the master key the secrets are sealed under (see checkMasterKey).
        migrator.registerMigration("v3-master-key-fingerprint") { db in
            try db.execute(sql: "CREATE TABLE master_key (fingerprint TEXT NOT NULL)")
        }
        return migrator
    }

    static func validateOrganization(_ name: String) throws {
        guard name.utf8.count <= 64, (try? JournalLayout.validate(name)) != nil else {
            throw ServerError.invalidOrganizationName(name)
        }
    }

    // MARK: Lifecycle

    public func create(organization: String, label: String = "", now: Int64 = wallClockMicroseconds()) throws -> IssuedKey {
        try Self.validateOrganization(organization)
        return try write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO organization(name, created_at) VALUES (?, ?)", arguments: [organization, now])
            return try self.issue(db, organization: organization, label: label, now: now)
        }
    }

    private func issue(_ db: Database, organization: String, label: String, now: Int64) throws -> IssuedKey {
        let id = Secrets.base32(Secrets.randomBytes(6))  // 10 characters
        let apiKey = "tdk_\(id)_\(Secrets.base64URL(Secrets.randomBytes(32)))"
        let clientSecret = Secrets.randomBytes(32)
        let salt = Secrets.randomBytes(16)
        let hash = SHA256Digest.hash(salt + Array(apiKey.utf8))
        let sealed = Secrets.seal(clientSecret, key: masterKey)
        let sealedKey = Secrets.seal(Array(apiKey.utf8), key: masterKey)
        try db.execute(sql: """
            INSERT INTO api_key(id, organization, label, salt, key_hash, client_secret_sealed, api_key_sealed, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, organization, label, Data(salt), Data(hash), Data(sealed), Data(sealedKey), now])
        return IssuedKey(info: APIKeyInfo(id: id, organization: organization, label: label, createdAt: now, revokedAt: nil),
                         apiKey: apiKey, clientSecret: Data(clientSecret).base64EncodedString())
    }

    public func list(organization: String? = nil) throws -> [APIKeyInfo] {
        try read { db in
            let rows: [Row]
            if let organization {
                rows = try Row.fetchAll(db, sql: "SELECT id, organization, label, created_at, revoked_at FROM api_key WHERE organization = ? ORDER BY created_at, id", arguments: [organization])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT id, organization, label, created_at, revoked_at FROM api_key ORDER BY organization, created_at, id")
            }
            return rows.map { APIKeyInfo(id: $0["id"], organization: $0["organization"], label: $0["label"], createdAt: $0["created_at"], revokedAt: $0["revoked_at"]) }
        }
    }

    /// One key's secrets, only when it belongs to `organization`: another organization's key is
    /// indistinguishable from a missing one.
    public func credentials(id: String, organization: String) throws -> KeyCredentials? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, organization, label, created_at, revoked_at, client_secret_sealed, api_key_sealed
                FROM api_key WHERE id = ? AND organization = ?
                """, arguments: [id, organization]) else { return nil }
            let info = APIKeyInfo(id: row["id"], organization: row["organization"], label: row["label"],
                                  createdAt: row["created_at"], revokedAt: row["revoked_at"])
            let apiKey = (row["api_key_sealed"] as Data?).flatMap { Secrets.open([UInt8]($0), key: masterKey) }
                .flatMap { String(bytes: $0, encoding: .utf8) }
            let secret = (row["client_secret_sealed"] as Data?).flatMap { Secrets.open([UInt8]($0), key: masterKey) }
                .map { Data($0).base64EncodedString() }
            return KeyCredentials(info: info, apiKey: apiKey, clientSecret: secret)
        }
    }

    public func organizations() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM organization ORDER BY name") }
    }

    /// Revokes a key; sessions already open keep running, new connections with it get 401.
    /// With `organization`, a key of another organization is reported unknown.
    public func revoke(id: String, organization: String? = nil, now: Int64 = wallClockMicroseconds()) throws {
        try write { db in
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND (? IS NULL OR organization = ?)",
                           arguments: [now, id, organization, organization])
            if db.changesCount == 0 {
                guard try Row.fetchOne(db, sql: "SELECT id FROM api_key WHERE id = ? AND (? IS NULL OR organization = ?)",
                                       arguments: [id, organization, organization]) != nil else {
                    throw ServerError.unknownKey(id)
                }
            }
        }
    }

    /// Issues a new key for the same organization and revokes the old one, atomically.
    /// With `organization`, a key of another organization is reported unknown.
    public func rotate(id: String, organization: String? = nil, now: Int64 = wallClockMicroseconds()) throws -> IssuedKey {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT organization, label FROM api_key WHERE id = ? AND (? IS NULL OR organization = ?)",
                                             arguments: [id, organization, organization]) else {
                throw ServerError.unknownKey(id)
            }
            let issued = try self.issue(db, organization: row["organization"], label: row["label"], now: now)
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return issued
        }
    }

    // MARK: Authentication

    /// Checks a presented API key. Unknown, revoked and malformed keys all return nil after the
    /// same work as a valid one, so timing does not tell them apart.
    public func authenticate(apiKey presented: String) -> AuthenticatedKey? {
        let parts = presented.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        var row: Row?
        if parts.count == 3, parts[0] == "tdk", parts[1].utf8.count == 10, presented.utf8.count < 256 {
            row = try? database.read { db in
                try Row.fetchOne(db, sql: "SELECT organization, salt, key_hash, client_secret_sealed, revoked_at FROM api_key WHERE id = ?",
                                 arguments: [String(parts[1])])
            }
        }
        let salt: [UInt8] = (row?["salt"] as Data?).map { [UInt8]($0) } ?? decoy.salt
        let stored: [UInt8] = (row?["key_hash"] as Data?).map { [UInt8]($0) } ?? decoy.hash
        let matches = HMACSHA256.constantTimeEqual(SHA256Digest.hash(salt + Array(presented.utf8)), stored)
        guard matches, let row, (row["revoked_at"] as Int64?) == nil,
              let sealed = row["client_secret_sealed"] as Data?,
              let secret = Secrets.open([UInt8](sealed), key: masterKey) else { return nil }
        return AuthenticatedKey(keyId: String(parts[1]), organization: row["organization"], clientSecret: secret)
    }

    // MARK: Database access with typed errors

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try database.read(body) } catch let error as DatabaseError { throw ServerError.database(error.description) }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try database.write(body) } catch let error as DatabaseError { throw ServerError.database(error.description) }
    }
}
