import Foundation
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Testing
@testable import Journal
import Pipeline
@testable import Server
import StreamProtocol
import TapedeckTesting

/// The journal disk fills up or turns read-only (real tmpfs mounts): sessions that cannot be
/// kept are told so at once, nothing is retried into sibling files, the server stays up,
/// `/ready` says why, and all is well again once the disk is.
@Suite(.serialized) struct StorageFaultTests {
    static func start(on filesystem: ScratchFilesystem) async throws -> ServerHarness {
        let harness = try await ServerHarness()
        harness.configuration.journalDirectory = filesystem.url.appendingPathComponent("journal")
        // Every record synced at once: the failure shows on the frame that hits the full disk.
        harness.configuration.journalSync = .always
        try await harness.start()
        return harness
    }

    @Test func aFullJournalDiskEndsTheSessionWithTheProtocolErrorAndTheServerStaysUp() async throws {
        let mounted = try ScratchFilesystem.mount(kilobytes: 512)
        guard case .success(let filesystem) = mounted else {
            if case .failure(let reason) = mounted { skipping("full journal disk", reason) }
            return
        }
        let harness = try await Self.start(on: filesystem)
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        #expect(try await harness.get("/ready").status == 200)

        let received = ReceivedMessages()
        let frame = [UInt8](repeating: 0x11, count: 16000)
        let close = try await WebSocketClient.connect(url: harness.url + "?x-api-key=\(key.apiKey)", logger: Logger(label: "client")) { inbound, outbound, _ in
            try await outbound.write(.text(#"{"type":"open","id":"full-disk","parameters":{"media":[{"type":"audio","codec":"audio/pcm"}]}}"#))
            var messages = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
            if case .text(let opened)? = try await messages.next() { await received.add(opened) }
            filesystem.fill()
            // Keep talking until the server gives up on the session (or 200 frames: 100 s of audio).
            let sender = Task { for _ in 0..<200 { try await outbound.write(.binary(.init(bytes: frame))); try await Task.sleep(nanoseconds: 5_000_000) } }
            while let message = try await messages.next() {
                if case .text(let text) = message { await received.add(text) }
            }
            sender.cancel()
        }
        let texts = await received.texts
        let error = try #require(texts.compactMap { try? JSONValue.parse($0) }.first { $0["type"] == .string("error") }, "\(texts)")
        #expect(error["parameters"]?["code"] == .int(503))
        #expect(error["id"] == .string("full-disk"))
        #expect(error["parameters"]?["message"]?.stringValue?.contains("journal storage unavailable") == true)
        #expect(close?.closeCode == .unexpectedServerError, "closed with 1011, got \(String(describing: close))")

        _ = await harness.endedSessions(1)
        let day = try FileManager.default.contentsOfDirectory(atPath: harness.configuration.journalDirectory.appendingPathComponent("acme").path)
        let journals = try FileManager.default.contentsOfDirectory(atPath: harness.configuration.journalDirectory.appendingPathComponent("acme/\(day[0])").path)
        #expect(journals == ["full-disk.tdj"], "one journal, no siblings retried into")

        // The server is up and says why it is not ready; new sessions are refused, not lost.
        #expect(try await harness.get("/health").status == 200)
        let notReady = try await harness.get("/ready")
        #expect(notReady.status == 503)
        #expect(notReady.body.contains("journal storage"), "\(notReady.body)")
        #expect(try await harness.upgradeStatus(path: "/v1/stream?x-api-key=\(key.apiKey)") == 503)

        // Room again: ready, and a session is journaled and sealed as usual.
        filesystem.free()
        #expect(try await harness.get("/ready").status == 200)
        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.pace = .max
        options.sessionId = "after-repair"
        let outcome = try await StreamClient(options: options).run(audio: SessionFileTests.tone(seconds: 1))
        #expect(outcome.gotClosed)
        let repaired = try #require(await harness.endedSessions(2).first { $0.lastPathComponent == "after-repair.tdj" })
        #expect(try JournalReader.scan(repaired).isSealedAndIntact)
    }

    @Test func aReadOnlyJournalDiskRefusesSessionsBeforeTheyStart() async throws {
        let mounted = try ScratchFilesystem.mount(kilobytes: 256, readOnly: true)
        guard case .success(let filesystem) = mounted else {
            if case .failure(let reason) = mounted { skipping("read-only journal disk", reason) }
            return
        }
        let harness = try await Self.start(on: filesystem)
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let ready = try await harness.get("/ready")
        #expect(ready.status == 503)
        #expect(ready.body.contains(#""journal":"unavailable""#), "\(ready.body)")
        #expect(try await harness.upgradeStatus(path: "/v1/stream?x-api-key=\(key.apiKey)") == 503)
        #expect(try await harness.get("/health").status == 200)
    }
}
