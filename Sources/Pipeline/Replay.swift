import Foundation
import Journal
import Recognition
import StreamProtocol

/// The auditor's check: re-derives a journaled session with this build's reducer and compares
/// both derived streams — protocol replies and derived events — with what the journal says was
/// sent. `seq`/`clientseq` of server messages record how the two streams interleaved on the
/// wire, which depends on delivery timing; they are compared with those members left out.
public enum Replay {
    public struct Difference: Sendable {
        /// "reply" or "event".
        public var stream: String
        public var index: Int
        public var journaled: String?
        public var derived: String?
    }

    public struct Report: Sendable {
        public var run: SessionRunner.Run
        /// Header components that differ from this build (engine, analyzer…), human-readable.
        public var componentDifferences: [String]
        public var firstDifference: Difference?
        /// Derived messages at the end of a stream that the live server could not deliver
        /// because the connection had ended first.
        public var undelivered: Int

        public var header: SessionHeader { run.header }
        public var journalDamage: JournalDamage? { run.journalDamage }
        public var identical: Bool { firstDifference == nil && run.journalDamage == nil }
    }

    public static func run(_ url: URL, environment: SessionEnvironment, key: JournalKey? = nil,
                           transcriber: any Transcriber) async throws -> Report {
        let run = try await SessionRunner.run(url, environment: environment, key: key, transcriber: transcriber)
        var report = Report(run: run, componentDifferences: environment.differences(from: run.header.components),
                            firstDifference: nil, undelivered: 0)
        for (stream, journaled, derived, dropClientSeq) in [("reply", run.journaledReplies, run.derivedReplies, false),
                                                            ("event", run.journaledEvents, run.derivedEvents, true)] {
            let (difference, undelivered) = compare(journaled, derived, dropClientSeq: dropClientSeq, transportEnded: run.transportEnded)
            report.undelivered += undelivered
            if report.firstDifference == nil, let difference {
                report.firstDifference = Difference(stream: stream, index: difference.index, journaled: difference.journaled, derived: difference.derived)
            }
        }
        return report
    }

    public static func run(_ url: URL, environment: SessionEnvironment, key: JournalKey? = nil,
                           transcribe: @escaping @Sendable (TranscriptionRequest) throws -> Transcription) async throws -> Report {
        try await run(url, environment: environment, key: key, transcriber: ClosureTranscriber(transcribe))
    }

    /// Protocol-only replay (no speech engine): what the endpoint tests check.
    public static func run(_ url: URL, key: JournalKey? = nil) async throws -> Report {
        try await run(url, environment: .protocolOnly, key: key, transcribe: { _ in throw ReplayError.noEngine })
    }

    public enum ReplayError: Error, CustomStringConvertible {
        case noEngine
        public var description: String { "this replay has no speech engine, but the session asked for a transcription" }
    }

    static func compare(_ journaled: [String], _ derived: [String], dropClientSeq: Bool, transportEnded: Bool)
        -> (difference: (index: Int, journaled: String?, derived: String?)?, undelivered: Int) {
        for i in 0..<max(journaled.count, derived.count) {
            let a = i < journaled.count ? journaled[i] : nil
            let b = i < derived.count ? derived[i] : nil
            if let a, let b, normalized(a, dropClientSeq: dropClientSeq) == normalized(b, dropClientSeq: dropClientSeq) { continue }
            // The live side stops at the connection's end; what it could not send is no difference.
            if a == nil, transportEnded { return (nil, derived.count - i) }
            return ((i, a, b), 0)
        }
        return (nil, 0)
    }

    static func normalized(_ message: String, dropClientSeq: Bool) -> String {
        guard let value = try? JSONValue.parse(message), case .object(let members) = value else { return message }
        return JSONValue.object(members.filter { $0.0 != "seq" && !(dropClientSeq && $0.0 == "clientseq") }).serialized
    }
}
