import Foundation
import Pipeline
import TapedeckTesting
import Testing

/// How a batch run is split across tasks, and the frozen manifest every task reads.
@Suite struct BatchPlanTests {
    static let sessions = (0..<300).map { BatchManifest.Entry(path: "org\($0 % 3)/2026-11-\(10 + $0 % 20)/call-\($0).tdj", bytes: Int64($0)) }

    @Test func everySessionLandsInExactlyOneShardWhateverTheShardCount() throws {
        for count in [1, 2, 3, 7] {
            let shards = try (1...count).map { try Shard(index: $0, count: count) }
            for entry in Self.sessions {
                #expect(shards.filter { $0.contains(entry) }.count == 1, "\(entry.path) in \(count) shards")
            }
            // A hash spreads 300 sessions roughly evenly; a bug that sends all to one shard fails.
            let sizes = shards.map { shard in Self.sessions.filter(shard.contains).count }
            #expect(sizes.allSatisfy { $0 > 300 / count / 2 }, "shard sizes \(sizes)")
        }
    }

    @Test func aSessionsShardDoesNotDependOnWhatElseIsListed() throws {
        let shard = try Shard(index: 2, count: 3)
        let before = Self.sessions.filter(shard.contains).map(\.path)
        // Journals that appear meanwhile (a live node) and the day folder do not move anyone.
        let grown = Self.sessions + (0..<50).map { BatchManifest.Entry(path: "org0/2026-12-01/new-\($0).tdj", bytes: 1) }
        #expect(Array(grown.filter(shard.contains).map(\.path).prefix(before.count)) == before)
        #expect(Shard.of(organization: "acme", sessionId: "s1", count: 5) == Shard.of(organization: "acme", sessionId: "s1", count: 5))
        // Pinned: the same session goes to the same task on every machine and in every version.
        #expect(Shard.of(organization: "acme", sessionId: "call-1", count: 3) == 2)  // checked with Python hashlib
        #expect(Shard.of(organization: "acme", sessionId: "call-2", count: 3) == 3)
    }

    @Test func shardsAreOneBasedAndBadOnesAreRefusedWithTheReason() throws {
        #expect(try Shard(parsing: "1/1") == .whole)
        #expect(try Shard(parsing: "3/3").index == 3)
        for bad in ["0/3", "4/3", "1/0", "1", "a/b", "1/3/4", "", "-1/2", "1//2"] {
            #expect(throws: BatchPlanError.badShard(bad)) { try Shard(parsing: bad) }
        }
        #expect(BatchPlanError.badShard("0/3").description.contains("JOB_COMPLETION_INDEX"))
    }

    @Test func aManifestRoundTripsAndListsAFolderSortedWithSizes() throws {
        let folder = try TemporaryDirectory()
        for (path, size) in [("acme/2026-11-02/b.tdj", 7), ("acme/2026-11-01/a.tdj", 3), ("zeta/2026-11-03/c.tdj", 5)] {
            let url = folder.file(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(repeating: 1, count: size).write(to: url)
        }
        try Data("not a journal".utf8).write(to: folder.file("acme/2026-11-02/notes.txt"))
        let manifest = try BatchManifest.freeze(root: folder.url)
        #expect(manifest.text == """
            # tapedeck regenerate manifest v1
            3\tacme/2026-11-01/a.tdj
            7\tacme/2026-11-02/b.tdj
            5\tzeta/2026-11-03/c.tdj

            """)
        #expect(try BatchManifest(parsing: manifest.text) == manifest)
        #expect(try BatchManifest.freeze(root: folder.url, since: "2026-11-02").entries.map(\.path) == ["acme/2026-11-02/b.tdj", "zeta/2026-11-03/c.tdj"])
        #expect(manifest.entries[0].organization == "acme" && manifest.entries[0].sessionId == "a")
    }

    @Test func aJournalThatChangedOrVanishedSinceTheManifestIsNamedNotDerived() throws {
        let folder = try TemporaryDirectory()
        let url = folder.file("acme/2026-11-01/a.tdj")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(repeating: 1, count: 10).write(to: url)
        let entry = BatchManifest.Entry(path: "acme/2026-11-01/a.tdj", bytes: 10)
        #expect(BatchManifest.problem(with: entry, under: folder.url) == nil)
        try Data(repeating: 1, count: 12).write(to: url)
        #expect(BatchManifest.problem(with: entry, under: folder.url)?.contains("10 bytes then, 12 now") == true)
        try FileManager.default.removeItem(at: url)
        #expect(BatchManifest.problem(with: entry, under: folder.url)?.contains("missing") == true)
    }

    @Test func badManifestsAreRefusedNamingTheLine() {
        let head = BatchManifest.firstLine + "\n"
        let cases: [(String, BatchPlanError)] = [
            ("", .notAManifest(firstLine: "")),
            ("journal list\n1\ta/b/c.tdj\n", .notAManifest(firstLine: "journal list")),
            (head + "12 acme/2026-11-01/a.tdj\n", .badLine(number: 2, "12 acme/2026-11-01/a.tdj")),
            (head + "-4\tacme/2026-11-01/a.tdj\n", .badLine(number: 2, "-4\tacme/2026-11-01/a.tdj")),
            (head + "4\t../etc/2026-11-01/passwd.tdj\n", .badPath(number: 2, "../etc/2026-11-01/passwd.tdj")),
            (head + "4\t/etc/passwd.tdj\n", .badPath(number: 2, "/etc/passwd.tdj")),
            (head + "4\tacme/2026-11-01/a.csv\n", .badPath(number: 2, "acme/2026-11-01/a.csv")),
            (head + "4\tacme/a.tdj\n", .badPath(number: 2, "acme/a.tdj")),
            (head + "4\tacme/2026-11-01/a.tdj\n5\tacme/2026-11-01/a.tdj\n", .duplicate(number: 3, "acme/2026-11-01/a.tdj")),
        ]
        for (text, error) in cases {
            #expect(throws: error, "\(text.debugDescription)") { try BatchManifest(parsing: text) }
        }
        #expect(throws: Never.self) { try BatchManifest(parsing: head + "# a comment\n\n4\tacme/2026-11-01/a.tdj\n") }
    }
}
