import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Free space on the journal's file system against the configured minimum (`--min-free-disk`).
struct DiskSpace: Sendable, Equatable {
    /// Bytes an unprivileged writer may still use (`f_bavail`: root's reserve left out).
    var availableBytes: UInt64
    var minimumBytes: UInt64

    var isLow: Bool { availableBytes < minimumBytes }

    var problem: String? {
        guard isLow else { return nil }
        return "journal disk: \(availableBytes >> 20) MB free, below the \(minimumBytes >> 20) MB minimum"
    }

    /// One `statvfs` of the folder (or its nearest existing parent, before the first journal
    /// creates it): a cheap call, no I/O on the disk itself. Nil when even that fails; the
    /// journal probe then says why.
    static func measure(_ directory: URL, minimumBytes: UInt64) -> DiskSpace? {
        var path = directory.standardizedFileURL.path
        var info = statvfs()
        while statvfs(path, &info) != 0 {
            guard errno == ENOENT, path != "/" else { return nil }
            path = (path as NSString).deletingLastPathComponent
            if path.isEmpty { path = "/" }
        }
        let available = UInt64(info.f_bavail).multipliedReportingOverflow(by: UInt64(info.f_frsize))
        return DiskSpace(availableBytes: available.overflow ? .max : available.partialValue, minimumBytes: minimumBytes)
    }
}
