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
    static func value(_ page: String, _ series: String) -> Double? {
        for line in page.split(separator: "\n") where line.hasPrefix(series + " ") { return Double(line.dropFirst(series.count + 1)) }
        return nil
    }

    @Test func refusalsAndSessionsAreCountedOnTheMetricsPage() async throws {
        let harness = try await ServerHarness()
        let recognizer = FixedRecognizer()
        try await harness.start(environment: SessionEnvironment(engine: recognizer.identity),
                                pool: RecognitionWorkerPool(recognizer: recognizer, workers: 1))
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")

        let before = try await harness.get("/metrics")
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

        let after = try await harness.get("/metrics").body
        #expect(Self.value(after, #"tapedeck_upgrade_refusals_total{status="401"}"#) == 1)
        #expect(Self.value(after, #"tapedeck_sessions_total{dialect="seed"}"#) == 1)
        #expect(Self.value(after, "tapedeck_sessions_open") == 0)
        #expect(Self.value(after, #"tapedeck_frames_in_total{kind="binary"}"#) == Double(outcome.sentFrames))
        #expect(Self.value(after, #"tapedeck_bytes_in_total{kind="binary"}"#) == Double(outcome.sentBytes))
        #expect((Self.value(after, #"tapedeck_messages_sent_total{kind="event"}"#) ?? 0) >= 1, "the fixed words came back as an event")
        #expect((Self.value(after, "tapedeck_transcription_seconds_count") ?? 0) >= 1)
        #expect(Self.value(after, "tapedeck_transcription_queue_depth") == 0)

        let ready = try await harness.get("/ready")
        #expect(ready.status == 200)
        #expect(ready.body.contains(#""transcription":"loaded""#))
    }
}
