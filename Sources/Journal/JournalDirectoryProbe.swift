import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks that journals can be written in a folder right now, for a readiness endpoint: a server
/// whose journal disk is full or read-only must say so before it accepts sessions it cannot keep.
public enum JournalDirectoryProbe {
    /// Creates the folder if needed, then creates, writes, `fdatasync`s and deletes a small hidden
    /// probe file. Returns nil when all of that works, or the reason it does not.
    public static func check(_ directory: URL) -> JournalError? {
        let path = directory.appendingPathComponent(".tapedeck-probe-\(UUID().uuidString.lowercased())").path
        do { try JournalWriter.makeDirectories(directory.path) } catch let error as JournalError {
            return error
        } catch {
            return .io(path: directory.path, operation: "create directory", errno: EIO)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .storage(path: directory.path, operation: "create", errno: errno) }
        defer {
            Glibc.close(fd)
            unlink(path)
        }
        // A whole page, so a disk with a few bytes left is not reported healthy.
        let page = [UInt8](repeating: 0, count: 4096)
        let written = page.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        if written < 0 { return .storage(path: directory.path, operation: "write", errno: errno) }
        if written < page.count { return .noSpace(directory.path) }
        if fdatasync(fd) != 0 { return .storage(path: directory.path, operation: "fdatasync", errno: errno) }
        return nil
    }
}
