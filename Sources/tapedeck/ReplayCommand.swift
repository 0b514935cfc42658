import ArgumentParser
import Foundation
import Journal
import Pipeline

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Show a journaled session as a timeline, and with --verify prove the replies follow from the journal.",
        discussion: "--verify re-derives every reply with this build's reducer and compares it with what was journaled as sent: exit 0 \"identical\", 1 with the first difference.")

    @Argument(help: "Journal file.") var file: String
    @Flag(help: "Re-derive the replies and compare them with the journal.") var verify = false
    @Flag(help: "Print the timeline as JSON lines.") var json = false
    @Flag(help: "Only the verdict, no timeline.") var quiet = false
    @OptionGroup var key: JournalKeyOptions

    func run() throws {
        var first: Int64?
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let report = try Replay.run(URL(fileURLWithPath: file), core: SessionReducer.self, key: try key.load()) { record in
            guard !quiet else { return }
            let start = first ?? record.receivedAt
            first = start
            let offset = Double(record.receivedAt - start) / 1e6
            let text = record.text
            if json {
                struct Line: Encodable { var t: Double; var seq: UInt64; var type: String; var text: String?; var bytes: Int }
                let line = Line(t: (offset * 1000).rounded() / 1000, seq: record.sequence, type: record.type.description, text: text, bytes: record.payload.count)
                if let data = try? encoder.encode(line) { print(String(decoding: data, as: UTF8.self)) }
            } else {
                let arrow: String
                switch record.type {
                case .inboundText, .inboundBinary: arrow = "→"
                case .outbound: arrow = "←"
                default: arrow = "·"
                }
                let body = text.map { $0.count > 160 ? String($0.prefix(157)) + "..." : $0 } ?? "\(record.payload.count) bytes of audio"
                print(String(format: "%9.3f s  %@ %@ %@", offset, arrow, record.type.description, body))
            }
        }
        if let damage = report.journalDamage {
            FileHandle.standardError.write(Data("journal damaged: \(damage)\n".utf8))
        }
        guard verify else { return }
        if report.identical {
            print("identical: \(report.derivedReplies.count) replies re-derived from \(report.inbound) inbound records match the journal")
        } else if let (index, journaled, derived) = report.firstDifference {
            print("DIFFERENT at reply \(index + 1):\n  journaled: \(journaled ?? "(none)")\n  derived:   \(derived ?? "(none)")")
            throw ExitCode(1)
        } else {
            throw ExitCode(1)
        }
    }
}
