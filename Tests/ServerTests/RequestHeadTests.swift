import Foundation
import Testing
@testable import Server

/// Connections that never finish their HTTP request head (slow loris) must not hold the server.
@Suite(.serialized) struct RequestHeadTests {
    @Test func silentAndPartialHeadsAreClosedAfterTheTimeoutWhileRealClientsStillConnect() async throws {
        let harness = try await ServerHarness()
        harness.configuration.requestHeadTimeoutSeconds = 1
        try await harness.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let port = harness.port
        let slow = 400
        let sockets = try await RawSocket.offPool { () -> [RawSocket] in
            var sockets: [RawSocket] = []
            for index in 0..<slow {
                guard let socket = RawSocket(port: port) else { break }
                if index % 2 == 1 { socket.sendAll(Array("GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: web".utf8)) }
                sockets.append(socket)
            }
            return sockets
        }
        #expect(sockets.count == slow, "every slow connection is accepted")
        #expect(try await harness.upgradeStatus(path: "/v1/stream?x-api-key=\(key.apiKey)") == 101,
                "a real client is served while \(slow) slow connections are held")
        let partialAnswer = try await RawSocket.offPool { () -> Int? in
            sockets[1].setTimeouts(receive: 20, send: 5)
            return sockets[1].responseStatus()
        }
        #expect(partialAnswer == 408)
        // One deadline for all of them, so a server that never closes fails in 20 s, not 400 × 20 s.
        let closed = try await RawSocket.offPool { () -> Int in
            let deadline = Date().addingTimeInterval(20)
            return sockets.filter { socket in
                socket.setTimeouts(receive: max(0.1, deadline.timeIntervalSinceNow), send: 5)
                return socket.readUntilClosed()
            }.count
        }
        print("slow request heads: \(slow) held, \(closed) closed by the head timeout, 0 refused")
        #expect(closed == slow, "the server closes every connection that does not finish its head")
    }

    @Test func anOversizedHeadIsAnswered431AndClosed() async throws {
        let harness = try await ServerHarness()
        try await harness.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let port = harness.port
        let padding = "X-Padding: " + String(repeating: "a", count: 100 * 1024) + "\r\n"
        let (status, closed) = try await RawSocket.offPool { () -> (Int?, Bool) in
            guard let socket = RawSocket(port: port) else { throw ServerError.io("cannot connect") }
            socket.setTimeouts(receive: 20, send: 20)
            socket.sendAll(Array(RawSocket.upgradeRequest(path: "/v1/stream?x-api-key=\(key.apiKey)", port: port, extra: padding).utf8))
            return (socket.responseStatus(), socket.readUntilClosed())
        }
        #expect(status == 431)
        #expect(closed)
        // A normal-sized head still upgrades.
        #expect(try await harness.upgradeStatus(path: "/v1/stream?x-api-key=\(key.apiKey)", headers: ["X-Padding": String(repeating: "a", count: 4000)]) == 101)
    }
}
