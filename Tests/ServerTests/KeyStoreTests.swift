import ControlPlane
import Foundation
import TapedeckTesting
import Testing
@testable import Server

/// The key store on both control-plane engines: every behaviour holds on SQLite (one node) and
/// on PostgreSQL (a cluster), where a second store on the same database is another node.
@Suite struct KeyStoreTests {
    static let masterKey = (0..<32).map { UInt8($0) }

    /// A store on a fresh control plane of `engine`, and what to call when done.
    static func makeStore(_ engine: TestControlPlane) async throws -> (KeyStore, FreshControlPlane) {
        let plane = try await engine.make()
        return (try await KeyStore(backend: try plane.open().main, masterKey: masterKey), plane)
    }

    @Test(arguments: TestControlPlane.available)
    func createdKeyAuthenticatesToItsOrganization(_ engine: TestControlPlane) async throws {
        let (store, plane) = try await Self.makeStore(engine)
        let issued = try await store.create(organization: "acme", label: "dialer")
        let auth = try #require(await store.authenticate(apiKey: issued.apiKey))
        #expect(auth.organization == "acme")
        #expect(auth.keyId == issued.info.id)
        #expect(Data(auth.clientSecret).base64EncodedString() == issued.clientSecret)
        #expect(issued.apiKey.range(of: #"^[a-zA-Z0-9+/_-]+={0,2}$"#, options: .regularExpression) != nil,
                "AudioHook clients only accept this key alphabet")
        await store.close()
        await plane.drop()
    }

    @Test(arguments: TestControlPlane.available)
    func wrongMalformedAndRevokedKeysAreRefused(_ engine: TestControlPlane) async throws {
        let (store, plane) = try await Self.makeStore(engine)
        let issued = try await store.create(organization: "acme")
        var tampered = Array(issued.apiKey)
        tampered[tampered.count - 1] = tampered.last == "A" ? "B" : "A"
        for bad in [String(tampered), "", "tdk_", "tdk_\(issued.info.id)_", "nonsense", issued.apiKey + "x", String(repeating: "a", count: 5000)] {
            #expect(await store.authenticate(apiKey: bad) == nil, "\(bad.prefix(40)) must not authenticate")
        }
        try await store.revoke(id: issued.info.id)
        #expect(await store.authenticate(apiKey: issued.apiKey) == nil)
        #expect(try await store.list().first?.revokedAt != nil)
        await #expect(throws: ServerError.unknownKey("nope")) { try await store.revoke(id: "nope") }
        await #expect(throws: ServerError.unknownKey(issued.info.id), "another organization's key is unknown") {
            try await store.revoke(id: issued.info.id, organization: "globex")
        }
        await store.close()
        await plane.drop()
    }

    @Test(arguments: TestControlPlane.available)
    func rotationIssuesANewKeyAndRevokesTheOld(_ engine: TestControlPlane) async throws {
        let (store, plane) = try await Self.makeStore(engine)
        let first = try await store.create(organization: "acme", label: "pbx")
        let second = try await store.rotate(id: first.info.id)
        #expect(second.info.organization == "acme")
        #expect(second.info.label == "pbx")
        #expect(await store.authenticate(apiKey: first.apiKey) == nil)
        #expect(await store.authenticate(apiKey: second.apiKey)?.organization == "acme")
        #expect(try await store.list(organization: "acme").count == 2)
        #expect(try await store.organizations() == ["acme"])
        let shown = try #require(try await store.credentials(id: second.info.id, organization: "acme"))
        #expect(shown.apiKey == second.apiKey && shown.clientSecret == second.clientSecret)
        #expect(try await store.credentials(id: second.info.id, organization: "globex") == nil)
        await store.close()
        await plane.drop()
    }

    @Test func secretsAreNeverStoredInPlainText() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try await KeyStore.open(dataDirectory: dir)
        let issued = try await store.create(organization: "acme")
        let database = try Data(contentsOf: dir.appendingPathComponent("tapedeck.sqlite"))
        // The random part follows "tdk_<id>_"; it is base64url, so it may itself contain "_".
        let prefix = "tdk_\(issued.info.id)_"
        #expect(issued.apiKey.hasPrefix(prefix))
        let secretPart = String(issued.apiKey.dropFirst(prefix.count))
        #expect(secretPart.count == 43)
        #expect(database.range(of: Data(secretPart.utf8)) == nil)
        #expect(database.range(of: Data(issued.apiKey.utf8)) == nil)
        #expect(database.range(of: Data(base64Encoded: issued.clientSecret)!) == nil)
        #expect(database.range(of: Data(issued.clientSecret.utf8)) == nil)
        let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("master.key").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// PostgreSQL holds the same sealed and hashed columns: no secret in any row, in any column.
    @Test(arguments: TestControlPlane.available.filter { $0 == .postgres })
    func secretsAreNeverStoredInPlainTextInPostgreSQL(_ engine: TestControlPlane) async throws {
        let (store, plane) = try await Self.makeStore(engine)
        let issued = try await store.create(organization: "acme")
        let backend = try plane.open().main
        let rows = try await backend.query("SELECT * FROM api_key", [])
        let secret = Array(issued.apiKey.utf8.dropFirst("tdk_\(issued.info.id)_".utf8.count))  // base64url: it may contain "_"
        #expect(secret.count == 43)
        let clientSecret = [UInt8](Data(base64Encoded: issued.clientSecret)!)
        for row in rows {
            for (column, value) in row.values {
                let bytes: [UInt8]
                switch value {
                case .blob(let blob): bytes = blob
                case .text(let text): bytes = Array(text.utf8)
                default: continue
                }
                for needle in [secret, clientSecret, Array(issued.apiKey.utf8)] {
                    #expect(!Self.contains(bytes, needle), "column \(column) holds a secret")
                }
            }
        }
        await store.close()
        await backend.close()
        await plane.drop()
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test(arguments: TestControlPlane.available)
    func organizationNamesCannotEscapeTheJournalRoot(_ engine: TestControlPlane) async throws {
        let (store, plane) = try await Self.makeStore(engine)
        for bad in ["../x", "a/b", ".hidden", "", String(repeating: "o", count: 65)] {
            await #expect(throws: ServerError.invalidOrganizationName(bad)) { _ = try await store.create(organization: bad) }
        }
        await store.close()
        await plane.drop()
    }

    @Test(arguments: TestControlPlane.available)
    func keysSurviveReopeningTheStore(_ engine: TestControlPlane) async throws {
        let (store, plane) = try await Self.makeStore(engine)
        let issued = try await store.create(organization: "acme")
        await store.close()
        let reopened = try await KeyStore(backend: try plane.open().main, masterKey: Self.masterKey)
        #expect(await reopened.authenticate(apiKey: issued.apiKey)?.organization == "acme")
        await reopened.close()
        await plane.drop()
    }

    /// Two nodes on one control plane: a key made on one works on the other at once, and a
    /// revocation on one is refused by the other within seconds (PostgreSQL: LISTEN/NOTIFY).
    @Test(arguments: TestControlPlane.available)
    func aKeyRevokedOnOneNodeIsRefusedOnAnother(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        let first = try await KeyStore(backend: try plane.open().main, masterKey: Self.masterKey)
        let second = try await KeyStore(backend: try plane.open().main, masterKey: Self.masterKey)
        let issued = try await first.create(organization: "acme")
        #expect(await second.authenticate(apiKey: issued.apiKey)?.organization == "acme", "a new key works on every node")
        try await first.revoke(id: issued.info.id)
        let clock = ContinuousClock()
        let started = clock.now
        var refused = false
        while clock.now - started < .seconds(10) {
            if await second.authenticate(apiKey: issued.apiKey) == nil { refused = true; break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(refused, "the other node still accepts a key revoked 10 s ago")
        print("revocation reached the other node (\(engine)) in \(clock.now - started)")
        await first.close()
        await second.close()
        await plane.drop()
    }

    /// A provisioned master key is used as given and never created; a store sealed under one
    /// master key refuses another instead of failing every signature later.
    @Test func aProvisionedMasterKeyIsRequiredAndAStoreRefusesAnyOther() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let provisioned = dir.appendingPathComponent("provisioned.key")
        await #expect(throws: ServerError.missingMasterKey(provisioned.path)) { try await KeyStore.open(dataDirectory: dir, masterKeyFile: provisioned) }
        #expect(!FileManager.default.fileExists(atPath: provisioned.path), "a given master key file is never created")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("master.key").path))
        try Data(repeating: 7, count: 31).write(to: provisioned)
        await #expect(throws: ServerError.badMasterKey(provisioned.path)) { try await KeyStore.open(dataDirectory: dir, masterKeyFile: provisioned) }

        try Data((0..<32).map { UInt8($0) }).write(to: provisioned)
        let issued = try await KeyStore.open(dataDirectory: dir, masterKeyFile: provisioned).create(organization: "acme")
        // A second node with the same file reads the same secrets.
        let other = try await KeyStore.open(dataDirectory: dir, masterKeyFile: provisioned)
        #expect(Data(try #require(await other.authenticate(apiKey: issued.apiKey)).clientSecret).base64EncodedString() == issued.clientSecret)

        // The data folder's own master.key (created now, random) is not the key it was sealed with.
        do {
            _ = try await KeyStore.open(dataDirectory: dir)
            Issue.record("a store sealed under another master key was opened")
        } catch let error as ServerError {
            guard case .masterKeyMismatch = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("sealed with another master key"))
        }
    }

    /// On a shared control plane, a node with another master key is refused too.
    @Test(arguments: TestControlPlane.available)
    func aNodeWithAnotherMasterKeyIsRefused(_ engine: TestControlPlane) async throws {
        let (store, plane) = try await Self.makeStore(engine)
        await store.close()
        do {
            _ = try await KeyStore(backend: try plane.open().main, masterKey: Array(repeating: 9, count: 32))
            Issue.record("a control plane sealed under another master key was opened")
        } catch let error as ServerError {
            guard case .masterKeyMismatch = error else { Issue.record("\(error)"); return }
        }
        await plane.drop()
    }
}
