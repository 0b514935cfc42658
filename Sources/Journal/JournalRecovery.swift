import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What recovery did to a journal, or why it left it alone.
public struct RecoveryReport: Sendable, CustomStringConvertible {
    public var url: URL
    /// The damage found, if any (nil: the file was already intact).
    public var damage: JournalDamage?
    /// Where the cut-off bytes were kept.
    public var sideFile: URL?
    public var bytesMoved: Int
    /// Intact records that went to the side file with the damage (only when cutting mid-file
    /// corruption was asked for).
    public var intactRecordsMoved: UInt64
    public var recordsKept: UInt64
    /// True when recovery appended a transport-closed record and a footer.
    public var sealed: Bool
    /// Why the file was left as it was although it is damaged (tampered, or intact blocks
    /// after the damage and no permission to cut them).
    public var refusal: String?

    public var description: String {
        var parts: [String] = []
        if let damage {
            parts.append("\(damage)")
            if let sideFile {
                var moved = "moved \(bytesMoved) bytes to \(sideFile.lastPathComponent)"
                if intactRecordsMoved > 0 { moved += " (\(intactRecordsMoved) intact records among them)" }
                parts.append(moved)
            }
            if let refusal { parts.append("left unchanged: \(refusal)") }
        } else {
            parts.append("intact")
        }
        parts.append(refusal == nil ? "\(recordsKept) records kept" : "\(recordsKept) intact records before the damage")
        if sealed { parts.append("sealed with a recovery footer") }
        return url.path + ": " + parts.joined(separator: "; ")
    }
}

/// Brings a journal whose writer died back to a consistent state without losing anything:
/// the damaged tail goes to a side file, the journal is cut to its last intact block and,
/// if asked, sealed with a transport-closed record and a footer marked `recovered`.
///
/// Damage with intact blocks after it is not a torn tail: cutting there would move intact records
/// out of the journal, so recovery only does it when `cutIntactBlocks` says so, and even then
/// every byte goes to the side file.
public enum JournalRecovery {
    /// `recoveredAt` is when recovery runs; it is written into the closing record's payload only.
    /// The closing record and the footer carry the last intact record's receive time, so whatever
    /// is derived from the journal (a session's end) reflects the session, not the recovery.
    public static func recover(_ url: URL, seal: Bool, cutIntactBlocks: Bool = false, key: JournalKey? = nil,
                               policy: SyncPolicy = .default, recoveredAt: Int64) throws -> RecoveryReport {
        let scan = try JournalReader.scan(url, key: key)
        var report = RecoveryReport(url: url, damage: scan.damage, sideFile: nil, bytesMoved: 0, intactRecordsMoved: 0,
                                    recordsKept: scan.recordCount, sealed: false, refusal: nil)
        if let damage = scan.damage {
            if damage.kind == .tampered {
                report.refusal = "a tampered journal is evidence and is never rewritten"
                return report
            }
            if let after = damage.intactAfter, !cutIntactBlocks {
                report.refusal = "the damage is in the middle of the file; cutting it would move \(after.records) intact records "
                    + "(\(after.blocks) blocks\(after.footer != nil ? ", the footer among them" : "")) to the side file with it; "
                    + "run with --cut-intact-blocks to cut anyway"
                return report
            }
            let side = sideFileURL(for: url, offset: damage.offset)
            let data = try Data(contentsOf: url)
            let tail = data.subdata(in: scan.goodLength..<data.count)
            try tail.write(to: side, options: .withoutOverwriting)
            report.sideFile = side
            report.bytesMoved = tail.count
            report.intactRecordsMoved = damage.intactAfter?.records ?? 0
            if truncate(url.path, off_t(scan.goodLength)) != 0 {
                throw JournalError.io(path: url.path, operation: "truncate", errno: errno)
            }
        }
        if seal, scan.footer == nil {
            var trimmed = scan
            trimmed.damage = nil
            let closedAt = scan.lastReceivedAt ?? recoveredAt
            let writer = try JournalWriter(resuming: url, scan: trimmed, policy: policy, key: key)
            let reason = #"{"reason":"recovered","detail":"the writer stopped without closing the journal","recoveredAt":"\#(JournalTime.iso8601(microseconds: recoveredAt))"}"#
            try writer.append(.transportClosed, receivedAt: closedAt, payload: Array(reason.utf8))
            try writer.close(recovered: true, receivedAt: closedAt)
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
