import ControlPlane
import Digests
import Foundation
import Synchronization
import TapedeckTesting
import Testing

/// `regenerate --from-control-plane`, `replay --org --session` and `verify --org --session`:
/// batch work and audits on a machine that has none of the nodes' disks, only the control plane.
@Suite(.serialized) struct ControlPlaneBatchTests {
    /// A sealed journal written on a node's disk (`root`), every byte range shipped unless
    /// `shippedRanges` says fewer, and its row in the index.
    static func nodeCall(_ id: String, root: URL, index: SessionIndex, blocks: JournalBlocks, state: SessionState = .sealed,
                         shippedRanges: Int = .max) async throws -> URL {
        let written = Mutex<[(Int, [UInt8])]>([])
        let url = try BatchCommandTests.writeJournal(root: root, id: id, messages: [BatchCommandTests.open(id)], policy: .always,
                                                     onWritten: { offset, bytes in written.withLock { $0.append((offset, bytes)) } })
        let path = "acme/2026-11-28/\(id).tdj"
        for (offset, bytes) in written.withLock({ $0 }).prefix(shippedRanges) {
            try await blocks.append(organization: "acme", journalPath: path, offset: offset, bytes: bytes)
        }
        let sha = SHA256Digest.hash([UInt8](try Data(contentsOf: url))).hexString
        try await index.record(SessionIndexEntry(
            organization: "acme", sessionId: id, node: "node-a", state: state, dialect: "seed", language: "en", startedAt: 10,
            endedAt: 20, journalPath: path, journalSHA256: state == .live ? nil : sha, sessionCSV: nil, utterancesCSV: nil,
            verification: state == .live ? "unsealed" : "sealed", continuedSessions: nil))
        return url
    }

    @Test func batchWorkAndAuditsReadTheControlPlanesJournals() async throws {
        let root = try BatchCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let database = data.appendingPathComponent("tapedeck.sqlite").path
        let backends = try ControlPlaneBackends.open(.sqlite(path: database))
        let index = try await SessionIndex(backend: backends.main)
        let blocks = try await JournalBlocks(backend: backends.main)
        // The node's disk: what a regenerate from it writes is the reference. The commands below never read it.
        let nodeDisk = root.appendingPathComponent("node-a"), otherDisk = root.appendingPathComponent("node-b")
        var calls: [String: URL] = [:]
        for id in ["call-1", "call-2", "call-3"] { calls[id] = try await Self.nodeCall(id, root: nodeDisk, index: index, blocks: blocks) }
        // Sealed on its node, but the control plane has only a prefix; and one still live.
        _ = try await Self.nodeCall("call-4", root: otherDisk, index: index, blocks: blocks, shippedRanges: 2)
        _ = try await Self.nodeCall("call-5", root: otherDisk, index: index, blocks: blocks, state: .live)
        await backends.close()
        let plane = ["--data", data.path, "--control-plane", "sqlite:\(database)"]
        let engine = ["--model", "tiny.en", "--jobs", "1", "--no-cache"]

        let reference = try BatchCommandTests.tapedeck(["regenerate", "--journal", nodeDisk.path, "--results", root.appendingPathComponent("reference").path] + engine)
        #expect(reference.status == 0, "\(reference.errors)")
        let mirror = root.appendingPathComponent("mirror"), results = root.appendingPathComponent("results")
        let ran = try BatchCommandTests.tapedeck(["regenerate", "--from-control-plane", "--journal", mirror.path, "--results", results.path] + plane + engine)
        #expect(ran.status == 1, "one session's control-plane copy is not its sealed journal: \(ran.errors)")
        #expect(ran.errors.contains("call-4.tdj: the control plane's") && ran.errors.contains("not the"), "\(ran.errors)")
        #expect(!ran.errors.contains("call-5"), "a live session is not listed: \(ran.errors)")
        #expect(ran.errors.contains("3 journals fetched") && ran.errors.contains("0 already there"), "\(ran.errors)")
        #expect(ran.errors.contains("3 sessions regenerated"), "\(ran.errors)")
        #expect(BatchCommandTests.tree(results) == BatchCommandTests.tree(root.appendingPathComponent("reference")),
                "byte-identical to a regenerate on the node's own disk")
        for (id, url) in calls {
            #expect(FileManager.default.contents(atPath: mirror.appendingPathComponent("acme/2026-11-28/\(id).tdj").path) == (try Data(contentsOf: url)),
                    "the mirror holds \(id)'s sealed journal byte for byte")
        }
        #expect(!FileManager.default.fileExists(atPath: mirror.appendingPathComponent("acme/2026-11-28/call-4.tdj").path), "nothing written for a copy that failed its check")

        // Again, with a mirror file that was changed: kept as it is, that session fails, the others come from the mirror.
        let changed = mirror.appendingPathComponent("acme/2026-11-28/call-2.tdj")
        let handle = try FileHandle(forWritingTo: changed)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        let again = try BatchCommandTests.tapedeck(["regenerate", "--from-control-plane", "--org", "acme", "--journal", mirror.path,
                                                    "--results", root.appendingPathComponent("again").path] + plane + engine)
        #expect(again.status == 1)
        #expect(again.errors.contains("call-2.tdj exists with SHA-256") && again.errors.contains("2 already there"), "\(again.errors)")
        #expect(try Data(contentsOf: changed).count == (try Data(contentsOf: calls["call-2"]!)).count + 1, "the changed file is kept")

        // A manifest frozen from the index: the finished sessions, with the lengths the control plane holds.
        let manifest = root.appendingPathComponent("index.manifest").path
        let frozen = try BatchCommandTests.tapedeck(["regenerate", "--from-control-plane", "--write-manifest", manifest] + plane)
        #expect(frozen.status == 0 && frozen.errors.contains("manifest of 4 journals"), "\(frozen.errors)")
        let lines = try String(contentsOfFile: manifest, encoding: .utf8).split(separator: "\n")
        let call1 = try Data(contentsOf: calls["call-1"]!).count
        #expect(lines.count == 5 && lines.contains("\(call1)\tacme/2026-11-28/call-1.tdj"), "\(lines)")
        let org = try BatchCommandTests.tapedeck(["regenerate", "--org", "acme", "--journal", mirror.path])
        #expect(org.status != 0 && org.errors.contains("--from-control-plane"), "\(org.errors)")

        // Audits from the control plane alone.
        let verified = try BatchCommandTests.tapedeck(["verify", "--org", "acme", "--session", "call-1"] + plane)
        #expect(verified.status == 0, "\(verified.output) \(verified.errors)")
        #expect(verified.output.contains("OK       control plane: acme/2026-11-28/call-1.tdj"), "\(verified.output)")
        let prefix = try BatchCommandTests.tapedeck(["verify", "--org", "acme", "--session", "call-4"] + plane)
        #expect(prefix.status == 1 && prefix.output.contains("NOT INDEXED acme/2026-11-28/call-4.tdj"), "\(prefix.output)")
        #expect(prefix.output.contains("0 ok, 1 not ok"), "\(prefix.output)")
        let elsewhere = try BatchCommandTests.tapedeck(["verify", "--org", "globex", "--session", "call-1"] + plane)
        #expect(elsewhere.status != 0 && elsewhere.errors.contains("organization globex has no session call-1"), "\(elsewhere.errors)")
        let both = try BatchCommandTests.tapedeck(["verify", calls["call-1"]!.path, "--org", "acme", "--session", "call-1"] + plane)
        #expect(both.status != 0 && both.errors.contains("not both"), "\(both.errors)")

        let replayed = try BatchCommandTests.tapedeck(["replay", "--verify", "--quiet", "--org", "acme", "--session", "call-3"] + plane)
        #expect(replayed.status == 0, "\(replayed.output) \(replayed.errors)")
        #expect(replayed.output.split(separator: "\n").last?.hasPrefix("identical") == true, "\(replayed.output)")
        #expect(replayed.errors.contains("read acme/2026-11-28/call-3.tdj from the control plane") && replayed.errors.contains("the sealed journal"),
                "\(replayed.errors)")
        let timeline = try BatchCommandTests.tapedeck(["replay", "--org", "acme", "--session", "call-3"] + plane)
        #expect(timeline.status == 0 && timeline.output.contains("inbound-text"), "\(timeline.output) \(timeline.errors)")
        // Retention: the finished sessions' copies go, a live one's stays (a sweeper may still need it).
        let dry = try BatchCommandTests.tapedeck(["index", "prune-journals", "--before", "2026-11-29", "--dry-run"] + plane)
        #expect(dry.status == 0 && dry.output.contains("would prune the control plane's copies of 4 journals"), "\(dry.output) \(dry.errors)")
        let early = try BatchCommandTests.tapedeck(["index", "prune-journals", "--before", "2026-11-28"] + plane)
        #expect(early.output.contains("copies of 0 journals"), "the day itself is kept: \(early.output)")
        let otherOrg = try BatchCommandTests.tapedeck(["index", "prune-journals", "--before", "2026-11-29", "--org", "globex"] + plane)
        #expect(otherOrg.output.contains("copies of 0 journals"), "\(otherOrg.output)")
        let pruned = try BatchCommandTests.tapedeck(["index", "prune-journals", "--before", "2026-11-29"] + plane)
        #expect(pruned.status == 0 && pruned.output.contains("pruned the control plane's copies of 4 journals"), "\(pruned.output) \(pruned.errors)")
        let gone = try BatchCommandTests.tapedeck(["verify", "--org", "acme", "--session", "call-1"] + plane)
        #expect(gone.status != 0 && gone.errors.contains("pruned"), "\(gone.errors)")
        let live = try BatchCommandTests.tapedeck(["index", "fetch", "--org", "acme", "--session", "call-5", "-o", root.appendingPathComponent("live.tdj").path] + plane)
        #expect(live.status == 0 && live.output.contains("not sealed yet"), "\(live.output) \(live.errors)")
        let badDay = try BatchCommandTests.tapedeck(["index", "prune-journals", "--before", "yesterday"] + plane)
        #expect(badDay.status != 0 && badDay.errors.contains("yyyy-mm-dd"))

        let nothing = try BatchCommandTests.tapedeck(["replay"])
        #expect(nothing.status != 0 && nothing.errors.contains("--org ORG --session ID"), "\(nothing.errors)")
    }
}
