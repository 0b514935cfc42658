import Analysis
import ArgumentParser
import Foundation
import Journal
import Pipeline
import Recognition

struct RegenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regenerate",
        abstract: "Re-derive every session's CSV files from the journals with this build's engine and analyzer.",
        discussion: """
            Shard the work across machines with --shard i/n (sessions are assigned by path, stably). Each session is \
            derived in one of --jobs worker processes, so a journal that cannot be derived — even one that crashes the \
            derivation — is reported with its reason while the rest go on; the exit status is 1 when any failed.
            """)

    @Option(help: "Journal directory.") var journal = "journal"
    @Option(help: "Results directory.") var results = "results"
    @OptionGroup var engine: EngineArguments
    @Option(help: "Concurrent sessions (default: one per CPU core).") var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Matrix threads per transcription; must match the live server's --threads (default 1) for identical output.") var threads = 1
    @Option(help: "This machine's share, i/n (1-based).") var shard = "1/1"
    @Option(help: "Only sessions from this day on (yyyy-mm-dd).") var since: String?
    @Option(help: "Transcript cache directory (default: <results>/.cache/transcripts).") var cache: String?
    @Flag(help: "Run speech recognition for every utterance, ignoring and not writing the cache.") var noCache = false
    @OptionGroup var key: JournalKeyOptions
    @Flag(help: .hidden) var worker = false

    func parsedShard() throws -> (Int, Int) {
        let parts = shard.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else { throw ValidationError("--shard takes i/n with 1 ≤ i ≤ n") }
        return (parts[0], parts[1])
    }

    func validate() throws {
        _ = try parsedShard()
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1-64") }
        if let since, since.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil { throw ValidationError("--since takes yyyy-mm-dd") }
    }

    /// The supervisor: picks this shard's journals and hands them to worker processes (see
    /// `WorkerProcesses`), so a journal whose derivation crashes fails alone.
    func run() async throws {
        if worker { return try await serveAsWorker() }
        let (index, count) = try parsedShard()
        var files = JournalLayout.journals(under: URL(fileURLWithPath: journal))
        if let since { files = files.filter { $0.deletingLastPathComponent().lastPathComponent >= since } }
        files = files.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
        let progress = Progress(total: files.count)
        let failures = Failures()
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
        FileHandle.standardError.write(Data("\(files.count - failures.all.count) sessions regenerated; utterances: \(recognized) recognized, \(hits) from the transcript cache\n".utf8))
        let failed = failures.all.sorted()
        for failure in failed { FileHandle.standardError.write(Data("failed: \(failure)\n".utf8)) }
        if !failed.isEmpty {
            FileHandle.standardError.write(Data("\(failed.count) of \(files.count) sessions could not be regenerated (listed above); the others were written\n".utf8))
            throw ExitCode(1)
        }
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
final class Progress: @unchecked Sendable {  // mutable state is guarded by `lock`
    private let lock = NSLock()
    private let total: Int
    private var done = 0
    private var audio = 0.0
    private let start = Date()
    private let startCPU = Progress.cpuSeconds()

    init(total: Int) { self.total = total; draw() }

    func advance(audioSeconds: Double) {
        lock.lock(); done += 1; audio += audioSeconds; lock.unlock()
        draw()
    }

    func finish() {
        draw()
        lock.lock(); defer { lock.unlock() }
        let cpu = max(Self.cpuSeconds() - startCPU, 0.001)
        FileHandle.standardError.write(Data(String(format: " %.1f audio-h per CPU-h\n", audio / cpu).utf8))
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

    private func draw() {
        lock.lock(); defer { lock.unlock() }
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

final class Failures: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}

final class Tally: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var hits = 0, recognized = 0
    func add(hits: Int, recognized: Int) { lock.lock(); self.hits += hits; self.recognized += recognized; lock.unlock() }
    var totals: (Int, Int) { lock.lock(); defer { lock.unlock() }; return (hits, recognized) }
}
