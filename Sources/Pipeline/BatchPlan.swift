import Digests
import Foundation
import Journal

/// Which sessions one task of a batch run (`regenerate` on many machines, a Slurm job array, a
/// Kubernetes Indexed Job) takes. A session's share is a hash of its organization and session
/// id, never its position in a listing: journals that appear during the run, or a task that
/// lists the folder a moment later than another, cannot make two tasks take the same session or
/// none take it.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based, as Slurm's `SLURM_ARRAY_TASK_ID` with `--array=1-N`.
    public let index: Int
    public let count: Int

    public static let whole = Shard(uncheckedIndex: 1, count: 1)

    public init(index: Int, count: Int) throws(BatchPlanError) {
        guard count >= 1, (1...count).contains(index) else { throw .badShard("\(index)/\(count)") }
        self.init(uncheckedIndex: index, count: count)
    }

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `i/n`.
    public init(parsing text: String) throws(BatchPlanError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { throw .badShard(text) }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The 1-based shard a session belongs to among `count`: the first 8 bytes of
    /// SHA-256("<organization>/<session id>") as a big-endian integer, modulo `count`.
    public static func of(organization: String, sessionId: String, count: Int) -> Int {
        let digest = SHA256Digest.hash(Array("\(organization)/\(sessionId)".utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % UInt64(max(count, 1))) + 1
    }

    public func contains(_ entry: BatchManifest.Entry) -> Bool {
        Self.of(organization: entry.organization, sessionId: entry.sessionId, count: count) == index
    }
}

/// A frozen list of journals for a batch run, written once (`regenerate --write-manifest`) and
/// read by every task, so all tasks work on the same set whatever the live nodes add meanwhile.
/// Paths are relative to the journal folder, so tasks on machines that mount it elsewhere agree.
///
/// Format (UTF-8 text, one journal per line, sorted by path):
///
///     # tapedeck regenerate manifest v1
///     <bytes>\t<org>/<yyyy-mm-dd>/<session-id>.tdj
///
/// The byte length catches a journal that changed after the manifest was written (one that was
/// still being written live, or was recovered since): that session fails with the reason
/// instead of being derived from something other than what was frozen.
public struct BatchManifest: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var bytes: Int64

        public init(path: String, bytes: Int64) {
            self.path = path
            self.bytes = bytes
        }

        public var organization: String { String(path.split(separator: "/").first ?? "") }
        public var sessionId: String {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return name.hasSuffix("." + JournalLayout.fileExtension) ? String(name.dropLast(JournalLayout.fileExtension.count + 1)) : name
        }
    }

    public static let firstLine = "# tapedeck regenerate manifest v1"
    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries.sorted { $0.path < $1.path } }

    /// Every journal under `root` (optionally from day `since` on), with its current length.
    public static func freeze(root: URL, since: String? = nil) throws(BatchPlanError) -> BatchManifest {
        let rootPath = root.standardizedFileURL.path
        var entries: [Entry] = []
        for file in JournalLayout.journals(under: root) {
            let path = file.standardizedFileURL.path
            guard path.hasPrefix(rootPath + "/") else { continue }
            let relative = String(path.dropFirst(rootPath.count + 1))
            if let since, (relative.split(separator: "/").dropFirst().first.map(String.init) ?? "") < since { continue }
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else {
                throw .unreadableJournal(path)
            }
            entries.append(Entry(path: relative, bytes: size.int64Value))
        }
        return BatchManifest(entries: entries)
    }

    public var text: String {
        ([Self.firstLine] + entries.map { "\($0.bytes)\t\($0.path)" }).joined(separator: "\n") + "\n"
    }

    /// Parses a manifest; every line is checked, and the first bad one is named.
    public init(parsing text: String) throws(BatchPlanError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.first == Self.firstLine else { throw .notAManifest(firstLine: lines.first ?? "") }
        var entries: [Entry] = []
        var seen = Set<String>()
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty && !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, let bytes = Int64(fields[0]), bytes >= 0 else { throw .badLine(number: offset + 1, line) }
            let path = String(fields[1])
            let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            // org/day/session.tdj, each part a safe path component: a manifest must not point a
            // task outside the journal folder.
            guard parts.count == 3, parts[2].hasSuffix("." + JournalLayout.fileExtension),
                  (try? parts.forEach(JournalLayout.validate)) != nil else { throw .badPath(number: offset + 1, path) }
            guard seen.insert(path).inserted else { throw .duplicate(number: offset + 1, path) }
            entries.append(Entry(path: path, bytes: bytes))
        }
        self.init(entries: entries)
    }

    /// Why an entry cannot be derived as frozen, or nil when the journal is as listed.
    public static func problem(with entry: Entry, under root: URL) -> String? {
        let path = root.appendingPathComponent(entry.path).path
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else {
            return "listed in the manifest but missing from \(root.path)"
        }
        guard size.int64Value == entry.bytes else {
            return "changed since the manifest was written (\(entry.bytes) bytes then, \(size.int64Value) now); write a new manifest"
        }
        return nil
    }
}

public enum BatchPlanError: Error, Equatable, CustomStringConvertible {
    case badShard(String)
    case notAManifest(firstLine: String)
    case badLine(number: Int, String)
    case badPath(number: Int, String)
    case duplicate(number: Int, String)
    case unreadableJournal(String)

    public var description: String {
        switch self {
        case .badShard(let text):
            return "shard '\(text)' is not i/n with 1 ≤ i ≤ n (1-based: Slurm --array=1-N; add 1 to a 0-based Kubernetes JOB_COMPLETION_INDEX)"
        case .notAManifest(let first):
            return "not a regenerate manifest: its first line is '\(first.prefix(60))', expected '\(BatchManifest.firstLine)' (write one with regenerate --write-manifest)"
        case .badLine(let number, let line):
            return "manifest line \(number) is not '<bytes><TAB><org>/<day>/<session>.tdj': '\(line.prefix(80))'"
        case .badPath(let number, let path):
            return "manifest line \(number) names '\(path.prefix(80))', which is not <org>/<day>/<session>.tdj inside the journal folder"
        case .duplicate(let number, let path):
            return "manifest line \(number) lists '\(path.prefix(80))' a second time"
        case .unreadableJournal(let path):
            return "cannot read the size of \(path)"
        }
    }
}
