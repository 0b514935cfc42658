import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What recovery did to a journal.
public struct RecoveryReport: Sendable, CustomStringConvertible {
    public var url: URL
    /// The damage found, if any (nil: the file was already intact).
    public var damage: JournalDamage?
    /// Where the cut-off bytes were kept.
    public var sideFile: URL?
    public var bytesMoved: Int
    public var recordsKept: UInt64
    /// True when recovery appended a transport-closed record and a footer.
    public var sealed: Bool

    public var description: String {
        var parts: [String] = []
        if let damage {
            parts.append("\(damage)")
            if let sideFile { parts.append("moved \(bytesMoved) bytes to \(sideFile.lastPathComponent)") }
        } else {
            parts.append("intact")
        }
        parts.append("\(recordsKept) records kept")
        if sealed { parts.append("sealed with a recovery footer") }
        return url.path + ": " + parts.joined(separator: "; ")
    }
}

/// Brings a journal whose writer died back to a consistent state without losing anything:
/// the damaged tail goes to a side file, the journal is cut to its last intact block and,
/// if asked, sealed with a transport-closed record and a footer marked `recovered`.
public enum JournalRecovery {
    public static func recover(_ url: URL, seal: Bool, key: JournalKey? = nil, policy: SyncPolicy = .default,
                               receivedAt: Int64) throws -> RecoveryReport {
        let scan = try JournalReader.scan(url, key: key)
        var report = RecoveryReport(url: url, damage: scan.damage, sideFile: nil, bytesMoved: 0,
                                    recordsKept: scan.recordCount, sealed: false)
        if let damage = scan.damage {
            // A tampered file is evidence: never rewrite it.
            guard damage.kind != .tampered else { return report }
            let side = sideFileURL(for: url, offset: damage.offset)
            let data = try Data(contentsOf: url)
            let tail = data.subdata(in: scan.goodLength..<data.count)
            try tail.write(to: side, options: .withoutOverwriting)
            report.sideFile = side
            report.bytesMoved = tail.count
            if truncate(url.path, off_t(scan.goodLength)) != 0 {
                throw JournalError.io(path: url.path, operation: "truncate", errno: errno)
            }
        }
        if seal, scan.footer == nil {
            var trimmed = scan
            trimmed.damage = nil
            let writer = try JournalWriter(resuming: url, scan: trimmed, policy: policy, key: key)
            let reason = Array(#"{"reason":"recovered","detail":"the writer stopped without closing the journal"}"#.utf8)
            try writer.append(.transportClosed, receivedAt: receivedAt, payload: reason)
            try writer.close(recovered: true, receivedAt: receivedAt)
            report.sealed = true
            report.recordsKept = trimmed.recordCount
        }
        return report
    }

    static func sideFileURL(for url: URL, offset: Int) -> URL {
        var candidate = url.appendingPathExtension("torn-\(offset)")
        var n = 1
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = url.appendingPathExtension("torn-\(offset)-\(n)")
            n += 1
        }
        return candidate
    }
}
