// Test support shared by the test targets: real temporary folders and real filesystems.
import Foundation

/// A fresh folder under the system temporary directory, removed with its contents when released.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// A real, tiny tmpfs mounted for one test, so disk faults (a full device, a read-only
/// filesystem) come from the kernel rather than from a mock. Needs root and a `mount` that works
/// in this sandbox; `mount(…)` returns nil with the reason when it does not, and the test skips.
public final class ScratchFilesystem: Sendable {
    public let url: URL
    private let parent: TemporaryDirectory

    private init(parent: TemporaryDirectory, url: URL) {
        self.parent = parent
        self.url = url
    }

    public static func mount(kilobytes: Int, readOnly: Bool = false) throws -> Result<ScratchFilesystem, SkipReason> {
        guard getuid() == 0 else { return .failure(SkipReason("mounting a tmpfs needs root")) }
        let parent = try TemporaryDirectory()
        let point = parent.file("mnt")
        try FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)
        let options = "size=\(kilobytes)k,mode=0755" + (readOnly ? ",ro" : "")
        let (status, output) = run("/bin/mount", ["-t", "tmpfs", "-o", options, "tapedeck-test", point.path])
        guard status == 0 else { return .failure(SkipReason("mount -t tmpfs failed: \(output)")) }
        return .success(ScratchFilesystem(parent: parent, url: point))
    }

    /// Writes a file until the device refuses more: what is left is a full disk.
    public func fill() {
        let fd = open(url.appendingPathComponent("filler").path, O_WRONLY | O_CREAT, 0o600)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0xA5, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }) > 0 {}
    }

    /// Deletes what `fill()` wrote: the device has room again.
    public func free() { unlink(url.appendingPathComponent("filler").path) }

    deinit { _ = Self.run("/bin/umount", ["-l", url.path]) }

    private static func run(_ tool: String, _ arguments: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

public struct SkipReason: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Prints why a test cannot run here and lets it return early.
public func skipping(_ test: String, _ reason: SkipReason) {
    print("SKIPPED \(test): \(reason)")
}
