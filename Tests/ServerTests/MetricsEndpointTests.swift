import Audio
import Foundation
import Pipeline
import Recognition
@testable import Server
import TapedeckTesting
import Testing

/// `/metrics` on a real server: a refused connection and a real WebSocket session (transcribed by
/// a fixed recognizer on the real pool) show up in the Prometheus text a scraper reads.
@Suite(.serialized) struct MetricsEndpointTests {
    /// A plain HTTP/1.1 GET, read to the end (`Connection: close`), on a thread of its own for the
    /// same reason as `ServerHarness.upgradeStatus`.
    static func get(port: Int, _ path: String) async throws -> (status: Int, head: String, body: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    guard let fd = Loopback.connect(port: port) else { throw ServerError.io("connect failed") }
                    defer { close(fd) }
                    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
                    _ = request.withCString { send(fd, $0, strlen($0), 0) }
                    var bytes: [UInt8] = []
                    var buffer = [UInt8](repeating: 0, count: 16384)
                    while true {
                        let n = recv(fd, &buffer, buffer.count, 0)
                        if n <= 0 { break }
                        bytes += buffer.prefix(n)
                    }
                    let text = String(decoding: bytes, as: UTF8.self)
                    guard let split = text.range(of: "\r\n\r\n") else { throw ServerError.io("no HTTP head in \(text.prefix(60))") }
                    let head = String(text[..<split.lowerBound])
                    let parts = head.split(separator: " ")
                    guard parts.count >= 2, let status = Int(parts[1]) else { throw ServerError.io("no HTTP status") }
                    return (status, head, String(text[split.upperBound...]))
                })
            }.start()
        }
    }

    static func value(_ page: String, _ series: String) -> Double? {
        for line in page.split(separator: "\n") where line.hasPrefix(series + " ") { return Double(line.dropFirst(series.count + 1)) }
        return nil
    }

    @Test func refusalsAndSessionsAreCountedOnTheMetricsPage() async throws {
        let harness = try ServerHarness()
        let recognizer = FixedRecognizer()
        try await harness.start(environment: SessionEnvironment(engine: recognizer.identity),
                                pool: RecognitionWorkerPool(recognizer: recognizer, workers: 1))
        defer { Task { await harness.stop() } }
        let key = try harness.store.create(organization: "acme")

        let before = try await Self.get(port: harness.port, "/metrics")
        #expect(before.status == 200)
        #expect(before.head.lowercased().contains("content-type: text/plain; version=0.0.4"))
        #expect(Self.value(before.body, "tapedeck_sessions_open") == 0)
        #expect(Self.value(before.body, #"tapedeck_upgrade_refusals_total{status="401"}"#) == 0)

        #expect(try await harness.upgradeStatus(path: "/v1/stream?x-api-key=tdk_nope_nope") == 401)
        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.pace = .max
        options.sessionId = "metrics-1"
        // Tone between silences: the segmenter learns its noise floor from the opening silence.
        let beep = (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        let quiet = [Float](repeating: 0.001, count: 16000)
        let tone = WAVAudio(sampleRate: 16000, channels: [quiet + beep + quiet + beep + quiet])
        let outcome = try await StreamClient(options: options).run(audio: tone)
        #expect(await harness.endedSessions(1).count == 1)

        let after = try await Self.get(port: harness.port, "/metrics").body
        #expect(Self.value(after, #"tapedeck_upgrade_refusals_total{status="401"}"#) == 1)
        #expect(Self.value(after, #"tapedeck_sessions_total{dialect="seed"}"#) == 1)
        #expect(Self.value(after, "tapedeck_sessions_open") == 0)
        #expect(Self.value(after, #"tapedeck_frames_in_total{kind="binary"}"#) == Double(outcome.sentFrames))
        #expect(Self.value(after, #"tapedeck_bytes_in_total{kind="binary"}"#) == Double(outcome.sentBytes))
        #expect((Self.value(after, #"tapedeck_messages_sent_total{kind="event"}"#) ?? 0) >= 1, "the fixed words came back as an event")
        #expect((Self.value(after, "tapedeck_transcription_seconds_count") ?? 0) >= 1)
        #expect(Self.value(after, "tapedeck_transcription_queue_depth") == 0)

        let ready = try await Self.get(port: harness.port, "/ready")
        #expect(ready.status == 200)
        #expect(ready.body.contains(#""transcription":"loaded""#))
    }
}
