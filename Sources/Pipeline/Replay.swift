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

        /// When the two messages have the same shape and differ only in numbers (what other
        /// kernels do to confidences): the largest change, else nil (text or structure differs).
        public var largestNumericChange: NumericChange? {
            let dropClientSeq = stream == "event"
            guard let journaled, let derived, let a = try? JSONValue.parse(Replay.normalized(journaled, dropClientSeq: dropClientSeq)),
                  let b = try? JSONValue.parse(Replay.normalized(derived, dropClientSeq: dropClientSeq)) else { return nil }
            return Replay.numericChange(a, b, path: "")
        }
    }

    /// The largest absolute difference between two numbers at the same place in two messages.
    public struct NumericChange: Sendable, Equatable {
        /// Where, as member names and array indices ("parameters.entity.words[3].confidence").
        public var path: String
        public var journaled: Double
        public var derived: Double
        /// How many numbers differ in the message.
        public var count: Int
        public var magnitude: Double { abs(derived - journaled) }
    }

    public struct Report: Sendable {
        public var run: SessionRunner.Run
        /// Header components that differ from this build (engine, analyzer…), human-readable.
        public var componentDifferences: [String]
        public var firstDifference: Difference? { differences.first }
        /// Every message that differs, replies then events, in stream order.
        public var differences: [Difference]
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
                            differences: [], undelivered: 0)
        for (stream, journaled, derived, dropClientSeq) in [("reply", run.journaledReplies, run.derivedReplies, false),
                                                            ("event", run.journaledEvents, run.derivedEvents, true)] {
            let (differences, undelivered) = compare(journaled, derived, dropClientSeq: dropClientSeq, transportEnded: run.transportEnded)
            report.undelivered += undelivered
            report.differences += differences.map {
                Difference(stream: stream, index: $0.index, journaled: $0.journaled, derived: $0.derived)
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

    /// Every index where the streams differ, and how many derived messages at the end were
    /// never sent because the connection had ended.
    static func compare(_ journaled: [String], _ derived: [String], dropClientSeq: Bool, transportEnded: Bool)
        -> (differences: [(index: Int, journaled: String?, derived: String?)], undelivered: Int) {
        var differences: [(index: Int, journaled: String?, derived: String?)] = []
        for i in 0..<max(journaled.count, derived.count) {
            let a = i < journaled.count ? journaled[i] : nil
            let b = i < derived.count ? derived[i] : nil
            if let a, let b, normalized(a, dropClientSeq: dropClientSeq) == normalized(b, dropClientSeq: dropClientSeq) { continue }
            // The live side stops at the connection's end; what it could not send is no difference.
            if a == nil, transportEnded { return (differences, derived.count - i) }
            differences.append((i, a, b))
        }
        return (differences, 0)
    }

    /// The largest numeric change between two values of the same shape; nil when anything but
    /// numbers differs, or nothing does.
    static func numericChange(_ a: JSONValue, _ b: JSONValue, path: String) -> NumericChange? {
        var largest: NumericChange?
        var count = 0
        func walk(_ a: JSONValue, _ b: JSONValue, _ path: String) -> Bool {
            switch (a, b) {
            case let (.object(x), .object(y)):
                guard x.map(\.0) == y.map(\.0) else { return false }
                for ((name, u), (_, v)) in zip(x, y) where !walk(u, v, path.isEmpty ? name : "\(path).\(name)") { return false }
                return true
            case let (.array(x), .array(y)):
                guard x.count == y.count else { return false }
                for (i, (u, v)) in zip(x, y).enumerated() where !walk(u, v, "\(path)[\(i)]") { return false }
                return true
            default:
                if let u = a.numberValue, let v = b.numberValue {
                    if u != v {
                        count += 1
                        if largest == nil || abs(v - u) > largest!.magnitude { largest = NumericChange(path: path, journaled: u, derived: v, count: 0) }
                    }
                    return true
                }
                return a == b
            }
        }
        guard walk(a, b, path), var change = largest else { return nil }
        change.count = count
        return change
    }

    static func normalized(_ message: String, dropClientSeq: Bool) -> String {
        guard let value = try? JSONValue.parse(message), case .object(let members) = value else { return message }
        return JSONValue.object(members.filter { $0.0 != "seq" && !(dropClientSeq && $0.0 == "clientseq") }).serialized
    }
}
