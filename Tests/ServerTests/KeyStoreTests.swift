import Foundation
import Testing
@testable import Server

@Suite struct KeyStoreTests {
    static func makeStore() throws -> (KeyStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-keys-\(UUID().uuidString)")
        return (try KeyStore.open(dataDirectory: dir), dir)
    }

    @Test func createdKeyAuthenticatesToItsOrganization() throws {
        let (store, dir) = try Self.makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let issued = try store.create(organization: "acme", label: "dialer")
        let auth = try #require(store.authenticate(apiKey: issued.apiKey))
        #expect(auth.organization == "acme")
        #expect(auth.keyId == issued.info.id)
        #expect(Data(auth.clientSecret).base64EncodedString() == issued.clientSecret)
        #expect(issued.apiKey.range(of: #"^[a-zA-Z0-9+/_-]+={0,2}$"#, options: .regularExpression) != nil,
                "AudioHook clients only accept this key alphabet")
    }

    @Test func wrongMalformedAndRevokedKeysAreRefused() throws {
        let (store, dir) = try Self.makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let issued = try store.create(organization: "acme")
        var tampered = Array(issued.apiKey)
        tampered[tampered.count - 1] = tampered.last == "A" ? "B" : "A"
        for bad in [String(tampered), "", "tdk_", "tdk_\(issued.info.id)_", "nonsense", issued.apiKey + "x", String(repeating: "a", count: 5000)] {
            #expect(store.authenticate(apiKey: bad) == nil, "\(bad.prefix(40)) must not authenticate")
        }
        try store.revoke(id: issued.info.id)
        #expect(store.authenticate(apiKey: issued.apiKey) == nil)
        #expect(try store.list().first?.revokedAt != nil)
        #expect(throws: ServerError.unknownKey("nope")) { try store.revoke(id: "nope") }
    }

    @Test func rotationIssuesANewKeyAndRevokesTheOld() throws {
        let (store, dir) = try Self.makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try store.create(organization: "acme", label: "pbx")
        let second = try store.rotate(id: first.info.id)
        #expect(second.info.organization == "acme")
        #expect(second.info.label == "pbx")
        #expect(store.authenticate(apiKey: first.apiKey) == nil)
        #expect(store.authenticate(apiKey: second.apiKey)?.organization == "acme")
        #expect(try store.list(organization: "acme").count == 2)
    }

    @Test func secretsAreNeverStoredInPlainText() throws {
        let (store, dir) = try Self.makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let issued = try store.create(organization: "acme")
        let database = try Data(contentsOf: dir.appendingPathComponent("tapedeck.sqlite"))
        let secretPart = String(issued.apiKey.split(separator: "_").last!)
        #expect(database.range(of: Data(secretPart.utf8)) == nil)
        #expect(database.range(of: Data(issued.apiKey.utf8)) == nil)
        #expect(database.range(of: Data(base64Encoded: issued.clientSecret)!) == nil)
        #expect(database.range(of: Data(issued.clientSecret.utf8)) == nil)
        let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("master.key").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func organizationNamesCannotEscapeTheJournalRoot() throws {
        let (store, dir) = try Self.makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        for bad in ["../x", "a/b", ".hidden", "", String(repeating: "o", count: 65)] {
            #expect(throws: ServerError.invalidOrganizationName(bad)) { _ = try store.create(organization: bad) }
        }
    }

    @Test func keysSurviveReopeningTheStore() throws {
        let (store, dir) = try Self.makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let issued = try store.create(organization: "acme")
        let reopened = try KeyStore.open(dataDirectory: dir)
        #expect(reopened.authenticate(apiKey: issued.apiKey)?.organization == "acme")
    }

    /// A provisioned master key is used as given and never created; a store sealed under one
    /// master key refuses another instead of failing every signature later.
    @Test func aProvisionedMasterKeyIsRequiredAndAStoreRefusesAnyOther() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let provisioned = dir.appendingPathComponent("provisioned.key")
        #expect(throws: ServerError.missingMasterKey(provisioned.path)) { try KeyStore.open(dataDirectory: dir, masterKeyFile: provisioned) }
        #expect(!FileManager.default.fileExists(atPath: provisioned.path), "a given master key file is never created")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("master.key").path))
        try Data(repeating: 7, count: 31).write(to: provisioned)
        #expect(throws: ServerError.badMasterKey(provisioned.path)) { try KeyStore.open(dataDirectory: dir, masterKeyFile: provisioned) }

        try Data((0..<32).map { UInt8($0) }).write(to: provisioned)
        let issued = try KeyStore.open(dataDirectory: dir, masterKeyFile: provisioned).create(organization: "acme")
        // A second node with the same file reads the same secrets.
        let other = try KeyStore.open(dataDirectory: dir, masterKeyFile: provisioned)
        #expect(Data(try #require(other.authenticate(apiKey: issued.apiKey)).clientSecret).base64EncodedString() == issued.clientSecret)

        // The data folder's own master.key (created now, random) is not the key it was sealed with.
        do {
            _ = try KeyStore.open(dataDirectory: dir)
            Issue.record("a store sealed under another master key was opened")
        } catch let error as ServerError {
            guard case .masterKeyMismatch = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("sealed with another master key"))
        }
    }
}
