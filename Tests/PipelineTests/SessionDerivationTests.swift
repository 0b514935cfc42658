import Analysis
import Audio
import Foundation
import Journal
import Testing
@testable import Pipeline
import Recognition

/// Journals written as the live server writes them, derived offline into transcripts, analysis
/// and CSV rows with the real engine (tiny.en) and analyzer.
@Suite(.serialized) struct SessionDerivationTests {
    static func speak(_ text: String) throws -> [Float] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-derive-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: url) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["espeak-ng", "-v", "en-us", "-w", url.path, text]
        try process.run()
        process.waitUntilExit()
        let audio = try WAVFile.read(url)
        return Resampler.convert(audio.mono, from: audio.sampleRate, to: 16000)
    }

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

    @Test func aJournaledCallBecomesTranscriptAnalysisAndCSV() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-derive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try Self.speak("My internet has been down since Monday.")
        let second = try Self.speak("I already told you my account number twice.")
        let journal = dir.appendingPathComponent("call-1.tdj")
        try Self.writeSeedJournal(journal, samples: first + [Float](repeating: 0, count: 24000) + second)

        let recognizer = try WhisperRecognizer(model: "tiny.en", threads: 2)
        let analyzer = CallAnalyzer(configuration: .default)
        let derived = try SessionDerivation.derive(journal, recognizer: recognizer, analyzer: analyzer)
        #expect(derived.utterances.count == 2)
        let text = derived.utterances.map(\.text).joined(separator: " ").lowercased()
        for word in ["internet", "monday", "already", "twice"] { #expect(text.contains(word), "\(word) missing from \(text)") }
        #expect(derived.utterances[0].end < derived.utterances[1].start, "utterances are in call order")
        let analysis = try #require(derived.analysis)
        #expect(analysis.processIssues.contains("customer_repeats_information"))
        #expect(analysis.sentiment == "negative")

        let (row, rows) = derived.rows()
        #expect(row.sessionId == "call-1" && row.organization == "acme" && row.dialect == "seed")
        #expect(row.start == "2026-11-28T00:00:00.000000Z")
        #expect(rows.count == 2)
        let projector = Projector(root: dir.appendingPathComponent("results"))
        let url = try projector.write(session: row, utterances: rows, day: "2026-11-28")
        let parsed = try CSV.parse(String(contentsOf: url, encoding: .utf8))
        #expect(parsed.count == 2 && parsed[1][SessionRow.columns.firstIndex(of: "transcript")!].contains("unknown: "))

        // Regenerating gives the same bytes.
        let again = try SessionDerivation.derive(journal, recognizer: recognizer, analyzer: analyzer).rows()
        #expect(Projector.render(session: again.session, utterances: again.utterances) == Projector.render(session: row, utterances: rows))
    }
}
