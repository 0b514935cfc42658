import Foundation

/// Where journals live: `<root>/<org>/<yyyy-mm-dd>/<session-id>.tdj` (UTC day of the session start).
public struct JournalLayout: Sendable {
    public var root: URL
    public static let fileExtension = "tdj"

    public init(root: URL) { self.root = root }

    public func url(organization: String, day: String, sessionId: String) throws -> URL {
        for part in [organization, sessionId] { try Self.validate(part) }
        return root.appendingPathComponent(organization, isDirectory: true)
            .appendingPathComponent(day, isDirectory: true)
            .appendingPathComponent(sessionId + "." + Self.fileExtension)
    }

    /// Path components come from clients (session ids) and operators (org names): refuse anything
    /// that could climb out of the journal root or hide a file.
    public static func validate(_ component: String) throws {
        let allowed = component.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E
        }
        guard !component.isEmpty, component.utf8.count <= 128, allowed, !component.hasPrefix(".") else {
            throw JournalError.invalidPathComponent(component)
        }
    }

    /// The UTC calendar day of a time in microseconds since the epoch, as `yyyy-mm-dd`,
    /// computed without calendars or locales so it is the same everywhere.
    public static func day(microseconds: Int64) -> String {
        let days = Int64((Double(microseconds) / 86_400_000_000).rounded(.down))
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// The journals a command-line path names: the file itself, or every journal under a folder.
    /// A path that does not exist, or a folder without a single journal, is an error rather than
    /// nothing to check: it usually means the wrong folder, or a server that could not write.
    public static func journals(at path: String) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw JournalError.notFound(path)
        }
        let url = URL(fileURLWithPath: path)
        guard isDirectory.boolValue else { return [url] }
        let found = journals(under: url)
        if found.isEmpty { throw JournalError.noJournals(path) }
        return found
    }

    /// Every journal file under the root (or under `directory`), sorted by path.
    public static func journals(under directory: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var found: [URL] = []
        for case let url as URL in walker where url.pathExtension == fileExtension {
            found.append(url)
        }
        return found.sorted { $0.path < $1.path }
    }
}

/// Microseconds since the Unix epoch, for stamping records as they are received.
/// Only the server's receive path calls this; reducers read the stamp from the record.
public func wallClockMicroseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
}
