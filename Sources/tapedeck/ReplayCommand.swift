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

            The derivation runs on the numeric kernels the header records (OpenBLAS version and core type, our \
            elementwise kernels, thread count, model digest): the recorded OpenBLAS core type is forced whatever \
            OPENBLAS_CORETYPE says. When this machine cannot run them, --verify says so, naming what was recorded \
            and what is here, and exits 3; --allow-kernel-change derives on this machine's kernels anyway and lists \
            every message that differs and by how much.

            Exit status: 0 identical (or, without --verify, the timeline was printed), 1 different, 2 the journal \
            could not be replayed at all (unreadable, not a session journal, or the derivation crashed — the \
            derivation runs in a child process, so even a crash is reported rather than taking the replay down), \
            3 cannot reproduce here (this machine cannot run the recorded kernels, or has another OpenBLAS \
            version or model).
            """)

    @Argument(help: "Journal file (or --org and --session, to read it from the control plane).") var file: String?
    @OptionGroup var source: ControlPlaneSession
    @Flag(help: "Re-derive replies and events and compare them with the journal.") var verify = false
    @Flag(help: "Print the timeline as JSON lines.") var json = false
    @Flag(help: "Only the verdict, no timeline.") var quiet = false
    @OptionGroup var key: JournalKeyOptions
    @OptionGroup var engine: EngineArguments
    @Option(help: "Matrix threads for speech recognition (default: as the session header says, since results depend on it).") var threads: Int?
    @Flag(help: "Derive even when this machine cannot run the recorded kernels, and list every message that differs, with its largest numeric change.")
    var allowKernelChange = false
    @Flag(help: .hidden) var inProcess = false
    /// The file the supervisor fetched from the control plane, for the child.
    @Option(help: .hidden) var fetched: String?

    func validate() throws {
        if inProcess, fetched != nil { return }
        try source.validate(file: file)
    }

    /// The journal replayed: the file given, or the one fetched from the control plane.
    private var path: String { fetched ?? file ?? "" }

    /// Exit status for a journal that could not be replayed (distinct from 1, "different").
    static let cannotReplay: Int32 = 2
    /// Exit status when this machine cannot run what the journal recorded (not tampering).
    static let cannotReproduce: Int32 = 3

    func run() async throws {
        guard inProcess else {
            guard source.isRequested else { return try superviseChild() }
            let (file, fetched) = try await source.fetch()
            defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
            FileHandle.standardError.write(Data(ControlPlaneSession.describe(fetched).utf8))
            var child = self
            child.fetched = file.path
            return try child.superviseChild()
        }
        do {
            try await replay()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("cannot replay \(path): \(error)\n".utf8))
            throw ExitCode(Self.cannotReplay)
        }
    }

    /// Runs the replay in a child process with the same arguments and passes its verdict on; a
    /// child killed by a signal (a runtime trap on a poison journal) becomes a clear message.
    private func superviseChild() throws {
        let child = Process()
        child.executableURL = WorkerProcesses.currentExecutable()
        child.arguments = Array(CommandLine.arguments.dropFirst()) + ["--in-process"] + (fetched.map { ["--fetched", $0] } ?? [])
        child.environment = try kernelEnvironment()
        try child.run()
        child.waitUntilExit()
        switch child.terminationReason {
        case .exit:
            if child.terminationStatus != 0 { throw ExitCode(child.terminationStatus) }
        default:
            FileHandle.standardError.write(Data("cannot replay \(path): \(WorkerProcesses.describeDeath(child))\n".utf8))
            throw ExitCode(Self.cannotReplay)
        }
    }

    /// The derivation's environment: the recorded kernels pinned (OpenBLAS reads
    /// `OPENBLAS_CORETYPE` when it loads, so only a new process can take them), or, when this
    /// machine cannot run them, a plain "cannot reproduce here" (exit 3) unless
    /// --allow-kernel-change. A header the parent cannot read is left to the child to report.
    private func kernelEnvironment() throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TAPEDECK_BLAS_REEXEC"] = nil
        // No key file is no key (nil), not a failure; a key that cannot be read is the child's to report.
        let journalKey = (try? key.load()) ?? nil
        guard let header = try? SessionHeader.read(from: URL(fileURLWithPath: path), key: journalKey),
              header.components["engine.model"] != nil || engine.model != nil else { return environment }
        guard let recorded = NumericEnvironment(recorded: header.components) else {
            FileHandle.standardError.write(Data("note: the journal does not record its numeric kernels (written before they were); deriving on this machine's\n".utf8))
            return environment
        }
        let obstacles = recorded.obstacles()
        if !obstacles.isEmpty {
            if verify && !allowKernelChange { throw cannotReproduceHere(obstacles) }
            FileHandle.standardError.write(Data((["note: deriving on this machine's kernels, not the recorded ones:"]
                + obstacles.map { "  \($0)" }).joined(separator: "\n").appending("\n").utf8))
            return environment
        }
        if let preset = environment["OPENBLAS_CORETYPE"], preset.lowercased() != recorded.blasCore.lowercased() {
            FileHandle.standardError.write(Data("note: OPENBLAS_CORETYPE=\(preset) is set here; the journal's \(recorded.blasCore) kernels are used instead\n".utf8))
        }
        environment["OPENBLAS_CORETYPE"] = recorded.blasCore
        environment["TAPEDECK_KERNELS"] = recorded.kernels.rawValue
        environment[BLASTuning.pinnedVariable] = "\(recorded.blasCore) \(recorded.kernels.rawValue)"
        return environment
    }

    private func cannotReproduceHere(_ obstacles: [String]) -> ExitCode {
        let lines = ["cannot reproduce here: \(path) was derived on numeric kernels this machine cannot run as recorded"]
            + obstacles.map { "  \($0)" }
            + ["  (this is not a difference in the journal; --allow-kernel-change derives anyway and lists what differs)"]
        // On stdout with the other verdicts: an auditor's script reads one place.
        print(lines.joined(separator: "\n"))
        return ExitCode(Self.cannotReproduce)
    }

    private func replay() async throws {
        let url = URL(fileURLWithPath: path)
        let journalKey = try key.load()
        let header = try SessionHeader.read(from: url, key: journalKey)
        FaultInjection.trapIfRequested(sessionId: header.sessionId)
        // OpenBLAS ignores a core type it does not know (and picks its own): check it took ours.
        if let pinned = ProcessInfo.processInfo.environment[BLASTuning.pinnedVariable],
           let recorded = NumericEnvironment(recorded: header.components) {
            let here = NumericEnvironment.here(threads: recorded.threads, modelDigest: recorded.modelDigest)
            if here.blasCore.lowercased() != recorded.blasCore.lowercased() || here.kernels != recorded.kernels, !allowKernelChange {
                throw cannotReproduceHere(["kernels: recorded \(pinned), this process runs \(here.blasCore) \(here.kernels.rawValue)"])
            }
        }
        var environment = SessionEnvironment.protocolOnly
        var recognizer: WhisperRecognizer?
        if let model = engine.model ?? header.components["engine.model"] {
            let loaded = try engine.recognizer(model: model, threads: threads ?? header.components["engine.threads"].flatMap { Int($0) } ?? 1,
                                               recorded: header.components)
            recognizer = loaded
            environment = SessionEnvironment(engine: loaded.identity, analyzer: try engine.analyzer())
            if let digest = header.components["engine.model-digest"], digest != loaded.identity.modelDigest, verify, !allowKernelChange {
                throw cannotReproduceHere(["model \(model): recorded digest \(digest), installed \(loaded.identity.modelDigest)"])
            }
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
        } else if allowKernelChange, !report.differences.isEmpty {
            print("DIFFERENT in \(report.differences.count) of \(run.derivedReplies.count + run.derivedEvents.count) messages (derived with --allow-kernel-change):")
            for difference in report.differences {
                let place = "  \(difference.stream) \(difference.index + 1): "
                if let change = difference.largestNumericChange {
                    print(place + "\(change.count == 1 ? "1 number differs" : "\(change.count) numbers differ"), at most \(String(format: "%.3g", change.magnitude)) (\(change.path): journaled \(change.journaled), derived \(change.derived))")
                } else {
                    print(place + "text or structure differs\n    journaled: \(difference.journaled ?? "(none)")\n    derived:   \(difference.derived ?? "(none)")")
                }
            }
            throw ExitCode(1)
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
