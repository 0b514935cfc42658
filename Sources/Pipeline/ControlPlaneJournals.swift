import ControlPlane
import Digests
import Foundation
import Journal

/// Why a journal the session index names could not be put in a local mirror folder.
public enum JournalMirrorError: Error, Equatable, CustomStringConvertible {
    case notFinished(journalPath: String, state: SessionState)
    case unsafePath(String)
    case noBlocks(journalPath: String)
    case notTheIndexedJournal(journalPath: String, bytes: Int, sha256: String, indexed: String)
    case mirrorDiffers(file: String, sha256: String, indexed: String)

    public var description: String {
        switch self {
        case let .notFinished(path, state):
            "\(path) is \(state.rawValue) in the session index, not sealed: only a finished session's journal can be derived"
        case let .unsafePath(path):
            "the session index names \(path), which is not org/yyyy-mm-dd/session.tdj: refused"
        case let .noBlocks(path):
            "the control plane holds no bytes of \(path): its node did not ship journal blocks (only nodes on a shared PostgreSQL control plane do), or they were pruned; read it from that node's journal folder"
        case let .notTheIndexedJournal(path, bytes, sha, indexed):
            "the control plane's \(bytes) bytes of \(path) have SHA-256 \(sha), not the \(indexed) the index names: not derived (the sealed file is on the node that sealed it)"
        case let .mirrorDiffers(file, sha, indexed):
            "\(file) exists with SHA-256 \(sha), not the \(indexed) the index names: kept as it is and not derived (move it away, or give another --journal folder)"
        }
    }
}

/// Journals read from the control plane for batch work on any machine that reaches it: the
/// finished sessions the index lists, and each one's sealed bytes written into a local folder
/// (a mirror, so a second run fetches only what is new) after its SHA-256 is checked against
/// the index's.
public enum ControlPlaneJournals {
    /// The sessions a batch run can derive: sealed or projected, with the SHA-256 of their
    /// sealed journal; optionally one organization's and from day `since` on. Sorted by path.
    public static func finished(index: SessionIndex, organization: String?, since: String?) async throws -> [SessionIndexEntry] {
        try await index.all().filter { row in
            guard row.state == .sealed || row.state == .projected, row.journalSHA256 != nil else { return false }
            if let organization, row.organization != organization { return false }
            if let since, (row.journalPath.split(separator: "/").dropFirst().first.map(String.init) ?? "") < since { return false }
            return true
        }
    }

    /// A manifest frozen from the index: each finished session's path with the length of the
    /// journal the control plane holds.
    public static func manifest(of rows: [SessionIndexEntry], blocks: JournalBlocks) async throws -> BatchManifest {
        var entries: [BatchManifest.Entry] = []
        for row in rows {
            entries.append(.init(path: row.journalPath,
                                 bytes: try await blocks.storedLength(organization: row.organization, journalPath: row.journalPath)))
        }
        return BatchManifest(entries: entries)
    }

    public enum Mirrored: Sendable, Equatable {
        /// The mirror already had the indexed journal.
        case alreadyThere
        /// Fetched from the control plane and written (this many bytes).
        case fetched(bytes: Int)
    }

    /// Puts the journal `row` names at `root/<journal path>`, byte-identical to the sealed
    /// journal the index names. A file already there with another SHA-256 is never replaced.
    public static func mirror(_ row: SessionIndexEntry, blocks: JournalBlocks, into root: URL) async throws -> Mirrored {
        guard row.state == .sealed || row.state == .projected, let indexed = row.journalSHA256 else {
            throw JournalMirrorError.notFinished(journalPath: row.journalPath, state: row.state)
        }
        let parts = row.journalPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0] == row.organization, parts[2].hasSuffix("." + JournalLayout.fileExtension),
              (try? parts.forEach(JournalLayout.validate)) != nil else { throw JournalMirrorError.unsafePath(row.journalPath) }
        let file = root.appendingPathComponent(row.journalPath)
        if let here = FileManager.default.contents(atPath: file.path) {
            let sha = SHA256Digest.hash([UInt8](here)).hexString
            guard sha == indexed else { throw JournalMirrorError.mirrorDiffers(file: file.path, sha256: sha, indexed: indexed) }
            return .alreadyThere
        }
        let bytes = try await blocks.contiguousBytes(organization: row.organization, journalPath: row.journalPath)
        guard !bytes.isEmpty else { throw JournalMirrorError.noBlocks(journalPath: row.journalPath) }
        let sha = SHA256Digest.hash(bytes).hexString
        guard sha == indexed else {
            throw JournalMirrorError.notTheIndexedJournal(journalPath: row.journalPath, bytes: bytes.count, sha256: sha, indexed: indexed)
        }
        try AtomicFile.write(Data(bytes), to: file)
        return .fetched(bytes: bytes.count)
    }
}
