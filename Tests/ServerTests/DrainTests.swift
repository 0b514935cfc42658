import Foundation
import Testing
@testable import Journal
import Pipeline
@testable import Server
import StreamProtocol
import TapedeckTesting

/// The node's drain (SIGTERM is `harness.drain.signal()`): new sessions are refused with 503 and
/// `Retry-After` and `/ready` says "draining", open sessions are served as before, at the
/// deadline they are ended politely by their protocol, their journals are sealed and replay
/// identically, and the server finishes once the last one has ended. Protocol-only servers,
/// raw-socket clients of both dialects.
@Suite(.serialized) struct DrainTests {
    static let organizationId = "d7934305-0972-4844-938e-9060eef73d05"

    static func start(_ configure: (ServerHarness) -> Void = { _ in }) async throws -> ServerHarness {
        let harness = try await ServerHarness()
        harness.configuration.drainDeadlineSeconds = 600
        configure(harness)
        // AudioHook requests must carry a signature; checking it is other suites' business.
        try await harness.start(verifySignature: { _, _, _ in true })
        return harness
    }

    /// A seed session, opened.
    static func seed(_ harness: ServerHarness, apiKey: String, id: String) async throws -> RawSocket {
        let port = harness.port
        return try await RawSocket.offPool {
            guard let socket = RawSocket(port: port) else { throw ServerError.io("cannot connect") }
            socket.setTimeouts(receive: 30, send: 5)
            guard socket.upgrade(path: "/v1/stream?x-api-key=\(apiKey)", port: port) == 101 else { throw ServerError.io("no 101") }
            socket.sendText(ServerHarness.seedOpen(id: id))
            guard let opened = socket.nextText(), opened.contains(#""type":"opened""#) else { throw ServerError.io("no opened") }
            return socket
        }
    }

    /// An AudioHook session (stereo PCMU), opened: client seq 1, server seq 1 so far.
    static func audioHook(_ harness: ServerHarness, apiKey: String, sessionId: String) async throws -> RawSocket {
        let port = harness.port
        return try await RawSocket.offPool {
            guard let socket = RawSocket(port: port) else { throw ServerError.io("cannot connect") }
            socket.setTimeouts(receive: 30, send: 5)
            let headers = "X-API-KEY: \(apiKey)\r\nAudiohook-Organization-Id: \(organizationId)\r\nAudiohook-Session-Id: \(sessionId)\r\n"
                + "Audiohook-Correlation-Id: \(UUID().uuidString.lowercased())\r\nSignature-Input: sig1=()\r\nSignature: sig1=:AA==:\r\n"
            guard socket.sendAll(Array(RawSocket.upgradeRequest(path: "/v1/stream", port: port, extra: headers).utf8)),
                  socket.responseStatus() == 101 else { throw ServerError.io("no 101") }
            socket.sendText(hook("open", sessionId: sessionId, seq: 1, serverseq: 0, parameters: #"{"organizationId":"\#(organizationId)","conversationId":"090eaa2f-72fa-480a-83e0-8667ff89c0ec","participant":{"id":"883efee8-3d6c-4537-b500-6d7ca4b92fa0","ani":"+1","aniName":"x","dnis":"+2"},"media":[{"type":"audio","format":"PCMU","channels":["external","internal"],"rate":8000}]}"#))
            guard let opened = socket.nextText(), opened.contains(#""type":"opened""#) else { throw ServerError.io("no opened") }
            return socket
        }
    }

    static func hook(_ type: String, sessionId: String, seq: Int, serverseq: Int, parameters: String = "{}") -> String {
        #"{"version":"2","id":"\#(sessionId)","type":"\#(type)","seq":\#(seq),"serverseq":\#(serverseq),"position":"PT0S","parameters":\#(parameters)}"#
    }

    static func message(_ text: String?) -> JSONValue { text.flatMap { try? JSONValue.parse($0) } ?? .null }

    /// The journal of `url`: sealed, with its records.
    static func sealedRecords(_ url: URL) throws -> [JournalRecord] {
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact, "\(url.lastPathComponent) is sealed")
        return records
    }

    static func decisions(_ records: [JournalRecord]) -> [ServerDecision] { records.compactMap(ServerDecision.init) }

    @Test func duringADrainNewSessionsAreRefusedOpenOnesServedAndASecondSignalEndsThemPolitely() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let hookId = UUID().uuidString.lowercased()
        let seed = try await Self.seed(harness, apiKey: key.apiKey, id: "drain-seed")
        let hook = try await Self.audioHook(harness, apiKey: key.apiKey, sessionId: hookId)
        #expect(try await harness.get("/ready").status == 200)

        harness.drain.signal()
        #expect(harness.drain.phase == .draining)
        let ready = try await harness.get("/ready")
        #expect(ready.status == 503)
        let body = Self.message(ready.body)
        #expect(body["problems"]?.arrayValue?.contains(.string("draining")) == true, "\(ready.body)")
        #expect(body["drain"] == .string("draining"))
        // A new session is refused, and told when to come back.
        let port = harness.port
        let refusal = try await RawSocket.offPool { () -> String? in
            guard let socket = RawSocket(port: port) else { throw ServerError.io("cannot connect") }
            socket.sendAll(Array(RawSocket.upgradeRequest(path: "/v1/stream?x-api-key=\(key.apiKey)", port: port).utf8))
            return socket.responseHead()
        }
        let head = try #require(refusal)
        #expect(head.hasPrefix("HTTP/1.1 503"), "\(head)")
        #expect(head.lowercased().contains("retry-after: 15"), "\(head)")

        // The sessions opened before the drain are served as before.
        let (seedPong, hookPong) = try await RawSocket.offPool { () -> (String?, String?) in
            seed.sendBinary([UInt8](repeating: 0, count: 16000))
            seed.sendText(#"{"type":"ping","id":"drain-seed"}"#)
            hook.sendBinary([UInt8](repeating: 0xFF, count: 3200))
            hook.sendText(Self.hook("ping", sessionId: hookId, seq: 2, serverseq: 1))
            return (seed.nextText(), hook.nextText())
        }
        #expect(Self.message(seedPong)["type"] == .string("pong"))
        #expect(Self.message(hookPong)["type"] == .string("pong"))
        #expect(harness.drain.phase == .draining, "no session was ended")

        // A second signal skips to the deadline: each session is ended by its protocol.
        harness.drain.signal()
        let (disconnect, hookClosed, seedClosed) = try await RawSocket.offPool { () -> (String?, String?, String?) in
            let disconnect = hook.nextText()
            let serverseq = Self.message(disconnect)["seq"]?.intValue ?? 0
            hook.sendText(Self.hook("close", sessionId: hookId, seq: 3, serverseq: Int(serverseq), parameters: #"{"reason":"disconnect"}"#))
            let closed = hook.nextText()
            let seedClosed = seed.nextText()
            for socket in [hook, seed] { socket.sendClose() }
            return (disconnect, closed, seedClosed)
        }
        #expect(Self.message(disconnect)["type"] == .string("disconnect"), "\(disconnect ?? "nothing")")
        #expect(Self.message(disconnect)["parameters"]?["reason"] == .string("completed"))
        #expect(Self.message(hookClosed)["type"] == .string("closed"), "the client's close is answered")
        #expect(Self.message(seedClosed)["type"] == .string("closed"))

        #expect(await harness.exits(within: 60), "the server finishes once its sessions have ended")
        let journals = await harness.endedSessions(2)
        #expect(journals.count == 2)
        for url in journals {
            let records = try Self.sealedRecords(url)
            #expect(Self.decisions(records) == [.drainDeadline], "the decision is journaled")
            let report = try await Replay.run(url)
            #expect(report.identical, "\(url.lastPathComponent): \(String(describing: report.firstDifference))")
            #expect(report.run.reducer.endedForDrain)
        }
        _ = (seed, hook)
    }

    @Test func atTheDrainDeadlineOpenSessionsAreEndedWithoutASecondSignal() async throws {
        let harness = try await Self.start { $0.configuration.drainDeadlineSeconds = 1 }
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let hookId = UUID().uuidString.lowercased()
        let seed = try await Self.seed(harness, apiKey: key.apiKey, id: "deadline-seed")
        let hook = try await Self.audioHook(harness, apiKey: key.apiKey, sessionId: hookId)
        harness.drain.signal()
        let (disconnect, hookClosed, seedClosed) = try await RawSocket.offPool { () -> (String?, String?, String?) in
            let disconnect = hook.nextText()
            hook.sendText(Self.hook("close", sessionId: hookId, seq: 2, serverseq: 2, parameters: #"{"reason":"disconnect"}"#))
            let closed = hook.nextText()
            let seedClosed = seed.nextText()
            for socket in [hook, seed] { socket.sendClose() }
            return (disconnect, closed, seedClosed)
        }
        #expect(Self.message(disconnect)["parameters"]?["reason"] == .string("completed"), "\(disconnect ?? "nothing")")
        #expect(Self.message(hookClosed)["type"] == .string("closed"))
        #expect(Self.message(seedClosed)["type"] == .string("closed"))
        #expect(await harness.exits(within: 60))
        for url in await harness.endedSessions(2) {
            #expect(Self.decisions(try Self.sealedRecords(url)) == [.drainDeadline])
            #expect(try await Replay.run(url).identical)
        }
    }

    @Test func aDrainIsOverWhenTheLastSessionEndsOnItsOwn() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let seed = try await Self.seed(harness, apiKey: key.apiKey, id: "own-end")
        harness.drain.signal()
        let closed = try await RawSocket.offPool { () -> String? in
            seed.sendText(#"{"type":"close","id":"own-end","parameters":{"reason":"end"}}"#)
            let closed = seed.nextText()
            seed.sendClose()
            return closed
        }
        #expect(Self.message(closed)["type"] == .string("closed"))
        // The deadline is ten minutes away: finishing now is the last session's doing.
        #expect(await harness.exits(within: 60))
        let url = try #require(await harness.endedSessions(1).first)
        let records = try Self.sealedRecords(url)
        #expect(Self.decisions(records).isEmpty, "nothing was decided for a session that ended on its own")
        #expect(try await Replay.run(url).identical)
    }

    @Test func belowTheFreeSpaceMinimumTheServerIsNotReadyAndRefusesSessions() async throws {
        let harness = try await Self.start { $0.configuration.minFreeJournalBytes = UInt64.max >> 2 }
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let ready = try await harness.get("/ready")
        #expect(ready.status == 503)
        let body = Self.message(ready.body)
        let problems = body["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(problems.contains { $0.hasPrefix("journal disk:") && $0.contains("below the") }, "\(ready.body)")
        #expect(!problems.contains("draining"))
        #expect(body["journalFreeMB"]?.intValue != nil)
        #expect(try await harness.upgradeStatus(path: "/v1/stream?x-api-key=\(key.apiKey)") == 503)
        // A drain with no session open is over at once.
        harness.drain.signal()
        #expect(await harness.exits(within: 60))
    }

    @Test func withRoomOnTheDiskTheFreeSpaceIsReportedAndReady() async throws {
        let harness = try await Self.start { $0.configuration.minFreeJournalBytes = 1 << 20 }
        defer { Task { await harness.stop() } }
        let ready = try await harness.get("/ready")
        #expect(ready.status == 200, "\(ready.body)")
        #expect(Self.message(ready.body)["minFreeMB"] == .int(1))
        #expect(Self.message(ready.body)["drain"] == .string("serving"))
    }
}

extension RawSocket {
    func sendText(_ text: String) { sendAll(RawSocket.frame(opcode: 0x1, payload: Array(text.utf8))) }
    func sendBinary(_ bytes: [UInt8]) { sendAll(RawSocket.frame(opcode: 0x2, payload: bytes)) }
    /// Our close frame (1000), then the server's reply or the end of the stream.
    func sendClose() {
        sendAll(RawSocket.frame(opcode: 0x8, payload: [0x03, 0xE8]))
        _ = closeCode()
    }

    /// The next text message; nil at the server's close frame, the end of the stream or a timeout.
    func nextText() -> String? {
        while let frame = readFrame() {
            switch frame.opcode {
            case 0x1: return String(decoding: frame.payload, as: UTF8.self)
            case 0x8: return nil
            default: continue  // pings
            }
        }
        return nil
    }
}
