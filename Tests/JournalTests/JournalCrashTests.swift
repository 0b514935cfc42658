import Foundation
import Testing
@testable import Journal

@Suite struct JournalCrashTests {
    /// The probe executable sits beside the test bundle in the build directory.
    static var probe: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("tapedeck-journal-probe")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return dir.appendingPathComponent("tapedeck-journal-probe")
    }

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
}
