import Digests
import Foundation

/// What went wrong reading a session's journal back from the control plane.
public enum JournalFetchError: Error, Equatable, CustomStringConvertible {
    case noSuchSession(organization: String, sessionId: String)
    case severalJournals(organization: String, sessionId: String, journalPaths: [String])
    case noSuchJournal(organization: String, journalPath: String)
    case noBlocks(journalPath: String)

    public var description: String {
        switch self {
        case let .noSuchSession(org, id):
            "organization \(org) has no session \(id) in the session index (`tapedeck index list --org \(org)` lists them)"
        case let .severalJournals(org, id, paths):
            "organization \(org) has \(paths.count) journals for session \(id); choose one with --journal-path: \(paths.joined(separator: ", "))"
        case let .noSuchJournal(org, path):
            "organization \(org) has no journal \(path) in the session index"
        case let .noBlocks(path):
            "the control plane holds no bytes of \(path): its node did not ship journal blocks (only nodes on a shared PostgreSQL control plane do), or they were pruned (`tapedeck index prune-journals`); read it from that node's journal folder"
        }
    }
}

/// A session's journal as the control plane holds it: the contiguous prefix of the bytes its
/// node shipped (the whole file once it was sealed), so `replay` and `verify` can read any
/// node's call, a lost one's included, from wherever the control plane is reachable. Lookups
/// are always within one organization.
public enum JournalFetch {
    public struct Fetched: Sendable {
        public var entry: SessionIndexEntry
        public var bytes: [UInt8]

        /// Whether these bytes are the sealed journal the index names (same SHA-256). They are
        /// not when the session is still live, or when its node was lost and another sealed it
        /// from the shipped prefix: that node's file then has the footer these bytes lack.
        public var isTheIndexedJournal: Bool {
            entry.journalSHA256 != nil && SHA256Digest.hash(bytes).hexString == entry.journalSHA256
        }
    }

    public static func fetch(index: SessionIndex, blocks: JournalBlocks, organization: String, sessionId: String,
                             journalPath: String? = nil) async throws -> Fetched {
        let rows = try await index.sessions(organization: organization, sessionId: sessionId)
        guard !rows.isEmpty else { throw JournalFetchError.noSuchSession(organization: organization, sessionId: sessionId) }
        let entry: SessionIndexEntry
        if let journalPath {
            guard let chosen = rows.first(where: { $0.journalPath == journalPath }) else {
                throw JournalFetchError.noSuchJournal(organization: organization, journalPath: journalPath)
            }
            entry = chosen
        } else {
            guard rows.count == 1 else {
                throw JournalFetchError.severalJournals(organization: organization, sessionId: sessionId, journalPaths: rows.map(\.journalPath))
            }
            entry = rows[0]
        }
        let bytes = try await blocks.contiguousBytes(organization: organization, journalPath: entry.journalPath)
        guard !bytes.isEmpty else { throw JournalFetchError.noBlocks(journalPath: entry.journalPath) }
        return Fetched(entry: entry, bytes: bytes)
    }
}
