import Analysis
import Audio
import Foundation
import Logging
import Testing
@testable import Journal
import Pipeline
import Recognition
@testable import Server
import StreamProtocol
import TapedeckTesting

/// Calls spoken by espeak-ng, streamed by the real client through a live server running the
/// real engine (multilingual base) and analyzer: what the caller receives, the journal, the CSV
/// files, the auditor's replay and the analyst's regenerate.
@Suite(.serialized) struct LiveCallTests {
    static let customerVoice = "en-us"
    static let agentVoice = "en-us+f3"

    static let englishCall: [(SpeakerRole, String)] = [
        (.customer, "Hello, my internet connection has been down since Monday."),
        (.agent, "I am sorry to hear that. Let me check your account right away."),
        (.customer, "I already told you my account number twice. This is really frustrating."),
        (.agent, "Thank you for your patience. I have reset your modem and it should work now."),
    ]

    static let turkishCall: [(SpeakerRole, String)] = [
        (.customer, "Merhaba, internetim pazartesiden beri çalışmıyor."),
        (.agent, "Çok üzgünüm, hemen hesabınızı kontrol ediyorum."),
    ]

    /// The call as a stereo recording (left = customer = AudioHook "external", right = agent),
    /// turns one after another with 0.8 s of silence between them.
    static func record(_ turns: [(SpeakerRole, String)], customer: String = customerVoice, agent: String = agentVoice) throws -> WAVAudio {
        var left: [Float] = Array(repeating: 0, count: 8000)
        var right: [Float] = Array(repeating: 0, count: 8000)
        for (speaker, text) in turns {
            let speech = try speak(text, voice: speaker == .agent ? agent : customer, wordsPerMinute: 150)
            let silence = [Float](repeating: 0, count: speech.count)
            left += speaker == .agent ? silence : speech
            right += speaker == .agent ? speech : silence
            left += [Float](repeating: 0, count: 12800)
            right += [Float](repeating: 0, count: 12800)
        }
        return WAVAudio(sampleRate: 16000, channels: [left, right])
    }

    static let recognizer: WhisperRecognizer = {
        // Loaded once for the suite; tools/setup installs the model. One thread, as `serve` runs it.
        try! WhisperRecognizer(model: "base", threads: 1, detectableLanguages: SessionEnvironment.languages)
    }()

    static func start() async throws -> (ServerHarness, SessionEnvironment) {
        let harness = try await ServerHarness()
        // Whisper base on one worker of a loaded 2-core machine can take longer than the
        // product's 10 s shutdown deadline to finish a call's utterances; these tests check that
        // the drain completes and writes the CSV, so give it room.
        harness.configuration.shutdownTimeoutSeconds = 60
        let environment = SessionEnvironment(engine: recognizer.identity)
        let pool = RecognitionWorkerPool(recognizer: recognizer, workers: 1)
        try await harness.start(environment: environment, pool: pool, verifySignature: SignatureCheck.verifier(logger: Logger(label: "test")))
        return (harness, environment)
    }

    static func messages(_ texts: [String]) -> [JSONValue] { texts.compactMap { try? JSONValue.parse($0) } }

    /// The auditor's check and the analyst's regenerate on a live session's journal.
    static func auditAndRegenerate(_ journal: URL, liveCSV: URL, environment: SessionEnvironment) async throws {
        let report = try await Replay.run(journal, environment: environment) { try recognizer.transcribe($0.samples, language: $0.language) }
        #expect(report.componentDifferences.isEmpty)
        #expect(report.identical, "replay differs: \(String(describing: report.firstDifference))")
        #expect(report.run.derivedEvents.count == report.run.journaledEvents.count)

        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-regen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let projector = Projector(root: elsewhere.appendingPathComponent("results"))
        let regenerator = Regenerator(environment: environment, recognizer: recognizer, projector: projector,
                                      cache: TranscriptCache(directory: elsewhere.appendingPathComponent("cache")))
        let outcome = try await regenerator.regenerate(journal)
        let written = try #require(outcome.written)
        #expect(written.path.hasSuffix(liveCSV.path.split(separator: "/").suffix(3).joined(separator: "/")))
        #expect(try Data(contentsOf: written) == Data(contentsOf: liveCSV), "regenerate reproduces the live CSV byte for byte")
        let utterances = { (url: URL) in url.deletingLastPathComponent().appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".utterances.csv") }
        #expect(try Data(contentsOf: utterances(written)) == Data(contentsOf: utterances(liveCSV)))
        let again = try await regenerator.regenerate(journal)
        #expect(again.recognized == 0, "the second regenerate reads the transcript cache")
        #expect(try Data(contentsOf: written) == Data(contentsOf: liveCSV))
    }

    /// Results go to the same organization and day folders as the journal.
    static func csvURL(_ harness: ServerHarness, journal: URL, id: String) -> URL {
        harness.configuration.resultsDirectory.appendingPathComponent("acme")
            .appendingPathComponent(journal.deletingLastPathComponent().lastPathComponent).appendingPathComponent("\(id).csv")
    }

    static func csvRow(_ url: URL) throws -> [String: String] {
        let rows = try CSV.parse(String(contentsOf: url, encoding: .utf8))
        #expect(rows.count == 2)
        return Dictionary(uniqueKeysWithValues: zip(SessionRow.columns, rows[1]))
    }

    @Test func englishSeedCallIsTranscribedAnalysedWrittenAndReplayed() async throws {
        let (harness, environment) = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.pace = .realtime(4)
        options.sessionId = "seed-call-en"
        let call = try Self.record(Self.englishCall)
        let outcome = try await StreamClient(options: options).run(audio: WAVAudio(sampleRate: 16000, channels: [call.mono]))
        let received = Self.messages(outcome.received)
        #expect(received.first?["type"]?.stringValue == "opened")
        #expect(received.last?["type"]?.stringValue == "closed", "closed comes after the last transcript")
        let events = received.filter { $0["type"]?.stringValue == "event" }
        #expect(events.count >= 3)
        let text = events.compactMap { $0["parameters"]?["entity"]?["value"]?.stringValue }.joined(separator: " ").lowercased()
        for word in ["internet", "monday", "account", "twice", "frustrating", "modem"] {
            #expect(text.contains(word), "\(word) missing from \(text)")
        }
        #expect(events.allSatisfy { $0["parameters"]?["entity"]?["type"]?.stringValue == "transcript" })
        let analysis = try #require(events.last?["parameters"]?["analysis"])
        for field in ["summary", "sentiment", "emotion", "agent_score", "process_issues", "repeated_problems", "marketing_mentions"] {
            #expect(analysis[field] != nil, "analysis.\(field) missing")
        }

        let journal = try #require(await harness.endedSessions(1).first)
        let csv = Self.csvURL(harness, journal: journal, id: "seed-call-en")
        let row = try Self.csvRow(csv)
        #expect(row["session_id"] == "seed-call-en" && row["dialect"] == "seed" && row["language"] == "en")
        #expect(row["transcript"]?.lowercased().contains("modem") == true)
        #expect(row["process_issues"]?.contains("customer_repeats_information") == true)
        #expect(row["engine"]?.contains("base@") == true && row["analyzer"]?.hasPrefix(CallAnalyzer.version) == true)
        // One line, two voices (a man's and a woman's): the roles come from the words and the voices' pitch, and they
        // follow the turns (an utterance the segmenter cut in two keeps its speaker).
        let written = try JSONValue.parse(try #require(row["analysis_json"]))
        let roles = try #require(written["detail"]?["roles"])
        #expect(roles["source"]?.stringValue == "text+voice")
        let guessed = (roles["turns"]?.arrayValue ?? []).compactMap { $0["role"]?.stringValue }
        // Which turn each utterance starts in, from the recording's layout (0.5 s lead, 0.8 s between turns).
        var turnStarts: [Double] = [], clock = 0.5
        for (speaker, text) in Self.englishCall {
            turnStarts.append(clock)
            clock += Double(try speak(text, voice: speaker == .agent ? Self.agentVoice : Self.customerVoice, wordsPerMinute: 150).count) / 16000 + 0.8
        }
        let utteranceCSV = csv.deletingPathExtension().appendingPathExtension("utterances.csv")
        let starts = try CSV.parse(String(contentsOf: utteranceCSV, encoding: .utf8)).dropFirst().compactMap { Double($0[0]) }
        let spoken = starts.map { start in Self.englishCall[turnStarts.lastIndex { $0 <= start + 0.3 } ?? 0].0.rawValue }
        #expect(guessed == spoken, "utterances starting at \(starts)")
        #expect(roles["used"]?.boolValue == true)
        #expect(written["agent_score"] != .null, "the roles were used, so the agent is scored")
        let header = try SessionHeader.read(from: journal)
        #expect(header.components["voice"] == VoiceDescriptor.version)
        #expect(header.components["engine"] == Self.recognizer.identity.description)
        #expect(header.components["analyzer.config"] == AnalysisConfiguration.default.digest)
        try await Self.auditAndRegenerate(journal, liveCSV: csv, environment: environment)
    }

    @Test func stereoAudioHookCallSeparatesAgentAndCustomer() async throws {
        let (harness, environment) = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.dialect = .audiohook
        options.clientSecret = key.clientSecret
        options.pace = .realtime(4)
        options.language = "en-US"
        let outcome = try await StreamClient(options: options).run(audio: try Self.record(Self.englishCall))
        let received = Self.messages(outcome.received)
        #expect(received.first?["type"]?.stringValue == "opened")
        #expect(received.last?["type"]?.stringValue == "closed")
        let seqs = received.compactMap { $0["seq"]?.intValue }
        #expect(seqs == Array(1...Int64(received.count)), "server seq counts every message on the wire")
        let entities = received.filter { $0["type"]?.stringValue == "event" }.flatMap { $0["parameters"]?["entities"]?.arrayValue ?? [] }
        let transcripts = entities.filter { $0["type"]?.stringValue == "transcript" }.compactMap { $0["data"] }
        #expect(transcripts.count >= 3)
        let channels = Set(transcripts.compactMap { $0["channelId"]?.intValue })
        #expect(channels == [0, 1], "customer on external (0), agent on internal (1)")
        for data in transcripts {
            #expect(data["isFinal"]?.boolValue == true)
            #expect(data["offset"]?.stringValue.flatMap(ProtocolDuration.init) != nil)
            let alternative = try #require(data["alternatives"]?.arrayValue?.first)
            #expect(alternative["languages"] == .array([.string("en-US")]))
            let interpretation = try #require(alternative["interpretations"]?.arrayValue?.first)
            let tokens = interpretation["tokens"]?.arrayValue ?? []
            #expect(!tokens.isEmpty)
            let offsets = tokens.compactMap { $0["offset"]?.stringValue }
            #expect(Set(offsets).count == offsets.count, "token offsets are distinct")
        }
        let agentText = transcripts.filter { $0["channelId"]?.intValue == 1 }
            .compactMap { $0["alternatives"]?.arrayValue?.first?["interpretations"]?.arrayValue?.first?["transcript"]?.stringValue }
            .joined(separator: " ").lowercased()
        #expect(agentText.contains("modem") && agentText.contains("patience"), "agent said: \(agentText)")
        let finalAnalysis = try #require(entities.last)
        #expect(finalAnalysis["type"]?.stringValue == "analysis" && finalAnalysis["data"]?["final"]?.boolValue == true)

        let journal = try #require(await harness.endedSessions(1).first)
        let csv = Self.csvURL(harness, journal: journal, id: "\(outcome.sessionId)")
        let row = try Self.csvRow(csv)
        #expect(row["dialect"] == "audiohook")
        let lines = row["transcript"]?.split(separator: "\n").map(String.init) ?? []
        #expect(lines.first?.hasPrefix("customer: ") == true && lines.contains { $0.hasPrefix("agent: ") })
        #expect(Int(row["agent_score"] ?? "") != nil)
        try await Self.auditAndRegenerate(journal, liveCSV: csv, environment: environment)
    }

    @Test func turkishSeedCallIsTranscribedAsTurkish() async throws {
        let (harness, environment) = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.pace = .realtime(4)
        options.language = "tr"
        options.sessionId = "seed-call-tr"
        let call = try Self.record(Self.turkishCall, customer: "tr", agent: "tr+f3")
        let outcome = try await StreamClient(options: options).run(audio: WAVAudio(sampleRate: 16000, channels: [call.mono]))
        let events = Self.messages(outcome.received).filter { $0["type"]?.stringValue == "event" }
        #expect(!events.isEmpty)
        #expect(events.allSatisfy { $0["parameters"]?["entity"]?["language"]?.stringValue == "tr" })
        let journal = try #require(await harness.endedSessions(1).first)
        let csv = Self.csvURL(harness, journal: journal, id: "seed-call-tr")
        let row = try Self.csvRow(csv)
        #expect(row["language"] == "tr")
        #expect(row["transcript"]?.isEmpty == false)
        try await Self.auditAndRegenerate(journal, liveCSV: csv, environment: environment)
    }

    @Test func aServerShutdownMidCallStillTranscribesWhatItHeardAndWritesTheCSV() async throws {
        let (harness, environment) = try await Self.start()
        let key = try await harness.store.create(organization: "acme")
        var options = StreamClient.Options(url: harness.url, apiKey: key.apiKey)
        options.pace = .realtime(1)
        options.sessionId = "seed-shutdown"
        let call = try Self.record(Self.englishCall)
        let client = Task { try? await StreamClient(options: options).run(audio: WAVAudio(sampleRate: 16000, channels: [call.mono])) }
        // The first utterance has been spoken (and maybe not yet transcribed) when the server stops.
        try await Task.sleep(nanoseconds: 6_000_000_000)
        await harness.stopKeepingFiles()
        _ = await client.value
        defer { try? FileManager.default.removeItem(at: harness.root) }

        let journal = try #require(JournalLayout.journals(under: harness.configuration.journalDirectory).first)
        let (scan, records) = try JournalReader.readAll(journal)
        #expect(scan.isSealedAndIntact, "the journal was sealed on shutdown")
        #expect(records.last?.type == .transportClosed)
        let row = try Self.csvRow(Self.csvURL(harness, journal: journal, id: "seed-shutdown"))
        #expect(row["transcript"]?.lowercased().contains("internet") == true, "transcript: \(row["transcript"] ?? "")")
        // What live wrote is what the journal implies.
        let report = try await Replay.run(journal, environment: environment) { try Self.recognizer.transcribe($0.samples, language: $0.language) }
        #expect(report.identical, "\(String(describing: report.firstDifference))")
    }

    static var tapedeck: URL { builtExecutable(named: "tapedeck") }

    @Test func aServerKilledMidCallLosesNothingFlushedAndRegenerateWritesTheCSV() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data"), journals = root.appendingPathComponent("journal")
        let results = root.appendingPathComponent("results")
        let key = try await KeyStore.open(dataDirectory: data).create(organization: "acme")
        let port = try Loopback.freePort()
        let server = Process()
        server.executableURL = Self.tapedeck
        server.arguments = ["serve", "--port", "\(port)", "--data", data.path, "--journal", journals.path, "--results", results.path,
                            "--journal-sync", "always", "--model", "base", "--workers", "1", "--threads", "1", "--log-level", "warning"]
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        for _ in 0..<300 where !Loopback.accepts(port: port) { try await Task.sleep(nanoseconds: 100_000_000) }
        #expect(Loopback.accepts(port: port), "tapedeck serve did not start listening")

        var options = StreamClient.Options(url: "ws://127.0.0.1:\(port)/v1/stream", apiKey: key.apiKey)
        options.pace = .realtime(1)
        options.sessionId = "seed-killed"
        let call = try Self.record(Self.englishCall)
        let client = Task { try? await StreamClient(options: options).run(audio: WAVAudio(sampleRate: 16000, channels: [call.mono])) }
        // Two utterances in (about 9 s of the call), then the server dies without any chance to clean up.
        try await Task.sleep(nanoseconds: 9_000_000_000)
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        _ = await client.value

        let journal = try #require(JournalLayout.journals(under: journals).first)
        let (scan, records) = try JournalReader.readAll(journal)
        #expect(scan.footer == nil, "the killed server never sealed the journal")
        let audioBytes = records.filter { $0.type == .inboundBinary }.reduce(0) { $0 + $1.payload.count }
        #expect(audioBytes >= 7 * 32000, "every frame the server acknowledged by journaling before the kill is there (\(audioBytes) bytes)")
        #expect(!FileManager.default.fileExists(atPath: results.appendingPathComponent("acme").path), "no CSV was written live")

        let environment = SessionEnvironment(engine: Self.recognizer.identity)
        let outcome = try await Regenerator(environment: environment, recognizer: Self.recognizer, projector: Projector(root: results), cache: nil)
            .regenerate(journal)
        let csv = try #require(outcome.written)
        let row = try Self.csvRow(csv)
        #expect(row["session_id"] == "seed-killed")
        #expect(row["transcript"]?.lowercased().contains("internet") == true, "the first utterance survived: \(row["transcript"] ?? "")")
    }
}
