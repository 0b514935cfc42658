import Foundation
import HummingbirdWSClient
import Logging
import Testing
@testable import Journal
@testable import Server
import Pipeline
import Recognition

@Suite(.serialized) struct TransportTests {
    @Test func unknownOrMissingKeysGet401BeforeTheUpgrade() async throws {
        let harness = try await ServerHarness()
        try await harness.start()
        defer { Task { await harness.stop() } }
        let issued = try await harness.store.create(organization: "acme")
        #expect(try await harness.upgradeStatus(path: "/v1/stream") == 401)
        #expect(try await harness.upgradeStatus(path: "/v1/stream?x-api-key=tdk_aaaaaaaaaa_nope") == 401)
        #expect(try await harness.upgradeStatus(path: "/v1/stream", headers: ["X-API-KEY": "garbage"]) == 401)
        // AudioHook-style request with a valid key but no signature.
        #expect(try await harness.upgradeStatus(path: "/v1/stream", headers: ["X-API-KEY": issued.apiKey, "Audiohook-Session-Id": UUID().uuidString]) == 401)
        try await harness.store.revoke(id: issued.info.id)
        #expect(try await harness.upgradeStatus(path: "/v1/stream?x-api-key=\(issued.apiKey)") == 401)
        let fresh = try await harness.store.create(organization: "acme")
        #expect(try await harness.upgradeStatus(path: "/v1/stream?x-api-key=\(fresh.apiKey)") == 101)
        #expect(try await harness.upgradeStatus(path: "/elsewhere?x-api-key=\(fresh.apiKey)") != 101)
    }

    @Test func everyFrameIsJournaledAndTheJournalIsSealed() async throws {
        let harness = try await ServerHarness()
        try await harness.start()
        defer { Task { await harness.stop() } }
        let issued = try await harness.store.create(organization: "acme")
        let received = ReceivedMessages()
        try await WebSocketClient.connect(url: harness.url + "?x-api-key=\(issued.apiKey)", logger: Logger(label: "client")) { inbound, outbound, _ in
            try await outbound.write(.text(ServerHarness.seedOpen(id: "hello")))
            try await outbound.write(.binary(.init(bytes: [1, 2, 3, 4])))
            try await outbound.write(.text(#"{"type":"close","id":"hello","seq":2}"#))
            for try await message in inbound.messages(maxSize: 1 << 16) {
                guard case .text(let text) = message else { continue }
                await received.add(text)
                if text.contains(#""type":"closed""#) { break }
            }
        }
        let texts = await received.texts
        #expect(texts.count == 2)
        #expect(texts.first.map { ServerHarness.isOpened(Array($0.utf8)) } == true)
        #expect(texts.last?.contains(#""type":"closed""#) == true)
        let urls = await harness.endedSessions(1)
        let url = try #require(urls.first)
        #expect(url.path.contains("/journal/acme/"))
        #expect(url.lastPathComponent == "hello.tdj")
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        #expect(records.map(\.type) == [.sessionHeader, .inboundText, .outbound, .inboundBinary, .inboundText, .outbound, .transportClosed])
        let header = try SessionHeader.decode(records[0].payload)
        #expect(header.facts.organization == "acme")
        #expect(header.facts.keyId == issued.info.id)
        #expect(header.facts.dialect == "seed")
        #expect(header.facts.query["x-api-key"] == nil, "the API key must never be journaled")
        #expect(records[3].payload == [1, 2, 3, 4])
        #expect(records.last?.text == #"{"reason":"client closed"}"#)
        let bytes = try Data(contentsOf: url)
        #expect(bytes.range(of: Data(issued.apiKey.utf8)) == nil)
    }

    @Test func aDroppedConnectionIsJournaledAsTransportClosed() async throws {
        let harness = try await ServerHarness()
        try await harness.start()
        defer { Task { await harness.stop() } }
        let issued = try await harness.store.create(organization: "globex")
        try await WebSocketClient.connect(url: harness.url + "?x-api-key=\(issued.apiKey)", logger: Logger(label: "client")) { inbound, outbound, _ in
            try await outbound.write(.text(ServerHarness.seedOpen(id: "dropping")))
            for try await _ in inbound.messages(maxSize: 1 << 16) { break }
            // Leave without a protocol close: the client just goes away.
        }
        let url = try #require(await harness.endedSessions(1).first)
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        #expect(records.last?.type == .transportClosed)
        #expect(records.last?.text == #"{"reason":"client closed"}"#)
    }
}

actor ReceivedMessages {
    var texts: [String] = []
    func add(_ text: String) { texts.append(text) }
}

/// A recognizer that holds every transcription until released: the pool's queue can be filled
/// on purpose to test the server's admission control.
final class GatedRecognizer: SpeechRecognizer, Sendable {
    let identity = EngineIdentity(engine: "gated", model: "none", modelDigest: "-")
    private let gate = DispatchSemaphore(value: 0)
    func release(_ count: Int) { for _ in 0..<count { gate.signal() } }
    func transcribe(_ samples: [Float], language: String?) throws -> Transcription {
        gate.wait()
        return Transcription(text: "", language: "en", languageProbability: 1, noSpeechProbability: 1, averageLogProbability: 0, words: [])
    }
}

@Suite(.serialized) struct BackPressureTests {
    @Test func newSessionsAreRefusedWith503WhileRecognitionIsBehind() async throws {
        let harness = try await ServerHarness()
        harness.configuration.maxTranscriptionBacklog = 2
        let recognizer = GatedRecognizer()
        let pool = RecognitionWorkerPool(recognizer: recognizer, workers: 1)
        try await harness.start(environment: SessionEnvironment(engine: recognizer.identity), pool: pool)
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let path = "/v1/stream?x-api-key=\(key.apiKey)"
        #expect(try await harness.upgradeStatus(path: path) == 101, "accepted while the pool keeps up")
        let queued = (0..<2).map { _ in Task { try await pool.transcribe([0.1], language: nil) } }
        for _ in 0..<200 where pool.pending < 2 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(try await harness.upgradeStatus(path: path) == 503, "refused while two transcriptions wait")
        recognizer.release(2)
        for task in queued { _ = try await task.value }
        #expect(try await harness.upgradeStatus(path: path) == 101, "accepted again once the pool caught up")
    }
}
