import Foundation
import HTTPTypes
import Testing
@testable import Console

@Suite struct LoginTests {
    @Test func signingInOpensTheOrganizationsProfileWithAHardenedCookie() async throws {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.test")
        let browser = harness.browser()
        let answer = try await browser.signIn("Ops@Acme.test")
        #expect(answer.status == .seeOther)
        #expect(answer.location == "/console/orgs/acme/profile")
        let session = try #require(answer.setCookies.first { $0.hasPrefix("\(Console.sessionCookie)=") })
        #expect(session.contains("HttpOnly"))
        #expect(session.contains("SameSite=Strict"))
        #expect(session.contains("Path=/console"))
        #expect(!session.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
        let profile = try await browser.get("/console/orgs/acme/profile")
        #expect(profile.status == .ok)
        #expect(profile.body.contains(#"<dd id="organization">acme</dd>"#))
    }

    @Test func underTLSTheCookiesAreSecure() async throws {
        let harness = try await ConsoleHarness(tls: true)
        try await harness.organization("acme", email: "ops@acme.test")
        let browser = harness.browser()
        let login = try await browser.get("/console/login")
        #expect(login.setCookies.allSatisfy { $0.contains("Secure") && $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })
        let answer = try await browser.signIn("ops@acme.test")
        #expect(answer.setCookies.contains { $0.hasPrefix("\(Console.sessionCookie)=") && $0.contains("Secure") })
    }

    @Test func aWrongPasswordAndAnUnknownEmailGetTheSameAnswer() async throws {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.test")
        let wrong = try await harness.browser().signIn("ops@acme.test", password: "not the password")
        let unknown = try await harness.browser().signIn("nobody@acme.test", password: "not the password")
        for page in [wrong, unknown] {
            #expect(page.status == .unauthorized)
            #expect(page.body.contains("Wrong email or password."))
            #expect(!page.setCookies.contains { $0.hasPrefix("\(Console.sessionCookie)=") })
        }
    }

    @Test func aLoginPostWithoutTheFormsTokenIsRefused() async throws {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.test")
        // A cross-site form: the browser sends no login cookie, and the page cannot know the token.
        let forged = try await harness.browser().post("/console/login", form: ["csrf": "guess", "email": "ops@acme.test", "password": ConsoleHarness.password])
        #expect(forged.status == .forbidden)
        #expect(!forged.setCookies.contains { $0.hasPrefix("\(Console.sessionCookie)=") })
    }

    @Test func repeatedFailuresBlockThatEmailFromThatAddressOnly() async throws {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.test")
        try await harness.users.createUser(organization: "acme", email: "lead@acme.test", passwordHash: try Passwords(cost: 4).hash(ConsoleHarness.password))
        for _ in 0..<5 {
            #expect(try await harness.browser().signIn("ops@acme.test", password: "wrong guess!").status == .unauthorized)
        }
        let blocked = try await harness.browser().signIn("ops@acme.test")
        #expect(blocked.status == .tooManyRequests, "even the right password waits once the limit is hit")
        #expect(blocked.headers[.retryAfter] == "900")
        #expect(blocked.body.contains("Too many failed sign-ins"))

        #expect(try await harness.browser().signIn("lead@acme.test").status == .seeOther, "another user from the same address")
        harness.peerAddress.withLockedValue { $0 = "192.0.2.44" }
        #expect(try await harness.browser().signIn("ops@acme.test").status == .seeOther, "the same user from another address")

        harness.peerAddress.withLockedValue { $0 = "198.51.100.7" }
        harness.clock.withLockedValue { $0 += 901 }
        #expect(try await harness.browser().signIn("ops@acme.test").status == .seeOther, "the window has passed")
    }

    @Test func loggingOutEndsTheSessionOnTheServer() async throws {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.test")
        let browser = harness.browser()
        try await browser.signIn("ops@acme.test")
        let token = try #require(browser.cookies[Console.sessionCookie])
        let profile = try await browser.get("/console/orgs/acme/profile")

        let forged = try await browser.post("/console/logout", form: ["csrf": "forged"])
        #expect(forged.status == .forbidden, "a cross-site logout is refused")
        #expect(try await browser.get("/console/orgs/acme/profile").status == .ok)

        let out = try await browser.post("/console/logout", form: ["csrf": try #require(profile.csrfField)])
        #expect(out.status == .seeOther)
        #expect(out.location == "/console/login")
        #expect(browser.cookies[Console.sessionCookie] == nil)
        // Even a copy of the old cookie no longer works.
        browser.cookies[Console.sessionCookie] = token
        let after = try await browser.get("/console/orgs/acme/profile")
        #expect(after.status == .seeOther)
        #expect(after.location == "/console/login")
    }

    @Test func sessionsExpire() async throws {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.test")
        let user = try #require(try await harness.users.credentials(email: "ops@acme.test")).user
        let (token, session) = try await harness.users.startSession(for: user, lifetimeSeconds: 3600, now: 0)
        #expect(try await harness.users.session(token: token, now: session.expiresAt - 1)?.user == user)
        #expect(try await harness.users.session(token: token, now: session.expiresAt) == nil)
    }

    @Test func theDatabaseHoldsNoPasswordAndNoSessionToken() async throws {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.test")
        let browser = harness.browser()
        try await browser.signIn("ops@acme.test")
        let token = try #require(browser.cookies[Console.sessionCookie])
        let stored = try #require(try await harness.users.credentials(email: "ops@acme.test")).passwordHash
        #expect(stored.hasPrefix("$2b$04$"), "a bcrypt hash")
        for file in try FileManager.default.contentsOfDirectory(atPath: harness.directory.path) {
            let bytes = try Data(contentsOf: harness.directory.appendingPathComponent(file))
            #expect(bytes.range(of: Data(ConsoleHarness.password.utf8)) == nil, "\(file)")
            #expect(bytes.range(of: Data(token.utf8)) == nil, "\(file)")
        }
    }

    @Test func usersAreOnePerEmailAndPasswordsMustFitBcrypt() async throws {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.test")
        await #expect(throws: ConsoleError.duplicateEmail("ops@acme.test")) {
            try await harness.users.createUser(organization: "beta", email: " OPS@acme.test", passwordHash: "x")
        }
        await #expect(throws: ConsoleError.invalidEmail("not-an-email")) {
            try await harness.users.createUser(organization: "acme", email: "not-an-email", passwordHash: "x")
        }
        #expect(throws: ConsoleError.self) { try Passwords.check("short") }
        #expect(throws: ConsoleError.self) { try Passwords.check(String(repeating: "é", count: 40)) }
        #expect(Passwords.generate().count == 20)
        #expect(Passwords.generate() != Passwords.generate())
    }
}
