import Audio
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import Testing
@testable import Journal
import Pipeline
@testable import Server
import StreamProtocol
import TapedeckTesting

/// Real clients of both dialects against a running server with the real session reducer.
@Suite(.serialized) struct ProtocolEndToEndTests {
    static let audio = WAVAudio(sampleRate: 16000, channels: [
        (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) },
        (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 660 * Double($0) / 16000)) },
    ])

    static func start() async throws -> ServerHarness {
        let harness = try await ServerHarness()
        try await harness.start(verifySignature: SignatureCheck.verifier(logger: Logger(label: "test")))
        return harness
    }

    static func types(_ texts: [String]) -> [String] {
        texts.compactMap { (try? JSONValue.parse($0))?["type"]?.stringValue }
    }

    @Test func seedSessionOpensStreamsClosesAndReplaysIdentically() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.pace = .max
        options.sessionId = "call-0001"
        let outcome = try await StreamClient(options: options).run(audio: Self.audio)
        #expect(Self.types(outcome.received) == ["opened", "closed"])
        #expect(outcome.sentFrames == 2, "1 s of audio in 500 ms frames")
        let url = try #require(await harness.endedSessions(1).first)
        #expect(url.lastPathComponent == "call-0001.tdj")
        let report = try await Replay.run(url)
        #expect(report.identical)
        #expect(report.header.facts.dialect == "seed")
        #expect(report.header.negotiated.contains(#""encoding":"pcm16le""#))
        #expect(report.run.journaledReplies.count == 2)
    }

    @Test func signedAudioHookSessionIsServedAndReplaysIdentically() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.dialect = .audiohook
        options.clientSecret = key.clientSecret
        options.pace = .max
        let outcome = try await StreamClient(options: options).run(audio: Self.audio)
        #expect(Self.types(outcome.received) == ["opened", "closed"])
        let opened = try JSONValue.parse(outcome.received[0])
        #expect(opened["parameters"]?["media"]?.arrayValue?.first?["channels"] == .array([.string("external"), .string("internal")]))
        #expect(outcome.sentFrames == 5, "1 s of stereo audio in 200 ms frames")
        let url = try #require(await harness.endedSessions(1).first)
        #expect(url.lastPathComponent == "\(outcome.sessionId).tdj")
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        let header = try SessionHeader.decode(records[0].payload)
        #expect(header.facts.dialect == "audiohook")
        #expect(header.facts.headers["signature"] == nil && header.facts.headers["x-api-key"] == nil, "credentials are never journaled")
        #expect(records.filter { $0.type == .inboundBinary }.map(\.payload.count) == [3200, 3200, 3200, 3200, 3200])
        #expect(try await Replay.run(url).identical)
    }

    @Test func badSignaturesAreRefusedWith401() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.dialect = .audiohook
        options.clientSecret = Data(repeating: 7, count: 32).base64EncodedString()
        await #expect(throws: StreamClient.ClientError.self) { try await StreamClient(options: options).run(audio: Self.audio) }
        options.clientSecret = nil
        await #expect(throws: StreamClient.ClientError.self) { try await StreamClient(options: options).run(audio: Self.audio) }
        #expect(await harness.endedSessions(0).isEmpty)
    }

    @Test func protocolViolationsOverTheWireGetTheReferenceAnswers() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let received = ReceivedMessages()
        let url = harness.url + "?x-api-key=\(key.apiKey)"
        try await WebSocketClient.connect(url: url, logger: Logger(label: "client")) { inbound, outbound, _ in
            try await outbound.write(.binary(.init(bytes: [0, 0])))  // audio before open
            try await outbound.write(.text("not json"))
            try await outbound.write(.text(#"{"type":"open","id":"wire-1","parameters":{"media":[{"type":"audio","codec":"audio/pcm"}]}}"#))
            try await outbound.write(.text(#"{"type":"dance","id":"wire-1"}"#))
            try await outbound.write(.text(#"{"type":"close","id":"wire-1","parameters":{"reason":"end"}}"#))
            for try await message in inbound.messages(maxSize: 1 << 16) {
                if case .text(let text) = message {
                    await received.add(text)
                    if text.contains(#""type":"closed""#) { try await outbound.close(.normalClosure, reason: nil) }
                }
            }
        }
        let texts = await received.texts
        #expect(Self.types(texts) == ["error", "error", "opened", "error", "closed"])
        #expect(texts[0].contains("audio before open"))
        let journal = try #require(await harness.endedSessions(1).first)
        #expect(journal.lastPathComponent == "wire-1.tdj")
        #expect(try await Replay.run(journal).identical)
    }

    /// A key in the query string authenticates a seed client only: an AudioHook `open` sent over
    /// such a connection (no AudioHook headers, no signature) must not open an AudioHook session.
    @Test func anUnsignedConnectionCannotSpeakAudioHook() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let received = ReceivedMessages()
        let open = #"{"version":"2","id":"e160e428-53e2-487c-977d-96989bf5c99d","type":"open","seq":1,"serverseq":0,"position":"PT0S","parameters":{"organizationId":"d7934305-0972-4844-938e-9060eef73d05","conversationId":"090eaa2f-72fa-480a-83e0-8667ff89c0ec","participant":{"id":"883efee8-3d6c-4537-b500-6d7ca4b92fa0","ani":"+1","aniName":"x","dnis":"+2"},"media":[{"type":"audio","format":"PCMU","channels":["external","internal"],"rate":8000}]}}"#
        for headers in [[String: String](), ["X-API-KEY": key.apiKey]] {
            let url = harness.url + (headers.isEmpty ? "?x-api-key=\(key.apiKey)" : "")
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders = HTTPFields(headers.map { HTTPField(name: HTTPField.Name($0.key)!, value: $0.value) })
            try await WebSocketClient.connect(url: url, configuration: configuration, logger: Logger(label: "client")) { inbound, outbound, _ in
                try await outbound.write(.text(open))
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    if case .text(let text) = message { await received.add(text); break }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
        let replies = await received.texts.map { (try? JSONValue.parse($0)) ?? .null }
        #expect(replies.count == 2)
        for reply in replies {
            #expect(reply["type"] == .string("error"), "answered as a seed message, not opened")
            #expect(reply["parameters"]?["code"] == .int(415))
        }
        for journal in await harness.endedSessions(2) {
            let header = try SessionHeader.decode(try JournalReader.readAll(journal).1[0].payload)
            #expect(header.facts.dialect == "seed")
        }
    }

    @Test func organizationsAreIsolated() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let acme = try await harness.store.create(organization: "acme")
        let globex = try await harness.store.create(organization: "globex")
        for key in [acme, globex] {
            var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
            options.pace = .max
            options.sessionId = "same-session-id"
            _ = try await StreamClient(options: options).run(audio: Self.audio)
        }
        let urls = await harness.endedSessions(2)
        let paths = Set(urls.map { $0.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent })
        #expect(paths == ["acme", "globex"], "each session lives under its own organization")
        for url in urls {
            let header = try SessionHeader.decode(try JournalReader.readAll(url).1[0].payload)
            #expect(url.path.contains("/\(header.facts.organization)/"))
        }
        // A session id cannot be used to climb into another organization's journal tree.
        var options = StreamClient.Options(url: harness.url, apiKey: acme.apiKey)
        options.pace = .max
        options.sessionId = "../globex/x"
        _ = try await StreamClient(options: options).run(audio: Self.audio)
        let third = await harness.endedSessions(3)
        let escaped = try #require(third.first { !urls.contains($0) })
        #expect(escaped.path.contains("/journal/acme/"))
        #expect(escaped.lastPathComponent.hasPrefix("sid-"))
    }
}
