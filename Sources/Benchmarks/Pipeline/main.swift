// bench-pipeline: live sessions through a real `tapedeck serve` process, then regenerate.
//
//   bench-pipeline CALL.wav [--sessions 1,2,4] [--model base] [--tapedeck PATH]
//
// For each level N it streams N concurrent seed sessions of CALL.wav at real-time pace and
// measures, per transcript event, the latency from the end of the utterance (its `end` on the
// call timeline, sent at wall time opened + end) to the event's arrival; the server's CPU time
// and peak memory. Then it regenerates every journal with `tapedeck regenerate` without the
// transcript cache, filling it, and reading it. The anchor: the live server's CPU seconds per
// audio second against regenerate's (the same reducer and engine, offline) in the same run.
import Audio
import Foundation
import Pipeline
import Server
import StreamClient
import StreamProtocol
import Synchronization

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bench-pipeline: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    defer { arguments.removeSubrange(i...(i + 1)) }
    return arguments[i + 1]
}
let levels = (option("--sessions") ?? "1,2,4").split(separator: ",").compactMap { Int($0) }
let model = option("--model") ?? "base"
// Extra `serve` options, space-separated (e.g. "--encoder-window fit+1000ms-min6s"), to measure a lever.
let serveExtras = option("--serve-args")?.split(separator: " ").map(String.init) ?? []
let binary = option("--tapedeck") ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tapedeck").path
guard let callPath = arguments.first else { fail("usage: bench-pipeline CALL.wav [--sessions 1,2,4] [--model base] [--serve-args \"OPTIONS\"]") }
let call = try WAVFile.read(URL(fileURLWithPath: callPath))
let callSeconds = Double(call.mono.count) / Double(call.sampleRate)

let work = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-bench-pipeline-\(getpid())")
defer { try? FileManager.default.removeItem(at: work) }
let data = work.appendingPathComponent("data"), journals = work.appendingPathComponent("journal")
let results = work.appendingPathComponent("results")
let apiKey = try await KeyStore.open(dataDirectory: data).create(organization: "bench").apiKey

/// Resident set now (VmRSS), MiB.
func residentMiB(_ pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
    return 0
}

/// utime + stime of a process, seconds; and its peak resident set (VmHWM), MiB.
func usage(_ pid: Int32) -> (cpu: Double, peakMiB: Double) {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    var cpu = 0.0, peak = 0.0
    if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        if fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]) { cpu = (u + s) / ticks }
    }
    if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            peak = (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
    }
    return (cpu, peak)
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

final class Latencies: Sendable {
    private let values = Mutex<[Double]>([])
    func add(_ v: Double) { values.withLock { $0.append(v) } }
    var all: [Double] { values.withLock { $0 } }
}

// The server under test.
let port = 18_000 + Int(getpid() % 1000)
let server = Process()
server.executableURL = URL(fileURLWithPath: binary)
server.arguments = ["serve", "--port", "\(port)", "--data", data.path, "--journal", journals.path, "--results", results.path,
                    "--model", model, "--log-level", "warning", "--max-sessions", "64",
                    // It measures latency beyond capacity too: no session refused, every event sent.
                    "--capacity-cores", "64", "--close-waits-for-results"] + serveExtras
try server.run()
defer { if server.isRunning { server.terminate() } }
var up = false
for _ in 0..<600 where !up {
    usleep(100_000)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    up = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 } }
    close(fd)
}
guard up else { fail("tapedeck serve did not start (\(binary))") }
let idle = usage(server.processIdentifier)
print("pipeline benchmark: \(String(format: "%.1f", callSeconds)) s call, model \(model), \(ProcessInfo.processInfo.activeProcessorCount) cores; server idle RSS \(String(format: "%.0f", idle.peakMiB)) MiB (model loaded)")
let idleRSS = residentMiB(server.processIdentifier)
print("(latency: end of an utterance on the call timeline → its transcript event; real-time = p95 ≤ 3 s; RSS: peak during the level, per session: above idle)")
print("sessions  events  latency p50   p95    max   real-time  server CPU s/session  CPU per audio-s  RSS MiB  per session")

var liveCPU = 0.0, liveAudio = 0.0
for level in levels {
    let before = usage(server.processIdentifier)
    let latencies = Latencies()
    let sampler = Task {
        var peak = 0.0
        while !Task.isCancelled {
            peak = max(peak, residentMiB(server.processIdentifier))
            try? await Task.sleep(nanoseconds: 200_000_000)
        }
        return peak
    }
    await withTaskGroup(of: Void.self) { group in
        for index in 0..<level {
            group.addTask {
                var options = StreamClient.Options(url: "ws://127.0.0.1:\(port)/v1/stream", apiKey: apiKey)
                options.pace = .realtime(1)
                options.sessionId = "bench-\(level)-\(index)"
                options.closeTimeoutSeconds = 600
                let opened = FirstDate()
                _ = try? await StreamClient(options: options).run(audio: WAVAudio(sampleRate: call.sampleRate, channels: [call.mono])) { text in
                    let now = Date()
                    guard let message = try? JSONValue.parse(text) else { return }
                    if message["type"]?.stringValue == "opened" { opened.set(now); return }
                    guard message["type"]?.stringValue == "event", let end = message["parameters"]?["entity"]?["end"]?.numberValue,
                          let start = opened.get() else { return }
                    latencies.add(now.timeIntervalSince(start) - end)
                }
            }
        }
    }
    let after = usage(server.processIdentifier)
    sampler.cancel()
    let busyRSS = await sampler.value
    let values = latencies.all
    let cpu = after.cpu - before.cpu
    liveCPU += cpu
    liveAudio += callSeconds * Double(level)
    let realtime = percentile(values, 0.95) <= 3.0
    print(String(format: "%8d  %6d  %10.2f s %5.2f s %5.2f s  %-9@  %20.2f  %15.3f  %7.0f  %+9.1f",
                 level, values.count, percentile(values, 0.5), percentile(values, 0.95), values.max() ?? .nan,
                 realtime ? "yes" : "NO", cpu / Double(level), cpu / (callSeconds * Double(level)), busyRSS,
                 (busyRSS - idleRSS) / Double(level)))
}
server.terminate()
server.waitUntilExit()

// Regenerate: without cache, filling the cache, from the cache.
func regenerate(_ extra: [String]) throws -> (wall: Double, cpu: Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["regenerate", "--journal", journals.path, "--results", work.appendingPathComponent("regenerated").path,
                         "--model", model] + extra
    process.standardError = FileHandle.nullDevice
    var before = rusage(), after = rusage()
    getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &before)
    let started = Date()
    try process.run()
    process.waitUntilExit()
    getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &after)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    let cpu = seconds(after.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_utime) - seconds(before.ru_stime)
    guard process.terminationStatus == 0 else { fail("tapedeck regenerate failed (\(process.terminationStatus))") }
    return (Date().timeIntervalSince(started), cpu)
}
let sessions = Double(levels.reduce(0, +))
let audioHours = liveAudio / 3600
print("")
print("regenerate (\(Int(sessions)) sessions, \(String(format: "%.1f", liveAudio)) s audio)   wall s  sessions/s  audio-h per CPU-h")
for (label, extra) in [("no cache", ["--no-cache"]), ("filling cache", []), ("from cache", [])] {
    let (wall, cpu) = try regenerate(extra)
    print(String(format: "  %-16@                    %7.2f  %10.2f  %17.1f", label, wall, sessions / wall, audioHours / max(cpu / 3600, 1e-9)))
    if label == "no cache" {
        print(String(format: "  anchor: live CPU per audio second %.3f vs regenerate %.3f → live/offline ratio %.2f",
                     liveCPU / liveAudio, cpu / liveAudio, liveCPU / max(cpu, 1e-9)))
    }
}

/// The first date set wins.
final class FirstDate: Sendable {
    private let value = Mutex<Date?>(nil)
    func set(_ d: Date) { value.withLock { $0 = $0 ?? d } }
    func get() -> Date? { value.withLock { $0 } }
}
