import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import Testing
@testable import Journal
import Pipeline
@testable import Server
import StreamProtocol

/// Scripted AudioHook conversations over a real, signed WebSocket connection.
@Suite(.serialized) struct AudioHookWireTests {
    struct Script {
        let id = UUID().uuidString.lowercased()
        var seq: Int64 = 0
        var serverseq: Int64 = 0
        mutating func message(_ type: String, _ parameters: String = "{}") -> String {
            seq += 1
            return #"{"version":"2","id":"\#(id)","type":"\#(type)","seq":\#(seq),"serverseq":\#(serverseq),"position":"PT0S","parameters":\#(parameters)}"#
        }
        mutating func open() -> String {
            message("open", #"{"organizationId":"d7934305-0972-4844-938e-9060eef73d05","conversationId":"090eaa2f-72fa-480a-83e0-8667ff89c0ec","participant":{"id":"883efee8-3d6c-4537-b500-6d7ca4b92fa0","ani":"","aniName":"","dnis":""},"media":[{"type":"audio","format":"PCMU","channels":["external","internal"],"rate":8000}],"supportedLanguages":true}"#)
        }
    }

    /// Connects with signed AudioHook headers and runs `body`, which gets a send function and a
    /// function that waits for the next server message.
    static func converse(_ harness: ServerHarness, key: IssuedKey, sessionId: String,
                         _ body: @escaping @Sendable (_ send: @escaping @Sendable (WebSocketOutboundWriter.OutboundFrame) async throws -> Void,
                                                      _ next: @escaping @Sendable () async throws -> JSONValue) async throws -> Void) async throws {
        let target = "/v1/stream"
        var plain = ["audiohook-organization-id": "d7934305-0972-4844-938e-9060eef73d05", "audiohook-session-id": sessionId,
                     "audiohook-correlation-id": UUID().uuidString.lowercased(), "x-api-key": key.apiKey]
        let now = Int64(Date().timeIntervalSince1970)
        let signed = try #require(RequestSignature.sign(RequestSignature.Request(target: target, authority: "127.0.0.1:\(harness.port)", headers: plain),
                                                        clientSecretBase64: key.clientSecret, apiKey: key.apiKey, nonce: "abcdefghijklmnopqrstuvwx", created: now, expires: now + 30))
        plain["signature-input"] = signed.input
        plain["signature"] = signed.signature
        var headers = HTTPFields()
        for (name, value) in plain { headers[HTTPField.Name(name)!] = value }
        try await WebSocketClient.connect(url: harness.url, configuration: .init(maxFrameSize: 1 << 16, additionalHeaders: headers), logger: Logger(label: "c")) { inbound, outbound, _ in
            let iterator = InboundQueue()
            let reader = Task {
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    if case .text(let text) = message { await iterator.push(text) }
                }
                await iterator.finish()
            }
            try await body({ try await outbound.write($0) }, {
                guard let text = await iterator.pop() else { throw ServerError.io("connection ended") }
                return try JSONValue.parse(text)
            })
            try await outbound.close(.normalClosure, reason: nil)
            _ = try? await reader.value
        }
    }

    @Test func everyClientMessageTypeIsHandledOverTheWire() async throws {
        let harness = try await ProtocolEndToEndTests.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let script = Script()
        try await Self.converse(harness, key: key, sessionId: script.id) { send, next in
            var s = script
            try await send(.text(s.open()))
            let opened = try await next()
            #expect(opened["type"] == .string("opened"))
            #expect(opened["parameters"]?["supportedLanguages"] == .array([.string("en-US"), .string("tr-TR")]))
            s.serverseq = 1
            try await send(.text(s.message("ping", #"{"rtt":"PT0.01S"}"#)))
            let pong = try await next()
            #expect(pong["type"] == .string("pong") && pong["seq"] == .int(2) && pong["clientseq"] == .int(2))
            s.serverseq = 2
            try await send(.binary(.init(bytes: [UInt8](repeating: 0xFF, count: 3200))))
            try await send(.text(s.message("update", #"{"language":"tr-TR"}"#)))
            #expect(try await next()["type"] == .string("updated"))
            s.serverseq = 3
            try await send(.text(s.message("paused")))
            try await send(.text(s.message("resumed", #"{"start":"PT0.2S","discarded":"PT1S"}"#)))
            try await send(.text(s.message("discarded", #"{"start":"PT1.2S","discarded":"PT0.4S"}"#)))
            try await send(.text(s.message("error", #"{"code":500,"message":"client trouble"}"#)))
            try await send(.binary(.init(bytes: [])))
            try await send(.text(s.message("close", #"{"reason":"end"}"#)))
            let closed = try await next()
            #expect(closed["type"] == .string("closed"))
            #expect(closed["clientseq"] == .int(Int64(s.seq)))
            #expect(closed["seq"] == .int(4))
        }
        let journal = try #require(await harness.endedSessions(1).first)
        #expect(try await Replay.run(journal).identical)
    }

    @Test func errorsAreAnsweredWithDisconnectThenClosed() async throws {
        let harness = try await ProtocolEndToEndTests.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        for (name, violation) in [("bad frame", 0), ("wrong seq", 1), ("audio while paused", 2), ("unknown type", 3)] {
            let script = Script()
            try await Self.converse(harness, key: key, sessionId: script.id) { send, next in
                var s = script
                try await send(.text(s.open()))
                _ = try await next()
                s.serverseq = 1
                switch violation {
                case 0: try await send(.binary(.init(bytes: [1, 2, 3])))
                case 1: s.seq += 5; try await send(.text(s.message("ping")))
                case 2: try await send(.text(s.message("paused"))); try await send(.binary(.init(bytes: [0, 0])))
                default: try await send(.text(s.message("dtmf", #"{"digit":"5"}"#)))
                }
                let disconnect = try await next()
                #expect(disconnect["type"] == .string("disconnect"), "\(name)")
                #expect(disconnect["parameters"]?["reason"] == .string("error"), "\(name)")
                s.serverseq = 2
                if violation == 1 { s.seq = 1 }  // the rejected message did not advance the server's clientseq
                try await send(.text(s.message("close", #"{"reason":"disconnect"}"#)))
                #expect(try await next()["type"] == .string("closed"), "\(name)")
            }
        }
        let journals = await harness.endedSessions(4)
        #expect(journals.count == 4)
        for journal in journals { #expect(try await Replay.run(journal).identical) }
    }

    @Test func gracefulShutdownSealsOpenSessions() async throws {
        let harness = try await ProtocolEndToEndTests.start()
        let key = try await harness.store.create(organization: "acme")
        let root = harness.root
        let script = Script()
        let connected = Task {
            try await Self.converse(harness, key: key, sessionId: script.id) { send, next in
                var s = script
                try await send(.text(s.open()))
                _ = try await next()
                try await send(.binary(.init(bytes: [UInt8](repeating: 0xFF, count: 1600))))
                // Stay connected until the server goes away.
                while (try? await next()) != nil {}
            }
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        await harness.stopKeepingFiles()
        _ = try? await connected.value
        let journals = JournalLayout.journals(under: root.appendingPathComponent("journal"))
        #expect(journals.count == 1)
        let (scan, records) = try JournalReader.readAll(try #require(journals.first))
        #expect(scan.isSealedAndIntact)
        #expect(records.last?.type == .transportClosed)
        try? FileManager.default.removeItem(at: root)
    }
}

actor InboundQueue {
    private var items: [String] = []
    private var done = false
    func push(_ text: String) { items.append(text) }
    func finish() { done = true }
    func pop() async -> String? {
        while true {
            if !items.isEmpty { return items.removeFirst() }
            if done { return nil }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
    }
}
