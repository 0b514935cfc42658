import Foundation
import HTTPTypes
import Testing
@testable import Console
@testable import Server

/// A user of one organization must learn nothing about another: every page and action of
/// another organization, or naming another organization's key, answers exactly like a page
/// that does not exist.
@Suite struct IsolationTests {
    @Test func anotherOrganizationsPagesAndActionsAre404AndChangeNothing() async throws {
        let harness = try await ConsoleHarness()
        try await harness.organization("acme", email: "ops@acme.test")
        let beta = try await harness.organization("beta", email: "ops@beta.test")
        let browser = harness.browser()
        try await browser.signIn("ops@acme.test")
        let own = try await browser.get("/console/orgs/acme/profile")
        let csrf = try #require(own.csrfField)
        var token = HTTPFields()
        token[HTTPField.Name("X-CSRF-Token")!] = csrf
        let missing = try await browser.get("/console/orgs/no-such-org/profile")
        #expect(missing.status == .notFound)

        let attempts: [(String, () async throws -> Page)] = [
            ("beta profile", { try await browser.get("/console/orgs/beta/profile") }),
            ("beta reveal", { try await browser.send(.post, "/console/orgs/beta/keys/\(beta.info.id)/reveal", headers: token) }),
            ("beta key through acme's path", { try await browser.send(.post, "/console/orgs/acme/keys/\(beta.info.id)/reveal", headers: token) }),
            ("beta rotate", { try await browser.post("/console/orgs/beta/keys/\(beta.info.id)/rotate", form: ["csrf": csrf]) }),
            ("beta key rotated through acme's path", { try await browser.post("/console/orgs/acme/keys/\(beta.info.id)/rotate", form: ["csrf": csrf]) }),
            ("beta revoke", { try await browser.post("/console/orgs/beta/keys/\(beta.info.id)/revoke", form: ["csrf": csrf]) }),
            ("beta key revoked through acme's path", { try await browser.post("/console/orgs/acme/keys/\(beta.info.id)/revoke", form: ["csrf": csrf]) }),
            ("beta issue", { try await browser.post("/console/orgs/beta/keys", form: ["csrf": csrf]) }),
        ]
        for (name, attempt) in attempts {
            let page = try await attempt()
            #expect(page.status == .notFound, "\(name)")
            #expect(!page.body.contains(beta.apiKey) && !page.body.contains(beta.clientSecret), "\(name)")
            if page.headers[.contentType]?.hasPrefix("text/html") == true {
                #expect(page.body == missing.body, "\(name) looks exactly like a missing page")
            }
        }
        #expect(try await harness.keys.list(organization: "beta").map(\.id) == [beta.info.id])
        #expect(await harness.keys.authenticate(apiKey: beta.apiKey)?.organization == "beta", "beta's key still works")
    }

    @Test func withoutASessionEveryPageAndActionRedirectsToLogin() async throws {
        let harness = try await ConsoleHarness()
        let acme = try await harness.organization("acme", email: "ops@acme.test")
        let browser = harness.browser()
        let attempts: [(HTTPRequest.Method, String)] = [
            (.get, "/console"), (.get, "/console/profile"), (.get, "/console/orgs/acme/profile"),
            (.post, "/console/orgs/acme/keys/\(acme.info.id)/reveal"), (.post, "/console/orgs/acme/keys/\(acme.info.id)/rotate"),
            (.post, "/console/orgs/acme/keys/\(acme.info.id)/revoke"), (.post, "/console/orgs/acme/keys"),
            (.get, "/console/orgs/beta/profile"),
        ]
        for (method, path) in attempts {
            var page = try await browser.send(method, path)
            if path == "/console" { page = try await browser.get(try #require(page.location)) }
            #expect(page.status == .seeOther, "\(method) \(path)")
            #expect(page.location == "/console/login", "\(method) \(path)")
        }
        browser.cookies[Console.sessionCookie] = "made-up-token"
        #expect(try await browser.get("/console/orgs/acme/profile").location == "/console/login")
        #expect(await harness.keys.authenticate(apiKey: acme.apiKey) != nil)
    }
}
