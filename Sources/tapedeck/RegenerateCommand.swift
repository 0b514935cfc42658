import Analysis
import ArgumentParser
import Foundation
import Journal
import Pipeline
import Recognition

struct RegenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regenerate",
        abstract: "Re-derive every session's CSV files from the journals with this build's engine and analyzer.",
        discussion: "Shard the work across machines with --shard i/n (sessions are assigned by path, stably).")

    @Option(help: "Journal directory.") var journal = "journal"
    @Option(help: "Results directory.") var results = "results"
    @OptionGroup var engine: EngineOptions
    @Option(help: "Concurrent sessions (default: one per CPU core).") var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Matrix threads per transcription; must match the live server's --threads (default 1) for identical output.") var threads = 1
    @Option(help: "This machine's share, i/n (1-based).") var shard = "1/1"
    @Option(help: "Only sessions from this day on (yyyy-mm-dd).") var since: String?
    @Option(help: "Transcript cache directory (default: <results>/.cache/transcripts).") var cache: String?
    @Flag(help: "Run speech recognition for every utterance, ignoring and not writing the cache.") var noCache = false
    @OptionGroup var key: JournalKeyOptions

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

    func run() throws {
        let (index, count) = try parsedShard()
        var files = JournalLayout.journals(under: URL(fileURLWithPath: journal))
        if let since { files = files.filter { $0.deletingLastPathComponent().lastPathComponent >= since } }
        files = files.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
        // Results depend on the thread count: use the live server's default (1) unless told otherwise,
        // and spread work over sessions with --jobs instead.
        let recognizer = try EngineOptions.recognizer(model: engine.model ?? "base", threads: threads)
        let environment = SessionEnvironment(engine: recognizer.identity, analyzer: try engine.analyzer())
        let cacheRoot = URL(fileURLWithPath: cache ?? URL(fileURLWithPath: results).appendingPathComponent(".cache/transcripts").path)
        let journalKey = try key.load()
        let projector = Projector(root: URL(fileURLWithPath: results))
        let progress = Progress(total: files.count)
        let failures = Failures()
        let counts = Tally()
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            for (i, file) in files.enumerated() where i % jobs == worker {
                do {
                    // One cache folder per organization, as for journals and results.
                    let organization = file.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
                    let regenerator = Regenerator(environment: environment, recognizer: recognizer, projector: projector,
                                                  cache: noCache ? nil : TranscriptCache(directory: cacheRoot.appendingPathComponent(organization)),
                                                  key: journalKey)
                    let outcome = try regenerator.regenerate(file)
                    counts.add(hits: outcome.cacheHits, recognized: outcome.recognized)
                    progress.advance(audioSeconds: outcome.session.duration)
                } catch {
                    failures.add("\(file.path): \(error)")
                    progress.advance(audioSeconds: 0)
                }
            }
        }
        progress.finish()
        let (hits, recognized) = counts.totals
        FileHandle.standardError.write(Data("\(files.count - failures.all.count) sessions regenerated; utterances: \(recognized) recognized, \(hits) from the transcript cache\n".utf8))
        for failure in failures.all { FileHandle.standardError.write(Data("failed: \(failure)\n".utf8)) }
        if !failures.all.isEmpty { throw ExitCode(1) }
    }
}

/// A one-line progress bar on standard error: done/total, sessions/s, audio hours per CPU hour, ETA.
final class Progress: @unchecked Sendable {
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

    func finish() { FileHandle.standardError.write(Data("\n".utf8)) }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    private func draw() {
        lock.lock(); defer { lock.unlock() }
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let cpu = max(Self.cpuSeconds() - startCPU, 0.001)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r[%@] %d/%d sessions  %.2f sessions/s  %.1f audio-h per CPU-h  ETA %.0f s ",
                          bar, done, total, rate, audio / cpu, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}

final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var hits = 0, recognized = 0
    func add(hits: Int, recognized: Int) { lock.lock(); self.hits += hits; self.recognized += recognized; lock.unlock() }
    var totals: (Int, Int) { lock.lock(); defer { lock.unlock() }; return (hits, recognized) }
}
