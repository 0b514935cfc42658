import Digests
import Foundation
import GRDB

/// A console user: one person of one organization.
public struct ConsoleUser: Equatable, Sendable {
    public var id: Int64
    public var organization: String
    public var email: String
}

/// A signed-in browser: who it is and the CSRF token its forms must carry.
public struct ConsoleSession: Sendable {
    public var user: ConsoleUser
    public var csrfToken: String
    public var expiresAt: Int64
}

public enum ConsoleError: Error, CustomStringConvertible, Equatable {
    case database(String)
    case invalidEmail(String)
    case duplicateEmail(String)
    case unknownOrganization(String)
    case weakPassword(String)

    public var description: String {
        switch self {
        case .database(let message): "console database error: \(message)"
        case .invalidEmail(let email): "'\(email)' is not an email address"
        case .duplicateEmail(let email): "a user with email \(email) already exists"
        case .unknownOrganization(let name): "no organization '\(name)': create its first key with `tapedeck keys create --org \(name)`"
        case .weakPassword(let reason): "password refused: \(reason)"
        }
    }
}

/// Users and browser sessions, in `console.sqlite` beside the key store's `tapedeck.sqlite`:
/// the console's tables migrate on their own, and a login's writes never queue behind (or in
/// front of) the key lookups that every stream connection makes.
///
/// Passwords arrive here already hashed (bcrypt); session tokens are kept only as SHA-256, so
/// the database alone signs nobody in.
public final class UserStore: Sendable {
    private let database: DatabaseQueue

    public init(path: String) throws {
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw ConsoleError.database(error.description)
        }
    }

    public static func open(dataDirectory: URL) throws -> UserStore {
        try UserStore(path: dataDirectory.appendingPathComponent("console.sqlite").path)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE user (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    organization TEXT NOT NULL,
                    email TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE session (
                    token_hash BLOB PRIMARY KEY NOT NULL,
                    user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                    csrf_token TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX session_user ON session(user_id);
                """)
        }
        return migrator
    }

    /// Emails are compared case-insensitively: stored and looked up lower-cased and trimmed.
    public static func normalize(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func validate(email: String) throws {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !email.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw ConsoleError.invalidEmail(email)
        }
    }

    // MARK: Users

    @discardableResult
    public func createUser(organization: String, email: String, passwordHash: String, now: Int64 = ConsoleClock.microseconds()) throws -> ConsoleUser {
        let email = Self.normalize(email: email)
        try Self.validate(email: email)
        return try write { db in
            if try Row.fetchOne(db, sql: "SELECT id FROM user WHERE email = ?", arguments: [email]) != nil {
                throw ConsoleError.duplicateEmail(email)
            }
            try db.execute(sql: "INSERT INTO user(organization, email, password_hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [organization, email, passwordHash, now])
            return ConsoleUser(id: db.lastInsertedRowID, organization: organization, email: email)
        }
    }

    public func users(organization: String? = nil) throws -> [ConsoleUser] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, organization, email FROM user WHERE ? IS NULL OR organization = ? ORDER BY organization, email",
                             arguments: [organization, organization])
                .map { ConsoleUser(id: $0["id"], organization: $0["organization"], email: $0["email"]) }
        }
    }

    /// The user and their password hash, for checking a login.
    func credentials(email: String) throws -> (user: ConsoleUser, passwordHash: String)? {
        let email = Self.normalize(email: email)
        return try read { db in
            try Row.fetchOne(db, sql: "SELECT id, organization, email, password_hash FROM user WHERE email = ?", arguments: [email]).map {
                (ConsoleUser(id: $0["id"], organization: $0["organization"], email: $0["email"]), $0["password_hash"])
            }
        }
    }

    // MARK: Sessions

    /// Starts a session; the returned token goes into the cookie and is never stored.
    func startSession(for user: ConsoleUser, lifetimeSeconds: Int64, now: Int64 = ConsoleClock.microseconds()) throws -> (token: String, session: ConsoleSession) {
        let token = Tokens.random()
        let csrf = Tokens.random()
        let expires = now + lifetimeSeconds * 1_000_000
        try write { db in
            // Expired sessions are swept here, where a write happens anyway.
            try db.execute(sql: "DELETE FROM session WHERE expires_at <= ?", arguments: [now])
            try db.execute(sql: "INSERT INTO session(token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [Data(Tokens.hash(token)), user.id, csrf, now, expires])
        }
        return (token, ConsoleSession(user: user, csrfToken: csrf, expiresAt: expires))
    }

    /// The live session a cookie token names. Looked up by the token's hash: the token is 256
    /// random bits, so an index lookup reveals nothing an attacker could use to guess one.
    func session(token: String, now: Int64 = ConsoleClock.microseconds()) throws -> ConsoleSession? {
        guard token.utf8.count < 128 else { return nil }
        return try read { db in
            try Row.fetchOne(db, sql: """
                SELECT user.id, user.organization, user.email, session.csrf_token, session.expires_at
                FROM session JOIN user ON user.id = session.user_id
                WHERE session.token_hash = ? AND session.expires_at > ?
                """, arguments: [Data(Tokens.hash(token)), now]).map {
                ConsoleSession(user: ConsoleUser(id: $0[0], organization: $0[1], email: $0[2]), csrfToken: $0[3], expiresAt: $0[4])
            }
        }
    }

    func endSession(token: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM session WHERE token_hash = ?", arguments: [Data(Tokens.hash(token))]) }
    }

    public func openSessionCount(now: Int64 = ConsoleClock.microseconds()) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM session WHERE expires_at > ?", arguments: [now]) ?? 0 }
    }

    // MARK: Database access with typed errors

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try database.read(body) } catch let error as DatabaseError { throw ConsoleError.database(error.description) }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try database.write(body) } catch let error as DatabaseError { throw ConsoleError.database(error.description) }
    }
}

/// Random tokens for cookies and CSRF, and how they are kept.
enum Tokens {
    /// 256 bits from the system CSPRNG (getrandom on Linux), base64url without padding.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> [UInt8] { SHA256Digest.hash(Array(token.utf8)) }

    static func equal(_ a: String, _ b: String) -> Bool {
        // Hashing first makes the comparison length-independent as well as constant-time.
        HMACSHA256.constantTimeEqual(hash(a), hash(b))
    }
}

public enum ConsoleClock {
    public static func microseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }
}
