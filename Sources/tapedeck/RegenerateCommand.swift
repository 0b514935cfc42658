import Analysis
import ArgumentParser
import ControlPlane
import Foundation
import Journal
import Pipeline
import Recognition
import Synchronization

struct RegenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regenerate",
        abstract: "Re-derive every session's CSV files from the journals with this build's engine and analyzer.",
        discussion: """
            Shard the work across machines or array tasks with --shard i/n: a session's share is a hash of its \
            organization and session id, so the split never shifts. Freeze the set first with --write-manifest FILE and \
            give every task --manifest FILE, so journals that live nodes add meanwhile are not split differently by \
            tasks that list the folder at different moments (deploy/slurm/regenerate.sbatch). Each session is derived in \
            one of --jobs worker processes, so a journal that cannot be derived — even one that crashes the derivation — \
            is reported with its reason while the rest go on; the exit status is 1 when any failed.

            With --from-control-plane the sessions are the finished ones the session index lists (every node's, \
            a lost node's included; --org for one organization's), and --journal is a local mirror: each journal \
            missing there is fetched from the control plane and written there once its SHA-256 is the index's; a \
            file already there with another SHA-256 is never replaced (that session fails, with the reason). \
            --write-manifest then freezes the index's list, and --manifest reads such a list.
            """)

    @Option(help: "Journal directory.") var journal = "journal"
    @Option(help: "Results directory.") var results = "results"
    @OptionGroup var engine: EngineArguments
    @Option(help: "Concurrent sessions (default: one per CPU core).") var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Matrix threads per transcription; must match the live server's --threads (default 1) for identical output.") var threads = 1
    @Option(help: "This task's share, i/n (1-based; by a stable hash of org and session id).") var shard = "1/1"
    @Option(help: "Regenerate the journals this manifest lists (paths relative to --journal), not the folder's current contents.") var manifest: String?
    @Option(help: "Write the manifest of the journals under --journal (after --since) to this file, and regenerate nothing.") var writeManifest: String?
    @Option(help: "Only sessions from this day on (yyyy-mm-dd).") var since: String?
    @Option(help: "Transcript cache directory (default: <results>/.cache/transcripts).") var cache: String?
    @Flag(help: "Run speech recognition for every utterance, ignoring and not writing the cache.") var noCache = false
    @OptionGroup var key: JournalKeyOptions
    @Flag(help: "Take the sessions from the control plane's session index and their journals from its copies (--journal is then a local mirror).")
    var fromControlPlane = false
    @Option(help: "With --from-control-plane: only this organization's sessions.") var org: String?
    @Option(help: "Data directory (its SQLite control plane unless --control-plane names another), for --from-control-plane.") var data = "data"
    @OptionGroup var controlPlane: ControlPlaneOptions
    @Flag(help: .hidden) var worker = false

    func validate() throws {
        do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") }
        if manifest != nil, writeManifest != nil {
            throw ValidationError("--manifest and --write-manifest do not go together: write the manifest first, then give it to every task")
        }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1-64") }
        if let since, since.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil { throw ValidationError("--since takes yyyy-mm-dd") }
        if org != nil, !fromControlPlane { throw ValidationError("--org chooses among the control plane's sessions: give --from-control-plane too") }
    }

    /// The supervisor: picks this shard's journals and hands them to worker processes (see
    /// `WorkerProcesses`), so a journal whose derivation crashes fails alone.
    func run() async throws {
        if worker { return try await serveAsWorker() }
        let root = URL(fileURLWithPath: journal)
        let shard = try Shard(parsing: shard)
        let failures = Failures()
        let entries: [BatchManifest.Entry]
        var files: [URL] = []
        if fromControlPlane {
            guard let mirrored = try await mirrorFromControlPlane(root: root, shard: shard, failures: failures) else { return }
            (entries, files) = mirrored
        } else {
            if let writeManifest { return try Self.write(BatchManifest.freeze(root: root, since: since), to: writeManifest) }
            entries = try Self.selected(manifest.map(Self.readManifest)?.entries ?? BatchManifest.freeze(root: root).entries, since: since, shard: shard)
            // A journal that is not as frozen fails alone, with the reason; the others are derived.
            for entry in entries {
                let file = root.appendingPathComponent(entry.path)
                if let problem = BatchManifest.problem(with: entry, under: root) { failures.add("\(file.path): \(problem)") } else { files.append(file) }
            }
        }
        let progress = Progress(total: files.count)
        let counts = Tally()
        // Each journal is derived on the kernels it recorded: one set of workers per set of kernels.
        for (environment, group) in kernelGroups(files) {
            let workers = WorkerProcesses(workerArguments: Array(CommandLine.arguments.dropFirst()) + ["--worker"], environment: environment)
            workers.run(group.map(\.path), jobs: jobs) { _, path, outcome in
                switch outcome {
                case .succeeded(let json):
                    let done = (try? JSONDecoder().decode(WorkerAnswer.self, from: Data(json.utf8))) ?? WorkerAnswer()
                    counts.add(hits: done.cacheHits, recognized: done.recognized)
                    progress.advance(audioSeconds: done.audioSeconds)
                case .failed(let reason):
                    failures.add("\(path): \(reason)")
                    progress.advance(audioSeconds: 0)
                }
            }
        }
        progress.finish()
        let (hits, recognized) = counts.totals
        FileHandle.standardError.write(Data("\(entries.count - failures.all.count) sessions regenerated; utterances: \(recognized) recognized, \(hits) from the transcript cache\n".utf8))
        let failed = failures.all.sorted()
        for failure in failed { FileHandle.standardError.write(Data("failed: \(failure)\n".utf8)) }
        if !failed.isEmpty {
            FileHandle.standardError.write(Data("\(failed.count) of \(entries.count) sessions could not be regenerated (listed above); the others were written\n".utf8))
            throw ExitCode(1)
        }
    }

    /// This task's share of `entries`, from day `since` on.
    static func selected(_ entries: [BatchManifest.Entry], since: String?, shard: Shard) -> [BatchManifest.Entry] {
        var entries = entries
        if let since { entries = entries.filter { ($0.path.split(separator: "/").dropFirst().first.map(String.init) ?? "") >= since } }
        return entries.filter(shard.contains)
    }

    /// This task's share of the finished sessions the control plane's index lists (or of those
    /// the manifest froze), each journal put into the mirror folder `root` unless it is there
    /// already: the entries taken and the files to derive; a session that cannot be mirrored
    /// is a failure with its reason. With --write-manifest, writes the index's list and returns nil.
    private func mirrorFromControlPlane(root: URL, shard: Shard, failures: Failures) async throws -> ([BatchManifest.Entry], [URL])? {
        let backends = try controlPlane.backends(data: data)
        do {
            let index = try await SessionIndex(backend: backends.main)
            let blocks = try await JournalBlocks(backend: backends.main)
            let rows = try await ControlPlaneJournals.finished(index: index, organization: org, since: since)
            if let writeManifest {
                try Self.write(try await ControlPlaneJournals.manifest(of: rows, blocks: blocks), to: writeManifest)
                await backends.close()
                return nil
            }
            let byPath = Dictionary(rows.map { ($0.journalPath, $0) }, uniquingKeysWith: { first, _ in first })
            let frozen = try manifest.map(Self.readManifest)
            var entries = frozen?.entries ?? rows.map { BatchManifest.Entry(path: $0.journalPath, bytes: 0) }
            if let org { entries = entries.filter { $0.organization == org } }
            entries = Self.selected(entries, since: since, shard: shard)
            var files: [URL] = []
            var (fetched, fetchedBytes, present) = (0, 0, 0)
            for (number, entry) in entries.enumerated() {
                FileHandle.standardError.write(Data("\rjournals from the control plane: \(number + 1)/\(entries.count) ".utf8))
                let file = root.appendingPathComponent(entry.path)
                guard let row = byPath[entry.path] else {
                    failures.add("\(entry.path): not a finished session in the control plane's index (`tapedeck index list` shows its state)")
                    continue
                }
                do {
                    switch try await ControlPlaneJournals.mirror(row, blocks: blocks, into: root) {
                    case .alreadyThere: present += 1
                    case .fetched(let bytes): (fetched, fetchedBytes) = (fetched + 1, fetchedBytes + bytes)
                    }
                } catch {
                    failures.add("\(file.path): \(error)")
                    continue
                }
                if frozen != nil, let problem = BatchManifest.problem(with: entry, under: root) {
                    failures.add("\(file.path): \(problem)")
                    continue
                }
                files.append(file)
            }
            let megabytes = String(format: "%.1f", Double(fetchedBytes) / 1e6)
            FileHandle.standardError.write(Data(
                "\n\(fetched) journals fetched from \(backends.main.displayName) (\(megabytes) MB) into \(root.path), \(present) already there\n".utf8))
            await backends.close()
            return (entries, files)
        } catch {
            await backends.close()
            throw error
        }
    }

    static func readManifest(_ path: String) throws -> BatchManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the manifest \(path); write one with regenerate --write-manifest \(path)")
        }
        do { return try BatchManifest(parsing: String(decoding: data, as: UTF8.self)) } catch { throw ValidationError("\(path): \(error)") }
    }

    static func write(_ manifest: BatchManifest, to path: String) throws {
        try AtomicFile.write(Data(manifest.text.utf8), to: URL(fileURLWithPath: path))
        FileHandle.standardError.write(Data("manifest of \(manifest.entries.count) journals written to \(path)\n".utf8))
    }

    /// The journals by the numeric kernels they recorded, each group with the worker environment
    /// that pins them (see `ReplayCommand`); journals whose kernels this machine cannot run, or
    /// that record none, are derived on this machine's, and the count is said.
    private func kernelGroups(_ files: [URL]) -> [([String: String], [URL])] {
        let journalKey = (try? key.load()) ?? nil
        var here = ProcessInfo.processInfo.environment
        here["TAPEDECK_BLAS_REEXEC"] = nil
        var groups: [String: ([String: String], [URL])] = [:]
        var unpinned = 0
        for file in files {
            var environment = here
            if let header = try? SessionHeader.read(from: file, key: journalKey),
               let recorded = NumericEnvironment(recorded: header.components), recorded.obstacles().isEmpty {
                environment["OPENBLAS_CORETYPE"] = recorded.blasCore
                environment["TAPEDECK_KERNELS"] = recorded.kernels.rawValue
            } else {
                unpinned += 1
            }
            let name = "\(environment["OPENBLAS_CORETYPE"] ?? "") \(environment["TAPEDECK_KERNELS"] ?? "")"
            groups[name, default: (environment, [])].1.append(file)
        }
        if unpinned > 0 {
            FileHandle.standardError.write(Data("note: \(unpinned) of \(files.count) journals record no kernels this machine can run; they are derived on this machine's (tapedeck replay --verify says why for one)\n".utf8))
        }
        return groups.keys.sorted().map { groups[$0]! }
    }

    /// What a worker says about one regenerated session.
    struct WorkerAnswer: Codable {
        var audioSeconds = 0.0
        var cacheHits = 0
        var recognized = 0
        var written: String?
    }

    /// One worker process: loads the engine once, then regenerates each journal path it is given.
    private func serveAsWorker() async throws {
        // Results depend on the thread count: use the live server's default (1) unless told otherwise,
        // and spread work over sessions with --jobs instead.
        let recognizer = try engine.recognizer(model: engine.model ?? "base", threads: threads)
        let environment = SessionEnvironment(engine: recognizer.identity, analyzer: try engine.analyzer())
        let cacheRoot = URL(fileURLWithPath: cache ?? URL(fileURLWithPath: results).appendingPathComponent(".cache/transcripts").path)
        let journalKey = try key.load()
        let projector = Projector(root: URL(fileURLWithPath: results))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        await WorkerLoop.serve { path in
            let file = URL(fileURLWithPath: path)
            FaultInjection.trapIfRequested(sessionId: (try? SessionHeader.read(from: file, key: journalKey))?.sessionId ?? "")
            // One cache folder per organization, as for journals and results.
            let organization = file.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
            let regenerator = Regenerator(environment: environment, recognizer: recognizer, projector: projector,
                                          cache: noCache ? nil : TranscriptCache(directory: cacheRoot.appendingPathComponent(organization)),
                                          key: journalKey)
            let outcome = try await regenerator.regenerate(file)
            let answer = WorkerAnswer(audioSeconds: outcome.session.duration, cacheHits: outcome.cacheHits,
                                      recognized: outcome.recognized, written: outcome.written?.path)
            return String(decoding: try encoder.encode(answer), as: UTF8.self)
        }
    }
}

/// A one-line progress bar on standard error: done/total, sessions/s, audio hours per wall hour,
/// ETA; the last line adds audio hours per CPU hour, which is only known once the worker
/// processes have exited (the kernel reports a child's CPU time when it is reaped).
final class Progress: Sendable {
    private struct Count { var done = 0; var audio = 0.0 }
    // Held while drawing too, so that lines from two supervising threads never interleave.
    private let count = Mutex(Count())
    private let total: Int
    private let start = Date()
    private let startCPU = Progress.cpuSeconds()

    init(total: Int) { self.total = total; count.withLock { draw($0) } }

    func advance(audioSeconds: Double) {
        count.withLock { count in
            count.done += 1
            count.audio += audioSeconds
            draw(count)
        }
    }

    func finish() {
        count.withLock { count in
            draw(count)
            let cpu = max(Self.cpuSeconds() - startCPU, 0.001)
            FileHandle.standardError.write(Data(String(format: " %.1f audio-h per CPU-h\n", count.audio / cpu).utf8))
        }
    }

    /// This process and its reaped children (the workers).
    static func cpuSeconds() -> Double {
        func seconds(_ who: Int32) -> Double {
            var usage = rusage()
            getrusage(__rusage_who_t(who), &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        return seconds(RUSAGE_SELF.rawValue) + seconds(RUSAGE_CHILDREN.rawValue)
    }

    private func draw(_ count: Count) {
        let (done, audio) = (count.done, count.audio)
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r[%@] %d/%d sessions  %.2f sessions/s  %.1f audio-h per wall-h  ETA %.0f s ",
                          bar, done, total, rate, audio / elapsed, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }
}

final class Failures: Sendable {
    private let items = Mutex<[String]>([])
    func add(_ s: String) { items.withLock { $0.append(s) } }
    var all: [String] { items.withLock { $0 } }
}

final class Tally: Sendable {
    private let counts = Mutex((hits: 0, recognized: 0))
    func add(hits: Int, recognized: Int) { counts.withLock { $0.hits += hits; $0.recognized += recognized } }
    var totals: (Int, Int) { counts.withLock { ($0.hits, $0.recognized) } }
}
