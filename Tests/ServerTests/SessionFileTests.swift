import Audio
import Foundation
import Testing
@testable import Journal
import Pipeline
import Recognition
@testable import Server
import StreamProtocol
import TapedeckTesting

/// Answers every utterance at once with the same words: enough for a session to get events and
/// CSV files, without a speech model.
final class FixedRecognizer: SpeechRecognizer, Sendable {
    let identity = EngineIdentity(engine: "fixed", model: "none", modelDigest: "-")
    func transcribe(_ samples: [Float], language: String?) throws -> Transcription {
        Transcription(text: "my bill is wrong again", language: "en", languageProbability: 1, noSpeechProbability: 0,
                      averageLogProbability: -0.1, words: [])
    }
}

/// Where a live session's CSV files go: always beside its journal's name, never where a client
/// string points.
@Suite(.serialized) struct SessionFileTests {
    static func tone(seconds: Int) -> WAVAudio {
        WAVAudio(sampleRate: 16000, channels: [(0..<(16000 * seconds)).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }])
    }

    static func start() async throws -> ServerHarness {
        let harness = try await ServerHarness()
        let recognizer = FixedRecognizer()
        try await harness.start(environment: SessionEnvironment(engine: recognizer.identity),
                                pool: RecognitionWorkerPool(recognizer: recognizer, workers: 1))
        return harness
    }

    static func call(_ harness: ServerHarness, key: String, id: String, seconds: Int = 1) async throws {
        var options = StreamClient.Options(url: harness.url, apiKey: key)
        options.pace = .max
        options.sessionId = id
        _ = try await StreamClient(options: options).run(audio: tone(seconds: seconds))
    }

    /// Every file under `root`, relative to it.
    static func files(under root: URL) -> [String] {
        let walker = FileManager.default.enumerator(atPath: root.path)
        var found: [String] = []
        while let path = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(path)
            }
        }
        return found.sorted()
    }

    @Test func hostileSessionIdsNeverBecomePaths() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let acme = try await harness.store.create(organization: "acme")
        let globex = try await harness.store.create(organization: "globex")
        try await Self.call(harness, key: globex.apiKey, id: "victim")
        let theirs = try #require(await harness.endedSessions(1).first)
        let day = theirs.deletingLastPathComponent().lastPathComponent
        let results = harness.configuration.resultsDirectory
        let victimCSV = results.appendingPathComponent("globex/\(day)/victim.csv")
        let before = try Data(contentsOf: victimCSV)

        let marker = "PWNED-\(UUID().uuidString)"
        let hostile = ["../../../../../../../../tmp/\(marker)", "../../globex/\(day)/victim", "a/b/c", String(repeating: "é", count: 128)]
        for id in hostile { try await Self.call(harness, key: acme.apiKey, id: id) }
        let journals = await harness.endedSessions(1 + hostile.count)
        #expect(journals.count == 1 + hostile.count)

        #expect(!FileManager.default.fileExists(atPath: "/tmp/\(marker).csv"), "a session id climbed out of the results folder")
        #expect(try Data(contentsOf: victimCSV) == before, "another organization's CSV was overwritten")
        let written = Self.files(under: results)
        #expect(written.filter { $0.hasPrefix("globex/") } == ["globex/\(day)/victim.csv", "globex/\(day)/victim.utterances.csv"])
        // Each acme session's CSVs sit directly in its day folder, named exactly as its journal.
        let acmeJournals = journals.filter { $0.path.contains("/journal/acme/") }
        #expect(acmeJournals.count == hostile.count)
        var expected: [String] = []
        for journal in acmeJournals {
            let name = journal.deletingPathExtension().lastPathComponent
            #expect(name.hasPrefix("sid-"), "unsafe ids are journaled under a digest: \(name)")
            expected += ["acme/\(day)/\(name).csv", "acme/\(day)/\(name).utterances.csv"]
        }
        #expect(written.filter { $0.hasPrefix("acme/") } == expected.sorted())
        #expect(written.allSatisfy { $0.hasPrefix("acme/") || $0.hasPrefix("globex/") })
        // The CSV still says which session id the client used.
        for journal in acmeJournals {
            let name = journal.deletingPathExtension().lastPathComponent
            let rows = try CSV.parse(String(contentsOf: results.appendingPathComponent("acme/\(day)/\(name).csv"), encoding: .utf8))
            #expect(hostile.contains(rows[1][0]))
        }
    }

    @Test func twoSessionsWithTheSameIdKeepTheirOwnCSVs() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        async let first: Void = Self.call(harness, key: key.apiKey, id: "dup", seconds: 1)
        async let second: Void = Self.call(harness, key: key.apiKey, id: "dup", seconds: 2)
        _ = try await (first, second)
        let journals = await harness.endedSessions(2)
        #expect(Set(journals.map(\.lastPathComponent)) == ["dup.tdj", "dup-2.tdj"])
        let day = try #require(journals.first).deletingLastPathComponent().lastPathComponent
        let folder = harness.configuration.resultsDirectory.appendingPathComponent("acme/\(day)")
        var durations: Set<String> = []
        for name in ["dup", "dup-2"] {
            let rows = try CSV.parse(String(contentsOf: folder.appendingPathComponent("\(name).csv"), encoding: .utf8))
            #expect(rows[1][0] == "dup")
            durations.insert(rows[1][SessionRow.columns.firstIndex(of: "duration_s")!])
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(name).utterances.csv").path))
        }
        #expect(durations == ["1.000", "2.000"], "each session kept its own CSV")
    }

    /// `--no-transcription` answers the protocol only, as documented: journals, no CSV files.
    @Test func aProtocolOnlyServerWritesNoCSV() async throws {
        let harness = try await ServerHarness()
        try await harness.start(environment: .protocolOnly, pool: nil)
        defer { Task { await harness.stop() } }
        let key = try await harness.store.create(organization: "acme")
        try await Self.call(harness, key: key.apiKey, id: "plain")
        let journal = try #require(await harness.endedSessions(1).first)
        #expect(journal.lastPathComponent == "plain.tdj")
        #expect(Self.files(under: harness.configuration.resultsDirectory).isEmpty)
    }
}
