import ArgumentParser
import Foundation
import Journal
import Pipeline
import Recognition

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Show a journaled session as a timeline, and with --verify prove what was sent follows from the journal.",
        discussion: """
            --verify re-derives both streams with this build — the protocol replies, and the transcript and analysis \
            events (running speech recognition again with the model the session header names) — and compares them \
            with what was journaled as sent: exit 0 "identical", 1 with the first difference. seq/clientseq of \
            server messages depend on delivery timing and are left out of the comparison.

            Exit status: 0 identical (or, without --verify, the timeline was printed), 1 different, 2 the journal \
            could not be replayed at all (unreadable, not a session journal, or the derivation crashed — the \
            derivation runs in a child process, so even a crash is reported rather than taking the replay down).
            """)

    @Argument(help: "Journal file.") var file: String
    @Flag(help: "Re-derive replies and events and compare them with the journal.") var verify = false
    @Flag(help: "Print the timeline as JSON lines.") var json = false
    @Flag(help: "Only the verdict, no timeline.") var quiet = false
    @OptionGroup var key: JournalKeyOptions
    @OptionGroup var engine: EngineArguments
    @Option(help: "Matrix threads for speech recognition (default: as the session header says, since results depend on it).") var threads: Int?
    @Flag(help: .hidden) var inProcess = false

    /// Exit status for a journal that could not be replayed (distinct from 1, "different").
    static let cannotReplay: Int32 = 2

    func run() async throws {
        guard inProcess else { return try superviseChild() }
        do {
            try await replay()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("cannot replay \(file): \(error)\n".utf8))
            throw ExitCode(Self.cannotReplay)
        }
    }

    /// Runs the replay in a child process with the same arguments and passes its verdict on; a
    /// child killed by a signal (a runtime trap on a poison journal) becomes a clear message.
    private func superviseChild() throws {
        let child = Process()
        child.executableURL = WorkerProcesses.currentExecutable()
        child.arguments = Array(CommandLine.arguments.dropFirst()) + ["--in-process"]
        try child.run()
        child.waitUntilExit()
        switch child.terminationReason {
        case .exit:
            if child.terminationStatus != 0 { throw ExitCode(child.terminationStatus) }
        default:
            FileHandle.standardError.write(Data("cannot replay \(file): \(WorkerProcesses.describeDeath(child))\n".utf8))
            throw ExitCode(Self.cannotReplay)
        }
    }

    private func replay() async throws {
        let url = URL(fileURLWithPath: file)
        let journalKey = try key.load()
        let header = try SessionHeader.read(from: url, key: journalKey)
        FaultInjection.trapIfRequested(sessionId: header.sessionId)
        var environment = SessionEnvironment.protocolOnly
        var recognizer: WhisperRecognizer?
        if let model = engine.model ?? header.components["engine.model"] {
            let loaded = try engine.recognizer(model: model, threads: threads ?? header.components["engine.threads"].flatMap { Int($0) } ?? 1,
                                               recorded: header.components)
            recognizer = loaded
            environment = SessionEnvironment(engine: loaded.identity, analyzer: try engine.analyzer())
        }
        let differences = environment.differences(from: header.components)
        if !differences.isEmpty {
            print("note: this replay differs from the recorded session in:")
            for difference in differences { print("  \(difference)") }
        }
        if !quiet { try printTimeline(url, key: journalKey) }
        let report = try await Replay.run(url, environment: environment, key: journalKey, transcribe: { [recognizer] request in
            guard let recognizer else { throw Replay.ReplayError.noEngine }
            return try recognizer.transcribe(request.samples, language: request.language)
        })
        if let damage = report.journalDamage {
            FileHandle.standardError.write(Data("journal damaged: \(damage)\n".utf8))
        }
        guard verify else { return }
        let run = report.run
        if report.identical {
            func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
            var line = "identical: \(count(run.derivedReplies.count, "reply").replacingOccurrences(of: "replys", with: "replies")) and "
            line += "\(count(run.derivedEvents.count, "event")) re-derived from \(count(run.inbound, "inbound record"))"
            line += " (\(count(run.transcriptions, "utterance")) transcribed) match the journal"
            if report.undelivered > 0 {
                line += "; the last \(report.undelivered) were never sent live (the connection had ended, or `closed` was answered before them because transcription was behind)"
            }
            print(line)
        } else if let difference = report.firstDifference {
            print("DIFFERENT at \(difference.stream) \(difference.index + 1):\n  journaled: \(difference.journaled ?? "(none)")\n  derived:   \(difference.derived ?? "(none)")")
            throw ExitCode(1)
        } else {
            throw ExitCode(1)
        }
    }

    /// Every record with its offset from the first, as text or JSON lines.
    private func printTimeline(_ url: URL, key: JournalKey?) throws {
        var first: Int64?
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try JournalReader.scan(url, key: key) { record in
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
                case .outbound, .outboundEvent: arrow = "←"
                default: arrow = "·"
                }
                let body = text.map { $0.count > 160 ? String($0.prefix(157)) + "..." : $0 } ?? "\(record.payload.count) bytes of audio"
                print(String(format: "%9.3f s  %@ %@ %@", offset, arrow, record.type.description, body))
            }
        }
    }
}
