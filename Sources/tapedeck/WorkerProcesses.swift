import Foundation
import Synchronization

/// Runs work in child processes of this executable. A Swift runtime trap (an overflow, a failed
/// precondition) cannot be caught inside a process; running each batch job in a child means a
/// journal that trips one is reported as that session's failure while the others go on.
///
/// Wire protocol with a child started as `tapedeck <workerArguments>`: the parent writes one
/// item per line on the child's standard input; the child answers each with one line on its
/// standard output, `ok\t<json>` or `failed\t<message>`, and exits at end of input. Anything the
/// child logs goes to the shared standard error.
final class WorkerProcesses: Sendable {
    enum Outcome {
        case succeeded(String)
        case failed(String)
    }

    private let executable: URL
    private let workerArguments: [String]
    private let environment: [String: String]
    private struct State {
        var queue: [(Int, String)] = []
        /// Set when a worker exits before answering anything (it could not even start: a missing
        /// model, a bad option): every other worker would fail the same way, so none is started.
        var startupFailure: String?
    }
    private let state = Mutex(State())

    init(workerArguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        executable = Self.currentExecutable()
        self.workerArguments = workerArguments
        self.environment = environment
    }

    /// This executable, resolved the way the kernel started it (argv[0] may be relative or a link).
    static func currentExecutable() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    }

    /// Runs every item on at most `jobs` children; `onOutcome` is called once per item, from
    /// the supervising threads (serialized by the caller if it needs to be).
    func run(_ items: [String], jobs: Int, onOutcome: @escaping @Sendable (Int, String, Outcome) -> Void) {
        signal(SIGPIPE, SIG_IGN)
        state.withLock { $0.queue = Array(items.enumerated()) }
        let group = DispatchGroup()
        // One supervising thread per child: each blocks on its child's output, nothing else.
        for _ in 0..<max(1, min(jobs, items.count)) {
            group.enter()
            Thread { [self] in
                superviseUntilDone(onOutcome: onOutcome)
                group.leave()
            }.start()
        }
        group.wait()
    }

    private func next() -> (Int, String)? {
        state.withLock { $0.queue.isEmpty ? nil : $0.queue.removeFirst() }
    }

    private var failedToStart: String? { state.withLock { $0.startupFailure } }

    private func recordStartupFailure(_ reason: String) {
        state.withLock { if $0.startupFailure == nil { $0.startupFailure = reason } }
    }

    /// Keeps one child busy until the queue is empty, starting a fresh child after a crash.
    private func superviseUntilDone(onOutcome: @Sendable (Int, String, Outcome) -> Void) {
        while var item = next() {
            if let reason = failedToStart {
                onOutcome(item.0, item.1, .failed(reason))
                continue
            }
            let child = Process()
            child.executableURL = executable
            child.arguments = workerArguments
            child.environment = environment
            let input = Pipe(), output = Pipe()
            child.standardInput = input
            child.standardOutput = output
            do {
                try child.run()
            } catch {
                onOutcome(item.0, item.1, .failed("could not start a worker process: \(error)"))
                continue
            }
            var lines = LineReader(output.fileHandleForReading)
            var alive = true
            var answered = false
            while alive {
                // A child that died while idle closed its end: the write fails (SIGPIPE is ignored)
                // and the read below sees the end of its output.
                try? input.fileHandleForWriting.write(contentsOf: Data((item.1 + "\n").utf8))
                guard let line = lines.next() else { alive = false; break }
                let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
                let detail = parts.count > 1 ? parts[1] : ""
                answered = true
                onOutcome(item.0, item.1, parts.first == "ok" ? .succeeded(detail) : .failed(detail))
                guard let following = next() else { break }
                item = following
            }
            try? input.fileHandleForWriting.close()
            child.waitUntilExit()
            if !alive {
                let death = Self.describeDeath(child)
                if !answered, child.terminationReason == .exit {
                    recordStartupFailure("the worker could not start (exit status \(child.terminationStatus); its error is above)")
                }
                onOutcome(item.0, item.1, .failed(death))
            }
        }
    }

    static func describeDeath(_ child: Process) -> String {
        switch child.terminationReason {
        case .uncaughtSignal:
            let name = child.terminationStatus == SIGTRAP || child.terminationStatus == SIGILL ? " (a Swift runtime trap)" : ""
            return "the derivation crashed with signal \(child.terminationStatus)\(name); this is a Tapedeck bug: please report it with the journal"
        case .exit:
            return "the worker process exited with status \(child.terminationStatus) before answering"
        @unknown default:
            return "the worker process ended unexpectedly"
        }
    }
}

/// Reads `\n`-terminated lines from a pipe, blocking.
struct LineReader {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    mutating func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }
}

/// The child's side of `WorkerProcesses`: reads items from standard input, answers each.
enum WorkerLoop {
    /// Blocking reads of standard input are fine here: a worker process does nothing else.
    static func serve(_ handle: (String) async throws -> String) async {
        var lines = LineReader(FileHandle.standardInput)
        while let item = lines.next() {
            let answer: String
            do {
                answer = "ok\t" + (try await handle(item))
            } catch {
                answer = "failed\t" + "\(error)".replacingOccurrences(of: "\n", with: " ")
            }
            try? FileHandle.standardOutput.write(contentsOf: Data((answer + "\n").utf8))
        }
    }
}

/// Test-only fault injection: `TAPEDECK_FAULT_TRAP_SESSION=<session id>` makes a batch worker
/// trap on that session, so tests can prove one crashing derivation does not stop the rest.
enum FaultInjection {
    static func trapIfRequested(sessionId: String) {
        if let target = ProcessInfo.processInfo.environment["TAPEDECK_FAULT_TRAP_SESSION"], target == sessionId {
            fatalError("fault injection: trapping on session \(sessionId)")
        }
    }
}
