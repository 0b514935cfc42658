import Analysis
import Audio
import Foundation
import Journal
import Testing
@testable import Pipeline
import Recognition
import StreamProtocol
import TapedeckTesting

/// Journals written as the live server writes them, derived offline into transcripts, analysis
/// and CSV rows with the real engine (tiny.en) and analyzer.
@Suite(.serialized) struct SessionDerivationTests {
    /// A seed-dialect session: header, open, 500 ms PCM16 frames, close.
    static func writeSeedJournal(_ url: URL, samples: [Float]) throws {
        let facts = ConnectionFacts(organization: "acme", keyId: "k1", dialect: "seed", headers: [:], query: [:], path: "/v1/stream")
        let header = SessionHeader(server: "test", facts: facts, sessionId: "call-1", negotiated: "{}", components: [:])
        let writer = try JournalWriter(url: url, sessionId: "call-1")
        var t: Int64 = 1_795_824_000_000_000
        try writer.append(.sessionHeader, receivedAt: t, payload: header.encoded())
        try writer.append(.inboundText, receivedAt: t, payload: Array(#"{"type":"open","id":"call-1","parameters":{"media":[{"type":"audio","codec":"audio/pcm"}],"language":"en"}}"#.utf8))
        let bytes = PCM.bytesLE(samples)
        for offset in stride(from: 0, to: bytes.count, by: 16000) {
            t += 500_000
            try writer.append(.inboundBinary, receivedAt: t, payload: Array(bytes[offset..<min(offset + 16000, bytes.count)]))
        }
        try writer.append(.inboundText, receivedAt: t, payload: Array(#"{"type":"close","id":"call-1","parameters":{"reason":"end"}}"#.utf8))
        try writer.close(receivedAt: t)
    }

    @Test func aJournaledCallBecomesTranscriptAnalysisEventsAndCSV() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-derive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try speak("My internet has been down since Monday.")
        let second = try speak("I already told you my account number twice.")
        let journal = dir.appendingPathComponent("journal/acme/2026-11-28/call-1.tdj")
        try Self.writeSeedJournal(journal, samples: first + [Float](repeating: 0, count: 24000) + second)

        let recognizer = try WhisperRecognizer(model: "tiny.en", threads: 2)
        let environment = SessionEnvironment(engine: recognizer.identity)
        let run = try await SessionRunner.run(journal, environment: environment) { try recognizer.transcribe($0.samples, language: $0.language) }
        let derived = run.session
        #expect(derived.utterances.count == 2)
        let text = derived.utterances.map(\.text).joined(separator: " ").lowercased()
        for word in ["internet", "monday", "already", "twice"] { #expect(text.contains(word), "\(word) missing from \(text)") }
        #expect(derived.utterances[0].end < derived.utterances[1].start, "utterances are in call order")
        let analysis = try #require(derived.analysis)
        #expect(analysis.processIssues.contains("customer_repeats_information"))
        #expect(analysis.sentiment == "negative")

        // The seed client would have received one event per utterance, then `closed`.
        #expect(run.derivedEvents.count == 2)
        let event = try JSONValue.parse(run.derivedEvents[1])
        #expect(event["parameters"]?["entity"]?["type"]?.stringValue == "transcript")
        #expect(event["parameters"]?["entity"]?["value"]?.stringValue == derived.utterances[1].text)
        #expect(event["parameters"]?["analysis"]?["sentiment"] != nil, "analysis once five words were spoken")
        #expect(run.derivedReplies.map { try? JSONValue.parse($0)["type"]?.stringValue } == ["opened", "closed"])

        let (row, rows) = derived.rows()
        #expect(row.sessionId == "call-1" && row.organization == "acme" && row.dialect == "seed")
        #expect(row.start == "2026-11-28T00:00:00.000000Z")
        #expect(rows.count == 2)
        let projector = Projector(root: dir.appendingPathComponent("results"))
        let url = try projector.write(derived, journal: journal)
        #expect(url.path.hasSuffix("results/acme/2026-11-28/call-1.csv"))
        let parsed = try CSV.parse(String(contentsOf: url, encoding: .utf8))
        #expect(parsed.count == 2 && parsed[1][SessionRow.columns.firstIndex(of: "transcript")!].contains("unknown: "))
        let live = try Data(contentsOf: url)

        // Regenerate: the first run fills the transcript cache, the second reads it; same bytes.
        let cache = TranscriptCache(directory: dir.appendingPathComponent("cache"))
        let regenerator = Regenerator(environment: environment, recognizer: recognizer, projector: projector, cache: cache)
        let once = try await regenerator.regenerate(journal)
        #expect(once.recognized == 2 && once.cacheHits == 0)
        #expect(try Data(contentsOf: url) == live)
        let twice = try await regenerator.regenerate(journal)
        #expect(twice.recognized == 0 && twice.cacheHits == 2, "nothing changed: no speech recognition")
        #expect(try Data(contentsOf: url) == live)

        // An analyzer change: only analysis columns change, and speech recognition does not run.
        var settings = AnalysisConfiguration.default
        settings.marketing.append(MarketingEntry(id: "isp", type: "product", canonical: "internet", aliases: [], fuzzy: false))
        var changed = environment
        changed.analyzer = CallAnalyzer(configuration: settings)
        let third = try await Regenerator(environment: changed, recognizer: recognizer, projector: projector, cache: cache).regenerate(journal)
        #expect(third.recognized == 0 && third.cacheHits == 2)
        let before = try CSV.parse(String(decoding: live, as: UTF8.self))[1]
        let after = try CSV.parse(String(contentsOf: url, encoding: .utf8))[1]
        let analysisColumns: Set = ["summary", "sentiment", "emotion", "agent_score", "process_issues", "repeated_problems",
                                    "marketing_mentions", "analysis_json", "analyzer"]
        for (index, column) in SessionRow.columns.enumerated() where !analysisColumns.contains(column) {
            #expect(before[index] == after[index], "\(column) changed")
        }
        #expect(before[SessionRow.columns.firstIndex(of: "marketing_mentions")!] != after[SessionRow.columns.firstIndex(of: "marketing_mentions")!])
        #expect(before[SessionRow.columns.firstIndex(of: "analyzer")!] != after[SessionRow.columns.firstIndex(of: "analyzer")!])
    }
}
