import Foundation
import Synchronization
import TapedeckTesting
import Testing
@testable import Journal

/// What the journal does when its disk fails: name the fault, leave no half-made files, and stop
/// taking records it cannot keep.
@Suite struct JournalDiskFaultTests {
    static func randomAudio(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) }
    }

    /// Every file under a folder, relative to it.
    static func files(under url: URL) -> [String] {
        let walker = FileManager.default.enumerator(atPath: url.path)
        var found: [String] = []
        while let path = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(path).path, isDirectory: &isDirectory),
               !isDirectory.boolValue { found.append(path) }
        }
        return found.sorted()
    }

    @Test func creatingAJournalOnAFullDiskSaysSoAndLeavesNoFileBehind() throws {
        let disk: ScratchFilesystem
        switch try ScratchFilesystem.mount(kilobytes: 64) {
        case .success(let mounted): disk = mounted
        case .failure(let reason): return skipping(#function, reason)
        }
        disk.fill()
        let url = disk.url.appendingPathComponent("acme/2026-12-01/call-1.tdj")
        // The server's retry loop: a second attempt under the same name must not find it taken.
        for _ in 0..<3 {
            #expect(throws: JournalError.noSpace(url.path)) {
                _ = try JournalWriter(url: url, sessionId: "call-1")
            }
        }
        #expect(Self.files(under: disk.url) == ["filler"])
        #expect(JournalError.noSpace(url.path).isStorageFault)
        #expect(!JournalError.alreadyExists(url.path).isStorageFault)
    }

    @Test func creatingAJournalOnAReadOnlyFilesystemSaysSo() throws {
        let disk: ScratchFilesystem
        switch try ScratchFilesystem.mount(kilobytes: 64, readOnly: true) {
        case .success(let mounted): disk = mounted
        case .failure(let reason): return skipping(#function, reason)
        }
        let url = disk.url.appendingPathComponent("acme/2026-12-01/call-1.tdj")
        #expect(throws: JournalError.readOnly(disk.url.appendingPathComponent("acme").path)) {
            _ = try JournalWriter(url: url, sessionId: "call-1")
        }
        let existingFolder = disk.url.appendingPathComponent("call-2.tdj")
        #expect(throws: JournalError.readOnly(existingFolder.path)) {
            _ = try JournalWriter(url: existingFolder, sessionId: "call-2")
        }
        #expect(Self.files(under: disk.url).isEmpty)
    }

    @Test func aDiskThatFillsUpMidSessionFailsTheWriterAndDropsLaterRecords() async throws {
        let disk: ScratchFilesystem
        switch try ScratchFilesystem.mount(kilobytes: 128) {
        case .success(let mounted): disk = mounted
        case .failure(let reason): return skipping(#function, reason)
        }
        let url = disk.url.appendingPathComponent("acme/2026-12-01/call-1.tdj")
        let reported = FailureBox()
        let writer = try AsyncJournalWriter(url: url, sessionId: "call-1", policy: .interval(seconds: 3600, bytes: 32 << 10),
                                            onFailure: { reported.record($0) })
        #expect(writer.failure == nil)
        // Incompressible audio, well past what the device holds; the appends that come after the
        // failure (which the journal's queue finds while the loop runs) are refused.
        var accepted = 0
        for i in 0..<100 where writer.append(.inboundBinary, receivedAt: Int64(i), payload: Self.randomAudio(3200, seed: UInt64(i))) {
            accepted += 1
        }
        #expect(accepted > 0)
        await #expect(throws: JournalError.noSpace(url.path)) { try await writer.flush() }
        #expect(writer.failure == .noSpace(url.path))
        #expect(reported.all == [.noSpace(url.path)])
        // After the failure nothing more is taken in (the caller's audio is not held anywhere).
        let taken = writer.append(.inboundBinary, receivedAt: 100, payload: Self.randomAudio(3200, seed: 100))
        #expect(!taken)
        await #expect(throws: JournalError.noSpace(url.path)) { try await writer.close(receivedAt: 101) }
        // What reached the disk is whole blocks, unsealed: recovery can close it later.
        let scan = try JournalReader.scan(url)
        #expect(scan.damage == nil, "\(scan.damage.map(String.init(describing:)) ?? "")")
        #expect(scan.footer == nil)
        #expect(scan.recordCount > 0 && scan.recordCount < 100)
    }

    @Test func theDirectoryProbeNamesAFullAReadOnlyAndAHealthyFolder() throws {
        let healthy = try TemporaryDirectory()
        #expect(JournalDirectoryProbe.check(healthy.url.appendingPathComponent("journal")) == nil)
        #expect(Self.files(under: healthy.url).isEmpty, "the probe file must be removed")

        switch try ScratchFilesystem.mount(kilobytes: 64) {
        case .success(let full):
            full.fill()
            #expect(JournalDirectoryProbe.check(full.url) == .noSpace(full.url.path))
            #expect(Self.files(under: full.url) == ["filler"])
        case .failure(let reason): skipping(#function + " (full disk)", reason)
        }
        switch try ScratchFilesystem.mount(kilobytes: 64, readOnly: true) {
        case .success(let readOnly):
            #expect(JournalDirectoryProbe.check(readOnly.url) == .readOnly(readOnly.url.path))
            #expect(JournalDirectoryProbe.check(readOnly.url.appendingPathComponent("acme")) == .readOnly(readOnly.url.appendingPathComponent("acme").path))
        case .failure(let reason): skipping(#function + " (read-only)", reason)
        }
    }
}

/// Failures reported through the callback, from the journal's queue.
final class FailureBox: Sendable {
    private let failures = Mutex<[JournalError]>([])
    func record(_ failure: JournalError) { failures.withLock { $0.append(failure) } }
    var all: [JournalError] { failures.withLock { $0 } }
}
