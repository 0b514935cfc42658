import ControlPlane
import Foundation
import Journal
import StreamProtocol

/// A session's index row, derived from its journal and the CSVs beside it: the live server
/// writes exactly this at a session's end, and `tapedeck index rebuild` recomputes it from the
/// journals alone, so the two indexes agree row for row.
public enum SessionIndexProjection {
    /// The row for the journal at `journal` (under `journalRoot`).
    /// - Parameter live: the journal is still being written by this node (unsealed is then not orphaned).
    public static func entry(journal: URL, journalRoot: URL, resultsRoot: URL, node: String, key: JournalKey?,
                             live: Bool = false) throws -> SessionIndexEntry {
        var firstReceivedAt: Int64?
        var headerPayload: [UInt8]?
        let scan = try JournalReader.scan(journal, key: key) { record in
            if firstReceivedAt == nil {
                firstReceivedAt = record.receivedAt
                if record.type == .sessionHeader { headerPayload = record.payload }
            }
        }
        guard let headerPayload else { throw SessionRunner.RunError.noHeader(journal.path) }
        let header = try SessionHeader.decode(headerPayload)
        let negotiated = try? JSONValue.parse(header.negotiated)
        let relative = relativePath(journal, under: journalRoot)
        let verification: String
        let state: SessionState
        var sha256: String?
        var csvs: (String, String)?
        if scan.damage != nil {
            (verification, state) = ("damaged", .failed)
        } else if scan.footer == nil {
            (verification, state) = ("unsealed", live ? .live : .orphaned)
        } else {
            verification = "sealed"
            let data = try Data(contentsOf: journal, options: .alwaysMapped)
            sha256 = data.withUnsafeBytes { SHA256Digest.hash($0) }.hexString
            if let file = try? SessionFileName(journal: journal, organization: header.facts.organization) {
                let projector = Projector(root: resultsRoot)
                let session = projector.sessionURL(file), utterances = projector.utterancesURL(file)
                if FileManager.default.fileExists(atPath: session.path), FileManager.default.fileExists(atPath: utterances.path) {
                    csvs = (relativePath(session, under: resultsRoot), relativePath(utterances, under: resultsRoot))
                }
            }
            state = csvs == nil ? .sealed : .projected
        }
        return SessionIndexEntry(
            organization: header.facts.organization, sessionId: header.sessionId, node: node, state: state,
            dialect: header.facts.dialect, language: negotiated?["language"]?.stringValue,
            startedAt: firstReceivedAt ?? 0, endedAt: scan.footer == nil ? nil : scan.lastReceivedAt,
            journalPath: relative, journalSHA256: sha256, sessionCSV: csvs?.0, utterancesCSV: csvs?.1,
            verification: verification, continuedSessions: negotiated?["continuedSessions"].map { $0.serialized })
    }

    /// Every journal under `root` (`<org>/<day>/<name>.tdj`), sorted by path.
    public static func journals(under root: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var found: [URL] = []
        for case let url as URL in walker where url.pathExtension == JournalLayout.fileExtension { found.append(url) }
        return found.sorted { $0.path < $1.path }
    }

    public static func relativePath(_ url: URL, under root: URL) -> String {
        let base = root.standardizedFileURL.path
        let path = url.standardizedFileURL.path
        guard path.hasPrefix(base + "/") else { return path }
        return String(path.dropFirst(base.count + 1))
    }
}
