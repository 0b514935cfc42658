import Foundation
import Logging
import NIOConcurrencyHelpers
import Pipeline
import Testing
@testable import Server

@Suite(.serialized) struct AdmissionTests {
    /// The session limit is decided with the upgrade: a burst beyond it gets 503s, and every
    /// 101 is a session that stays open (none is closed right after its 101).
    @Test func aBurstBeyondTheLimitGetsOnlyLiveSessionsAnd503s() async throws {
        let harness = try await ServerHarness()
        harness.configuration.maxConcurrentSessions = 8
        try await harness.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let port = harness.port
        let outcomes = try await RawSocket.offPool { () -> [(status: Int?, answered: Bool)] in
            let sockets = (0..<20).compactMap { _ in RawSocket(port: port) }
            let request = Array(RawSocket.upgradeRequest(path: "/v1/stream?x-api-key=\(key.apiKey)", port: port).utf8)
            for socket in sockets { socket.sendAll(request) }
            return sockets.enumerated().map { index, socket in
                socket.setTimeouts(receive: 20, send: 5)
                let status = socket.responseStatus()
                guard status == 101 else { return (status, false) }
                socket.sendAll(RawSocket.frame(opcode: 0x1, payload: Array(ServerHarness.seedOpen(id: "s\(index)").utf8)))
                let reply = socket.readFrame()
                return (status, reply?.opcode == 0x1 && reply.map { ServerHarness.isOpened($0.payload) } == true)
            }
        }
        let upgraded = outcomes.filter { $0.status == 101 }
        #expect(outcomes.count == 20)
        #expect(upgraded.count == 8)
        #expect(outcomes.filter { $0.status == 503 }.count == 12)
        let allAnswered = upgraded.allSatisfy { $0.answered }
        #expect(allAnswered, "every 101 is a live session")
    }

    /// The key and the AudioHook signature are checked once, before the upgrade; the session
    /// takes who is connecting from the request context. A second check would see a nonce
    /// already used and a clock window partly spent.
    @Test func aSignedConnectionIsAuthenticatedExactlyOnce() async throws {
        let harness = try await ServerHarness()
        let checks = NIOLockedValueBox(0)
        let verifier = SignatureCheck.verifier(logger: Logger(label: "test"))
        try await harness.start(environment: .protocolOnly, pool: nil) { request, secret, apiKey in
            checks.withLockedValue { $0 += 1 }
            return verifier(request, secret, apiKey)
        }
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let script = AudioHookWireTests.Script()
        try await AudioHookWireTests.converse(harness, key: key, sessionId: script.id) { send, next in
            var s = script
            try await send(.text(s.open()))
            #expect(try await next()["type"] == .string("opened"))
            s.serverseq = 1
            try await send(.text(s.message("close", #"{"reason":"end"}"#)))
            #expect(try await next()["type"] == .string("closed"))
        }
        #expect(checks.withLockedValue { $0 } == 1)
    }
}
