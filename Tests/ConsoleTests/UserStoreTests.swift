import ControlPlane
import Foundation
import TapedeckTesting
import Testing
@testable import Console

/// Console users and their browser sessions on both control-plane engines: a user made on one
/// node of a cluster signs in on any.
@Suite struct UserStoreTests {
    @Test(arguments: TestControlPlane.available)
    func usersAndSessionsRoundTrip(_ engine: TestControlPlane) async throws {
        let plane = try await engine.make()
        let store = try await UserStore(backend: try plane.open().users)
        let user = try await store.createUser(organization: "acme", email: " Ops@Acme.test ", passwordHash: "hash-1", now: 10)
        #expect(user.email == "ops@acme.test")
        await #expect(throws: ConsoleError.duplicateEmail("ops@acme.test")) {
            try await store.createUser(organization: "globex", email: "OPS@acme.test", passwordHash: "x", now: 11)
        }
        _ = try await store.createUser(organization: "globex", email: "lead@globex.test", passwordHash: "hash-2", now: 12)
        #expect(try await store.users(organization: "acme").map(\.email) == ["ops@acme.test"])
        #expect(try await store.users().map(\.email) == ["ops@acme.test", "lead@globex.test"])

        // Another node's store on the same control plane sees the user and its sessions.
        let other = try await UserStore(backend: try plane.open().users)
        let found = try #require(try await other.credentials(email: "ops@acme.test"))
        #expect(found.user == user && found.passwordHash == "hash-1")
        let (token, session) = try await store.startSession(for: user, lifetimeSeconds: 60, now: 1_000_000)
        let seen = try #require(try await other.session(token: token, now: 2_000_000))
        #expect(seen.user == user && seen.csrfToken == session.csrfToken)
        #expect(try await other.session(token: token, now: 62_000_000) == nil, "expired")
        #expect(try await other.session(token: token + "x", now: 2_000_000) == nil)
        #expect(try await other.openSessionCount(now: 2_000_000) == 1)
        try await other.endSession(token: token)
        #expect(try await store.session(token: token, now: 2_000_000) == nil, "signed out everywhere")
        await plane.drop()
    }
}
