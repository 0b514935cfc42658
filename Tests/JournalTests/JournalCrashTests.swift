import Foundation
import TapedeckTesting
import Testing
@testable import Journal

@Suite struct JournalCrashTests {
    static var probe: URL { builtExecutable(named: "tapedeck-journal-probe") }

    @Test func aWriterKilledMidSessionRecoversToItsLastFlushedBlock() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("killed.tdj")
        let process = Process()
        process.executableURL = Self.probe
        process.arguments = [url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var durableRecords: UInt64 = 0
        var flushes = 0
        var buffered = Data()
        let handle = pipe.fileHandleForReading
        while flushes < 6 {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffered.append(chunk)
            while let newline = buffered.firstIndex(of: 0x0A) {
                let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
                buffered.removeSubrange(buffered.startIndex...newline)
                if line.hasPrefix("durable "), let n = UInt64(line.dropFirst(8)) {
                    durableRecords = n
                    flushes += 1
                }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(flushes >= 6, "the probe reported only \(flushes) flushes")

        let report = try JournalRecovery.recover(url, seal: true, recoveredAt: 0)
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        #expect(scan.footer?.recovered == true)
        // Everything reported durable before the kill survived (plus the closing record).
        #expect(UInt64(records.count) >= durableRecords + 1, "\(report)")
        #expect(records.dropLast().enumerated().allSatisfy { $0.element.sequence == UInt64($0.offset) })
    }

    /// Where a paced run is killed: this many seconds after the probe starts its n-th silence.
    struct KillPoint: Sendable, CustomTestStringConvertible {
        var silence: Int
        var delay: Double
        var testDescription: String { "\(delay) s into silence \(silence)" }
    }

    /// The documented crash guarantee: a writer killed at any moment has every record received
    /// more than 1 s before the kill on disk (docs/journal-format.md, "Blocks").
    @Test(arguments: [KillPoint(silence: 1, delay: 1.05), KillPoint(silence: 2, delay: 0.3),
                      KillPoint(silence: 3, delay: 1.05), KillPoint(silence: 4, delay: 1.5),
                      KillPoint(silence: 5, delay: 1.05), KillPoint(silence: 6, delay: 1.05)])
    func aKilledServerWriterLosesNothingOlderThanTheFlushInterval(_ point: KillPoint) throws {
        let bound: Int64 = 1_000_000
        let dir = try TemporaryDirectory()
        let url = dir.file("paced.tdj")
        let process = Process()
        process.executableURL = Self.probe
        process.arguments = ["--paced", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let lines = LineReader(pipe.fileHandleForReading)
        var appended: [UInt64: Int64] = [:]
        func note(_ line: String) -> Int64? {
            let fields = line.split(separator: " ")
            if fields.count == 3, fields[0] == "appended", let seq = UInt64(fields[1]), let at = Int64(fields[2]) {
                appended[seq] = at
            } else if fields.count == 2, fields[0] == "silence", let at = Int64(fields[1]) {
                return at
            }
            return nil
        }
        var silences = 0
        var silenceStart: Int64 = 0
        while silences < point.silence, let line = lines.next() {
            if let at = note(line) {
                silences += 1
                silenceStart = at
            }
        }
        let killAt = silenceStart + Int64(point.delay * 1e6)
        let wait = killAt - wallClockMicroseconds()
        if wait > 0 { usleep(UInt32(wait)) }
        let killedAt = wallClockMicroseconds()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        while let line = lines.next() { _ = note(line) }
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(silences == point.silence, "the probe stopped early")

        try JournalRecovery.recover(url, seal: true, recoveredAt: killedAt)
        let (scan, records) = try JournalReader.readAll(url)
        #expect(scan.isSealedAndIntact)
        let onDisk = UInt64(records.count - 1)  // the last one is recovery's closing record
        let lost = appended.filter { $0.key >= onDisk }.map { killedAt - $0.value }.sorted()
        let tooOld = lost.filter { $0 > bound }
        print("kill -9 \(point.testDescription): \(appended.count) appended, \(onDisk) on disk, \(lost.count) lost, "
              + "ages of the lost \(lost.first.map { "\($0 / 1000)" } ?? "-")…\(lost.last.map { "\($0 / 1000)" } ?? "-") ms, bound \(bound / 1000) ms")
        #expect(tooOld.isEmpty, "records older than the bound were lost; ages in µs: \(tooOld)")
        #expect(records.dropLast().map(\.receivedAt) == (0..<onDisk).map { appended[$0] ?? -1 })
    }
}

/// Lines from a pipe, read as they come.
final class LineReader {
    private let handle: FileHandle
    private var buffered = Data()
    private var ended = false

    init(_ handle: FileHandle) { self.handle = handle }

    func next() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
                buffered.removeSubrange(buffered.startIndex...newline)
                return line
            }
            if ended { return nil }
            let chunk = handle.availableData
            if chunk.isEmpty { ended = true } else { buffered.append(chunk) }
        }
    }
}
