import Foundation
import Journal

/// Re-derives a journaled session with the same reducer the live server ran, and compares what
/// it would have sent with what the journal says was sent.
public enum Replay {
    public struct Report: Sendable {
        public var header: SessionHeader
        public var inbound: Int
        public var journaledReplies: [String]
        public var derivedReplies: [String]
        /// Index and both versions of the first reply that differs, if any.
        public var firstDifference: (index: Int, journaled: String?, derived: String?)?
        public var journalDamage: JournalDamage?

        public var identical: Bool { firstDifference == nil && journalDamage == nil }
    }

    public enum ReplayError: Error, CustomStringConvertible {
        case noHeader(String)
        public var description: String {
            switch self {
            case .noHeader(let path): return "\(path) does not start with a session header record; it was not written by `tapedeck serve`"
            }
        }
    }

    public static func run<Core: SessionCore>(_ url: URL, core: Core.Type, key: JournalKey? = nil,
                                              onRecord: (JournalRecord) -> Void = { _ in }) throws -> Report {
        var header: SessionHeader?
        var reducer: Core?
        var journaled: [String] = []
        var derived: [String] = []
        var inbound = 0
        let scan = try JournalReader.scan(url, key: key) { record in
            onRecord(record)
            switch record.type {
            case .sessionHeader:
                let decoded = try SessionHeader.decode(record.payload)
                header = decoded
                reducer = Core(facts: decoded.facts)
            case .inboundText, .inboundBinary, .transportClosed:
                if record.type != .transportClosed { inbound += 1 }
                guard reducer != nil else { return }
                for effect in reducer!.handle(record) {
                    if case .send(let text) = effect { derived.append(text) }
                }
            case .outbound:
                journaled.append(record.text ?? "")
            default:
                break
            }
        }
        guard let header else { throw ReplayError.noHeader(url.path) }
        var report = Report(header: header, inbound: inbound, journaledReplies: journaled, derivedReplies: derived,
                            firstDifference: nil, journalDamage: scan.damage)
        for i in 0..<max(journaled.count, derived.count) {
            let a = i < journaled.count ? journaled[i] : nil
            let b = i < derived.count ? derived[i] : nil
            if a != b {
                report.firstDifference = (i, a, b)
                break
            }
        }
        return report
    }
}
