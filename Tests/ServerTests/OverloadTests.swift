import Audio
import Foundation
import Testing
@testable import Journal
import Pipeline
import Recognition
@testable import Server
import TapedeckTesting

/// Holds every transcription until the test lets it through, then answers with text derived
/// from the audio alone (so a second derivation gets the same words). Counts what it finished:
/// a `closed` that arrives while `finished` is 0 came with the recognizer still held.
final class HeldRecognizer: SpeechRecognizer, @unchecked Sendable {  // the counters are guarded by `lock`; the gate is a semaphore
    let identity = EngineIdentity(engine: "held", model: "none", modelDigest: "-")
    private let gate = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var open = false
    private var started = 0
    private var done = 0

    var finished: Int { lock.withLock { done } }
    var waiting: Int { lock.withLock { started - done } }

    /// Lets every held and future transcription through.
    func releaseAll() {
        let blocked = lock.withLock { () -> Int in
            open = true
            return started - done
        }
        for _ in 0..<max(blocked, 0) { gate.signal() }
    }

    func transcribe(_ samples: [Float], language: String?) throws -> Transcription {
        let held = lock.withLock { () -> Bool in
            started += 1
            return !open
        }
        if held { gate.wait() }
        lock.withLock { done += 1 }
        let words = ["my", "bill", "is", "wrong", "again", "and", "\(samples.count / 160)", "frames"]
        return Transcription(text: words.joined(separator: " "), language: "en", languageProbability: 1, noSpeechProbability: 0,
                             averageLogProbability: -0.2, words: [])
    }
}

/// Overload: admission from measured capacity, and `closed` that never waits on the backlog.
@Suite(.serialized) struct OverloadTests {
    /// Three one-second tones a second apart, after a second of near-silence (the segmenter
    /// learns its noise floor from it): three utterances.
    static func bursts(_ count: Int = 3) -> WAVAudio {
        let silence = [Float](repeating: 0.001, count: 16000)
        var samples = silence
        for _ in 0..<count {
            samples += (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
            samples += silence
        }
        return WAVAudio(sampleRate: 16000, channels: [samples])
    }

    /// Sessions that fit the measured (here: assumed, nothing has finished) capacity open; the
    /// next is refused before the WebSocket opens, with 503 and the configured Retry-After.
    @Test func aSessionBeyondTheCapacityGets503WithRetryAfter() async throws {
        let harness = try await ServerHarness()
        harness.configuration.admission.cores = 2
        harness.configuration.admission.utilization = 1
        harness.configuration.admission.assumedCostPerCallSecond = 0.8  // 2 cores carry 2 sessions
        harness.configuration.admission.retryAfterSeconds = 7
        let recognizer = HeldRecognizer()
        let pool = RecognitionWorkerPool(recognizer: recognizer, workers: 1)
        try await harness.start(environment: SessionEnvironment(engine: recognizer.identity), pool: pool)
        defer { recognizer.releaseAll(); Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        let port = harness.port
        let heads = try await RawSocket.offPool { () -> [String?] in
            let request = Array(RawSocket.upgradeRequest(path: "/v1/stream?x-api-key=\(key.apiKey)", port: port).utf8)
            var heads: [String?] = []
            var open: [RawSocket] = []  // kept open: each holds its session
            for index in 0..<3 {
                guard let socket = RawSocket(port: port) else { heads.append(nil); continue }
                socket.setTimeouts(receive: 20, send: 5)
                socket.sendAll(request)
                let head = socket.responseHead()
                heads.append(head)
                if head?.hasPrefix("HTTP/1.1 101") == true {
                    socket.sendAll(RawSocket.frame(opcode: 0x1, payload: Array(ServerHarness.seedOpen(id: "c\(index)").utf8)))
                    _ = socket.readFrame()
                    open.append(socket)
                }
            }
            return heads
        }
        #expect(heads.count == 3)
        #expect(heads.prefix(2).allSatisfy { $0?.hasPrefix("HTTP/1.1 101") == true }, "two sessions fit: \(heads)")
        let refused = try #require(heads.last ?? nil)
        #expect(refused.hasPrefix("HTTP/1.1 503"), "the third is refused before the upgrade: \(refused)")
        let retryAfter = refused.split(separator: "\r\n").first { $0.lowercased().hasPrefix("retry-after:") }
        #expect(retryAfter.map { $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces) } == "7")
        #expect(harness.overloadCounters.sessionsRefusedForCapacity == 1)
        #expect(recognizer.finished == 0)
    }

    /// With every transcription held, the client's `close` is answered anyway; the events still
    /// to come are not sent, and once the recognizer lets them through the session's CSV files
    /// are written, byte for byte what `tapedeck regenerate` writes from the journal.
    @Test func closedComesWhileTheRecognizerIsHeldAndTheCSVMatchesRegenerate() async throws {
        let harness = try await ServerHarness()
        harness.configuration.closeLatenessSeconds = 0.2
        harness.configuration.admission.cores = 64
        let recognizer = HeldRecognizer()
        let pool = RecognitionWorkerPool(recognizer: recognizer, workers: 1)
        let environment = SessionEnvironment(engine: recognizer.identity)
        try await harness.start(environment: environment, pool: pool)
        defer { recognizer.releaseAll(); Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")

        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.pace = .max
        options.sessionId = "held-call"
        options.closeTimeoutSeconds = 30
        let outcome = try await StreamClient(options: options).run(audio: Self.bursts())
        // The ordering is the assertion: `closed` reached the client before any transcription finished.
        let finishedAtClosed = recognizer.finished
        #expect(outcome.gotClosed)
        #expect(finishedAtClosed == 0, "closed waited for the recognizer")
        #expect(!outcome.received.contains { $0.contains(#""type":"event""#) }, "no event could have been ready")

        recognizer.releaseAll()
        let journal = try #require(await harness.endedSessions(1).first)
        let results = harness.configuration.resultsDirectory
        let day = journal.deletingLastPathComponent().lastPathComponent
        let live = results.appendingPathComponent("acme/\(day)/held-call.csv")
        let liveUtterances = results.appendingPathComponent("acme/\(day)/held-call.utterances.csv")
        #expect(FileManager.default.fileExists(atPath: live.path), "the CSV is written once the transcriptions are in")
        #expect(recognizer.finished == 3)
        #expect(harness.overloadCounters.sessionsClosedEarly == 1)
        #expect(harness.overloadCounters.eventsWithheld == 3, "one event per utterance was withheld")

        // `tapedeck regenerate`'s path, into another results folder.
        let offline = harness.root.appendingPathComponent("regenerated")
        let regenerated = try await Regenerator(environment: environment, recognizer: recognizer,
                                                projector: Projector(root: offline), cache: nil).regenerate(journal)
        #expect(regenerated.session.utterances.count == 3)
        let written = try #require(regenerated.written)
        #expect(try Data(contentsOf: written) == Data(contentsOf: live))
        #expect(try Data(contentsOf: offline.appendingPathComponent("acme/\(day)/held-call.utterances.csv")) == Data(contentsOf: liveUtterances))
        // Replay re-derives the withheld events and counts them as never sent, not as a difference.
        let report = try await Replay.run(journal, environment: environment) { try recognizer.transcribe($0.samples, language: $0.language) }
        #expect(report.identical, "\(String(describing: report.firstDifference))")
        #expect(report.undelivered == 3)
        // The journal says what was sent: `closed`, and none of the withheld events.
        let (_, records) = try JournalReader.readAll(journal)
        #expect(!records.contains { $0.type == .outboundEvent })
        #expect(records.contains { $0.type == .outbound && ($0.text ?? "").contains(#""type":"closed""#) })
    }
}

/// The admission arithmetic, without a server: what it carries follows what was measured.
@Suite struct CapacityEstimateTests {
    @Test func theAssumedCostHoldsUntilEnoughIsMeasured() {
        var settings = AdmissionSettings()
        settings.utilization = 1
        settings.assumedCostPerCallSecond = 0.5
        var estimate = CapacityEstimate()
        estimate.cpuSeconds = 2; estimate.transcribedSeconds = 10; estimate.callSeconds = 10; estimate.utteranceSeconds = 10
        #expect(estimate.decide(queuedAudioSeconds: 0, cores: 2, settings: settings).maxSessions == 4, "10 s is too little: assumed 0.5")
        // 0.25 CPU-s per transcribed second, 60 % of the call transcribed: 0.15 CPU-s per call second.
        estimate = CapacityEstimate(cpuSeconds: 15, transcribedSeconds: 60, callSeconds: 100, utteranceSeconds: 60)
        #expect(estimate.costPerCallSecond(settings) == 0.15)
        #expect(estimate.decide(queuedAudioSeconds: 0, cores: 2, settings: settings).maxSessions == 13)
    }

    @Test func aBacklogRefusesEveryoneAndSaysWhenToComeBack() {
        var settings = AdmissionSettings()
        settings.maxBacklogSeconds = 10
        settings.retryAfterSeconds = 5
        let estimate = CapacityEstimate(cpuSeconds: 50, transcribedSeconds: 100, callSeconds: 100, utteranceSeconds: 100)
        // 120 s of audio queued at 0.5 CPU-s each on 2 cores: 30 s behind.
        let behind = estimate.decide(queuedAudioSeconds: 120, cores: 2, settings: settings)
        #expect(behind.maxSessions == 0)
        #expect(behind.retryAfter == 30)
        let caughtUp = estimate.decide(queuedAudioSeconds: 10, cores: 2, settings: settings)
        #expect(caughtUp.maxSessions == 3)
        #expect(caughtUp.retryAfter == 5)
    }

    @Test func oldMeasurementsFade() {
        var estimate = CapacityEstimate(cpuSeconds: 8, transcribedSeconds: 8, callSeconds: 8, utteranceSeconds: 8)
        estimate.decay(elapsed: 240, halfLife: 120)
        #expect(estimate == CapacityEstimate(cpuSeconds: 2, transcribedSeconds: 2, callSeconds: 2, utteranceSeconds: 2))
    }
}
