import Audio
import Foundation
import Journal
import Recognition
import StreamProtocol
import Testing
@testable import Pipeline

/// The reducer on its own: records in, effects out, no socket and no model.
@Suite struct SessionReducerTests {
    static let facts = ConnectionFacts(organization: "acme", keyId: "k1", dialect: "seed", headers: [:], query: [:], path: "/v1/stream")
    static let engine = EngineIdentity(engine: "canned", model: "none", modelDigest: "-")

    static func record(_ type: RecordType, _ payload: [UInt8], at t: Int64) -> JournalRecord {
        JournalRecord(type: type, sequence: 0, receivedAt: t, payload: payload)
    }

    /// One seed call: open, two bursts of tone with silence between, close.
    static func transcriptionRequests(_ reducer: inout SessionReducer) -> [TranscriptionRequest] {
        var effects = reducer.reduce(.record(record(.inboundText, Array(#"{"type":"open","id":"r-1","parameters":{"language":"en"}}"#.utf8), at: 0)))
        let tone = (0..<16000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        let silence = [Float](repeating: 0, count: 16000)
        var t: Int64 = 0
        for chunk in [tone, silence, tone, silence] {
            t += 1_000_000
            effects += reducer.reduce(.record(record(.inboundBinary, PCM.bytesLE(chunk), at: t)))
        }
        effects += reducer.reduce(.record(record(.inboundText, Array(#"{"type":"close","id":"r-1","parameters":{}}"#.utf8), at: t)))
        return effects.compactMap { if case .transcribe(let request) = $0 { return request } else { return nil } }
    }

    static func words(_ text: String) -> Transcription {
        Transcription(text: text, language: "en", languageProbability: 1, noSpeechProbability: 0, averageLogProbability: -0.1, words: [])
    }

    @Test func aResultAppliedOutOfOrderIsDroppedNotATrap() {
        var reducer = SessionReducer(facts: Self.facts, environment: SessionEnvironment(engine: Self.engine))
        let requests = Self.transcriptionRequests(&reducer)
        let due = try! #require(requests.first).id
        #expect(reducer.reduce(.transcribed(id: due + 7, Self.words("stray"))).isEmpty, "request \(due) is due first")
        #expect(reducer.misappliedResults == 1)
        #expect(reducer.pendingTranscriptions == requests.count, "the stray result consumed nothing")
        var effects: [SessionEffect] = []
        for request in requests { effects += reducer.reduce(.transcribed(id: request.id, Self.words("my bill is wrong again"))) }
        #expect(effects.contains { if case .event = $0 { return true } else { return false } })
        let replies = effects.compactMap { effect -> String? in if case .send(let text) = effect { return text } else { return nil } }
        #expect(replies.contains { $0.contains(#""type":"closed""#) }, "closed once the last result is in")
        #expect(reducer.utterances.count == requests.count)
        #expect(!reducer.utterances.contains { $0.text == "stray" })
    }
}

/// Replies and derived events are journaled as distinct record kinds (format 2); format 1
/// journals, where both are `outbound`, are still split by their JSON.
@Suite struct JournaledStreamsTests {
    static func journal(version: UInt16, eventType: RecordType) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-streams-\(UUID().uuidString)/acme/2026-11-28/s.tdj")
        let facts = ConnectionFacts(organization: "acme", keyId: "k1", dialect: "seed", headers: [:], query: [:], path: "/v1/stream")
        let header = SessionHeader(server: "test", facts: facts, sessionId: "s", negotiated: "{}", components: [:])
        let writer = try JournalWriter(url: url, sessionId: "s", formatVersion: version)
        try writer.append(.sessionHeader, receivedAt: 1, payload: header.encoded())
        try writer.append(.inboundText, receivedAt: 2, payload: Array(#"{"type":"open","id":"s","parameters":{}}"#.utf8))
        try writer.append(.outbound, receivedAt: 3, payload: Array(#"{"version":"2","type":"opened","id":"s","parameters":{}}"#.utf8))
        try writer.append(eventType, receivedAt: 4, payload: Array(#"{"version":"2","type":"event","id":"s","parameters":{}}"#.utf8))
        try writer.append(.transportClosed, receivedAt: 5, payload: Array(#"{"reason":"client closed"}"#.utf8))
        try writer.close(receivedAt: 5)
        return url
    }

    @Test func eventsAreTheirOwnRecordKindAndOldJournalsAreStillSplit() async throws {
        for (version, eventType) in [(UInt16(2), RecordType.outboundEvent), (1, .outbound)] {
            let url = try Self.journal(version: version, eventType: eventType)
            defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()) }
            let run = try await SessionRunner.run(url, environment: .protocolOnly) { _ in throw Replay.ReplayError.noEngine }
            #expect(run.journaledReplies.count == 1 && run.journaledReplies[0].contains(#""type":"opened""#), "format \(version)")
            #expect(run.journaledEvents.count == 1 && run.journaledEvents[0].contains(#""type":"event""#), "format \(version)")
        }
    }
}
