import Foundation
import Digests
import GRDB
import HTTPTypes
import Hummingbird
import Testing
@testable import Console
@testable import Server

@Suite struct ProfileTests {
    static func signedIn(_ harness: ConsoleHarness) async throws -> (Browser, Page) {
        let browser = harness.browser()
        try await browser.signIn("ops@acme.test")
        return (browser, try await browser.get("/console/orgs/acme/profile"))
    }

    static func reveal(_ browser: Browser, _ id: String, token: String?) async throws -> Page {
        var headers = HTTPFields()
        if let token { headers[HTTPField.Name("X-CSRF-Token")!] = token }
        return try await browser.send(.post, "/console/orgs/acme/keys/\(id)/reveal", headers: headers)
    }

    @Test func theProfileShowsTheKeyMaskedAndRevealGivesTheIssuedKey() async throws {
        let harness = try await ConsoleHarness()
        let issued = try await harness.organization("acme", email: "ops@acme.test")
        let (browser, profile) = try await Self.signedIn(harness)
        #expect(profile.body.contains("tdk_\(issued.info.id)_••••"))
        #expect(!profile.body.contains(issued.apiKey), "the page itself never carries the key")
        #expect(!profile.body.contains(issued.clientSecret))
        #expect(profile.headers[.cacheControl] == "no-store")

        let revealed = try await Self.reveal(browser, issued.info.id, token: profile.csrfMeta)
        #expect(revealed.status == .ok)
        #expect(revealed.json["apiKey"] == issued.apiKey)
        #expect(revealed.json["clientSecret"] == issued.clientSecret)
        #expect(revealed.headers[.cacheControl] == "no-store")
    }

    @Test func revealingWithoutThePagesTokenIsRefused() async throws {
        let harness = try await ConsoleHarness()
        let issued = try await harness.organization("acme", email: "ops@acme.test")
        let (browser, _) = try await Self.signedIn(harness)
        for token in [nil, "", "forged"] as [String?] {
            let page = try await Self.reveal(browser, issued.info.id, token: token)
            #expect(page.status == .forbidden)
            #expect(page.json["apiKey"] == nil)
        }
    }

    @Test func theSnippetNamesTheStreamURLAndTheOpenMessage() async throws {
        let harness = try await ConsoleHarness()
        let issued = try await harness.organization("acme", email: "ops@acme.test")
        let (_, profile) = try await Self.signedIn(harness)
        #expect(profile.body.contains("ws://console.test:8080/v1/stream?x-api-key=<span data-secret-of=\"\(issued.info.id)\""))
        #expect(profile.body.contains(#"{&quot;type&quot;:&quot;open&quot;"#) || profile.body.contains(#"{"type":"open""#))
    }

    @Test func rotatingReplacesTheKeyAndTheOldOneStopsConnecting() async throws {
        let harness = try await ConsoleHarness()
        let issued = try await harness.organization("acme", email: "ops@acme.test")
        let (browser, profile) = try await Self.signedIn(harness)
        let done = try await browser.post("/console/orgs/acme/keys/\(issued.info.id)/rotate", form: ["csrf": try #require(profile.csrfField)])
        #expect(done.status == .seeOther)
        #expect(await harness.keys.authenticate(apiKey: issued.apiKey) == nil)
        let replacement = try #require(try await harness.keys.list(organization: "acme").first { $0.revokedAt == nil })
        #expect(replacement.id != issued.info.id)

        let after = try await browser.get(try #require(done.location))
        #expect(after.body.contains("the old one no longer connects"))
        let revealed = try await Self.reveal(browser, replacement.id, token: after.csrfMeta)
        #expect(await harness.keys.authenticate(apiKey: try #require(revealed.json["apiKey"]))?.organization == "acme")
        #expect(try await Self.reveal(browser, issued.info.id, token: after.csrfMeta).status == .notFound, "a revoked key is not shown")
    }

    @Test func revokingNeedsTheFormsTokenAndThenRefusesTheKey() async throws {
        let harness = try await ConsoleHarness()
        let issued = try await harness.organization("acme", email: "ops@acme.test")
        let (browser, profile) = try await Self.signedIn(harness)
        let forged = try await browser.post("/console/orgs/acme/keys/\(issued.info.id)/revoke", form: ["csrf": "forged"])
        #expect(forged.status == .forbidden)
        #expect(forged.body.contains("Nothing was changed"))
        #expect(await harness.keys.authenticate(apiKey: issued.apiKey) != nil)

        let done = try await browser.post("/console/orgs/acme/keys/\(issued.info.id)/revoke", form: ["csrf": try #require(profile.csrfField)])
        #expect(done.status == .seeOther)
        #expect(await harness.keys.authenticate(apiKey: issued.apiKey) == nil)
        let after = try await browser.get(try #require(done.location))
        #expect(after.body.contains("no active key"))
        #expect(after.body.contains("Revoked keys"))

        let more = try await browser.post("/console/orgs/acme/keys", form: ["csrf": try #require(after.csrfField)])
        #expect(more.status == .seeOther)
        #expect(try await harness.keys.list(organization: "acme").filter { $0.revokedAt == nil }.count == 1)
    }

    @Test func everythingRenderedIsEscaped() async throws {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.test")
        _ = try await harness.keys.create(organization: "acme", label: #"<script>alert("x")</script>"#)
        let (_, profile) = try await Self.signedIn(harness)
        #expect(!profile.body.contains("<script>alert"))
        #expect(profile.body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(profile.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
    }

    /// A database from before keys were kept encrypted: its keys still authenticate, and the page
    /// says why they cannot be shown and offers rotation.
    @Test func keysIssuedBeforeEncryptionStillWorkAndAreMarkedUnshowable() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-console-old-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let masterKey = try MasterKey.loadOrCreate(at: directory.appendingPathComponent("master.key"))
        let apiKey = "tdk_aaaaaaaaaa_" + String(repeating: "k", count: 43)
        let salt = Secrets.randomBytes(16)
        let old = try DatabaseQueue(path: directory.appendingPathComponent("tapedeck.sqlite").path)
        try await old.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1');
                CREATE TABLE organization (name TEXT PRIMARY KEY NOT NULL, created_at INTEGER NOT NULL);
                CREATE TABLE api_key (id TEXT PRIMARY KEY NOT NULL, organization TEXT NOT NULL REFERENCES organization(name),
                    label TEXT NOT NULL DEFAULT '', salt BLOB NOT NULL, key_hash BLOB NOT NULL, client_secret_sealed BLOB NOT NULL,
                    created_at INTEGER NOT NULL, revoked_at INTEGER);
                INSERT INTO organization VALUES ('acme', 1);
                """)
            try db.execute(sql: "INSERT INTO api_key(id, organization, salt, key_hash, client_secret_sealed, created_at) VALUES ('aaaaaaaaaa', 'acme', ?, ?, ?, 1)",
                           arguments: [Data(salt), Data(SHA256Digest.hash(salt + Array(apiKey.utf8))), Data(Secrets.seal(Secrets.randomBytes(32), key: masterKey))])
        }
        try old.close()

        let keys = try await KeyStore.open(dataDirectory: directory)
        #expect(await keys.authenticate(apiKey: apiKey)?.organization == "acme")
        #expect(try await keys.credentials(id: "aaaaaaaaaa", organization: "acme")?.apiKey == nil)
        let users = try await UserStore.open(dataDirectory: directory)
        try await users.createUser(organization: "acme", email: "ops@acme.test", passwordHash: try Passwords(cost: 4).hash(ConsoleHarness.password))
        let console = Console(keys: keys, users: users, passwords: Passwords(cost: 4))
        let user = try #require(try await users.credentials(email: "ops@acme.test")).user
        let (_, session) = try await users.startSession(for: user, lifetimeSeconds: 60)
        let page = try await console.profile(session, request: .init(head: .init(method: .get, scheme: "http", authority: "h", path: "/"), body: .init(buffer: .init())))
        let body = try await Collector.collect(page)
        #expect(body.contains("cannot be shown"))
        #expect(body.contains("rotate it"))
        #expect(!body.contains(#"id="api-key-aaaaaaaaaa""#), "no reveal control for a key that cannot be shown")
        #expect(body.contains(#"id="rotate-aaaaaaaaaa""#))
    }
}

extension Collector {
    static func collect(_ response: Hummingbird.Response) async throws -> String {
        let collector = Collector()
        try await response.body.write(collector)
        return collector.text
    }
}
