import Foundation
import Testing
@testable import Journal
@testable import Server

/// RFC 6455 close codes and bounded closing, with raw frames from a raw socket.
@Suite(.serialized) struct CloseTests {
    static func session(_ harness: ServerHarness) async throws -> RawSocket {
        let key = try await harness.store.create(organization: "acme")
        let port = harness.port
        return try await RawSocket.offPool {
            guard let socket = RawSocket(port: port) else { throw ServerError.io("cannot connect") }
            socket.setTimeouts(receive: 20, send: 5)
            guard socket.upgrade(path: "/v1/stream?x-api-key=\(key.apiKey)", port: port) == 101 else { throw ServerError.io("no 101") }
            socket.sendAll(RawSocket.frame(opcode: 0x1, payload: Array(ServerHarness.seedOpen(id: "hello").utf8)))
            guard let reply = socket.readFrame(), ServerHarness.isOpened(reply.payload) else { throw ServerError.io("no opened") }
            return socket
        }
    }

    static func closeCode(after frames: [[UInt8]], configure: (ServerHarness) -> Void = { _ in }) async throws -> UInt16? {
        let harness = try await ServerHarness()
        configure(harness)
        try await harness.start()
        defer { Task { await harness.stop() } }
        let socket = try await session(harness)
        return try await RawSocket.offPool {
            for frame in frames { socket.sendAll(frame) }
            return socket.closeCode()
        }
    }

    @Test func invalidUTF8TextIsClosedWith1007() async throws {
        #expect(try await Self.closeCode(after: [RawSocket.frame(opcode: 0x1, payload: [0x61, 0xC3, 0x28])]) == 1007)
    }

    @Test func anUnmaskedClientFrameIsClosedWith1002() async throws {
        #expect(try await Self.closeCode(after: [RawSocket.frame(opcode: 0x1, payload: Array("hi".utf8), masked: false)]) == 1002)
        #expect(try await Self.closeCode(after: [RawSocket.frame(opcode: 0x9, payload: [], masked: false)]) == 1002, "control frames too")
    }

    @Test func aFragmentedMessageOverTheLimitIsClosedWith1009() async throws {
        let part = [UInt8](repeating: 0x61, count: 800)
        let code = try await Self.closeCode(after: [
            RawSocket.frame(opcode: 0x1, payload: part, fin: false),
            RawSocket.frame(opcode: 0x0, payload: part, fin: false),
        ], configure: { $0.configuration.maxFrameSize = 1024 })
        #expect(code == 1009)
    }

    @Test func afterAnIdleTimeoutAClientThatNeverAnswersIsDroppedAndTheSessionSealed() async throws {
        let harness = try await ServerHarness()
        harness.configuration.idleTimeoutSeconds = 1
        harness.configuration.closeReplyTimeoutSeconds = 1
        try await harness.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let port = harness.port
        // The opened may come before or after nothing: with a 1 s idle limit a loaded machine can
        // close first; `closeCode` skips to the close frame either way.
        let (code, dropped) = try await RawSocket.offPool { () -> (UInt16?, Bool) in
            guard let socket = RawSocket(port: port) else { throw ServerError.io("cannot connect") }
            socket.setTimeouts(receive: 20, send: 5)
            guard socket.upgrade(path: "/v1/stream?x-api-key=\(key.apiKey)", port: port) == 101 else { throw ServerError.io("no 101") }
            socket.sendAll(RawSocket.frame(opcode: 0x1, payload: Array(ServerHarness.seedOpen(id: "hello").utf8)))
            return (socket.closeCode(), socket.readUntilClosed())
        }
        #expect(code == 1001)
        #expect(dropped, "the server stops waiting for the close reply")
        let url = try #require(await harness.endedSessions(1).first)
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        #expect(records.last?.text == #"{"reason":"idle timeout"}"#)
    }

    @Test func aGracefulShutdownClosesWith1001AndFinishesThoughTheClientNeverAnswers() async throws {
        let harness = try await ServerHarness()
        harness.configuration.closeReplyTimeoutSeconds = 60
        harness.configuration.shutdownTimeoutSeconds = 1
        try await harness.start()
        let socket = try await Self.session(harness)
        let stopping = Task { await harness.shutDownGracefully() }
        let code = try await RawSocket.offPool { socket.closeCode() }
        #expect(code == 1001)
        // Bounded: the test gives up rather than hang if the server waits for the client.
        let finished = await finishes(within: 30, stopping)
        #expect(finished, "shutdown finished while the client still held its socket")
        let url = try #require(await harness.endedSessions(1).first)
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        #expect(records.last?.text == #"{"reason":"server shutdown"}"#)
        await harness.stop()
        _ = socket
    }
}

/// True when `work` finished within `seconds`; never waits longer (a hung server fails the test
/// instead of hanging the run).
func finishes(within seconds: Double, _ work: Task<Void, Never>) async -> Bool {
    let (stream, continuation) = AsyncStream.makeStream(of: Bool.self)
    Task { await work.value; continuation.yield(true) }
    Task { try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9)); continuation.yield(false) }
    for await result in stream { return result }
    return false
}
