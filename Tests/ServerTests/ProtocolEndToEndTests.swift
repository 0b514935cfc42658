import Audio
import Foundation
import HummingbirdWSClient
import Logging
import Testing
@testable import Journal
import Pipeline
@testable import Server
import StreamProtocol

/// Real clients of both dialects against a running server with the real session reducer.
@Suite(.serialized) struct ProtocolEndToEndTests {
    static let audio = WAVAudio(sampleRate: 16000, channels: [
        (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) },
        (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 660 * Double($0) / 16000)) },
    ])

    static func start() async throws -> ServerHarness {
        let harness = try ServerHarness()
        try await harness.start(SessionReducer.self, verifySignature: SignatureCheck.verifier(logger: Logger(label: "test")))
        return harness
    }

    static func types(_ texts: [String]) -> [String] {
        texts.compactMap { (try? JSONValue.parse($0))?["type"]?.stringValue }
    }

    @Test func seedSessionOpensStreamsClosesAndReplaysIdentically() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try harness.store.create(organization: "acme")
        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.pace = .max
        options.sessionId = "call-0001"
        let outcome = try await StreamClient(options: options).run(audio: Self.audio)
        #expect(Self.types(outcome.received) == ["opened", "closed"])
        #expect(outcome.sentFrames == 2, "1 s of audio in 500 ms frames")
        let url = try #require(await harness.endedSessions(1).first)
        #expect(url.lastPathComponent == "call-0001.tdj")
        let report = try Replay.run(url)
        #expect(report.identical)
        #expect(report.header.facts.dialect == "seed")
        #expect(report.header.negotiated.contains(#""encoding":"pcm16le""#))
        #expect(report.run.journaledReplies.count == 2)
    }

    @Test func signedAudioHookSessionIsServedAndReplaysIdentically() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try harness.store.create(organization: "acme")
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
        #expect(try Replay.run(url).identical)
    }

    @Test func badSignaturesAreRefusedWith401() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try harness.store.create(organization: "acme")
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
        let key = try harness.store.create(organization: "acme")
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
        #expect(try Replay.run(journal).identical)
    }

    @Test func organizationsAreIsolated() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let acme = try harness.store.create(organization: "acme")
        let globex = try harness.store.create(organization: "globex")
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
