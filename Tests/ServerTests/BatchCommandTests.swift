import Foundation
import Testing
@testable import Journal
import Pipeline

/// `tapedeck regenerate` and `tapedeck replay` on journals that cannot be derived: each such
/// session is reported with its reason, the others go on, and the exit status says so.
@Suite(.serialized) struct BatchCommandTests {
    struct Ran {
        var status: Int32
        var signaled: Bool
        var output: String
        var errors: String
    }

    static func tapedeck(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Ran {
        let process = Process()
        process.executableURL = LiveCallTests.tapedeck
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting: a full pipe would block the child forever.
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Ran(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                   output: String(decoding: output, as: UTF8.self), errors: String(decoding: errors, as: UTF8.self))
    }

    /// A seed session journaled as the server writes it: header, the given text messages and
    /// 500 ms frames of silence, transport closed, sealed. `onWritten` sees each byte range as a
    /// cluster node ships it.
    static func writeJournal(root: URL, id: String, dialect: String = "seed", negotiated: String = "{}", messages: [String], frames: Int = 2,
                             frameBytes: Int = 16000, policy: SyncPolicy = .default, sealed: Bool = true,
                             onWritten: (@Sendable (_ offset: Int, _ bytes: [UInt8]) -> Void)? = nil) throws -> URL {
        let url = root.appendingPathComponent("acme/2026-11-28/\(id).tdj")
        let facts = ConnectionFacts(organization: "acme", keyId: "k1", dialect: dialect, headers: [:], query: [:], path: "/v1/stream")
        let header = SessionHeader(server: "test", facts: facts, sessionId: id, negotiated: negotiated, components: [:])
        let writer = try JournalWriter(url: url, sessionId: id, policy: policy, onWritten: onWritten)
        var t: Int64 = 1_795_824_000_000_000
        try writer.append(.sessionHeader, receivedAt: t, payload: header.encoded())
        for message in messages {
            t += 1000
            try writer.append(.inboundText, receivedAt: t, payload: Array(message.utf8))
        }
        for _ in 0..<frames {
            t += 500_000
            try writer.append(.inboundBinary, receivedAt: t, payload: [UInt8](repeating: 0, count: frameBytes))
        }
        // Unsealed: as a node killed mid-call leaves it (with `.always`, every record is on disk).
        guard sealed else { return url }
        try writer.append(.transportClosed, receivedAt: t, payload: Array(#"{"reason":"client closed"}"#.utf8))
        try writer.close(receivedAt: t)
        return url
    }

    static func open(_ id: String) -> String {
        #"{"type":"open","id":"\#(id)","parameters":{"media":[{"type":"audio","codec":"audio/pcm"}],"language":"en"}}"#
    }

    static func scratch() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    @Test func aSessionWhoseDerivationCrashesFailsAloneAndTheRestAreWritten() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let journals = root.appendingPathComponent("journal"), results = root.appendingPathComponent("results")
        for id in ["good-1", "poison", "good-2"] { _ = try Self.writeJournal(root: journals, id: id, messages: [Self.open(id)]) }
        let ran = try Self.tapedeck(["regenerate", "--journal", journals.path, "--results", results.path, "--model", "tiny.en", "--jobs", "2"],
                                    environment: ["TAPEDECK_FAULT_TRAP_SESSION": "poison"])
        #expect(!ran.signaled, "regenerate itself must not crash")
        #expect(ran.status == 1, "some sessions failed: \(ran.errors)")
        #expect(ran.errors.contains("poison.tdj: the derivation crashed with signal"), "\(ran.errors)")
        #expect(ran.errors.contains("2 sessions regenerated"), "\(ran.errors)")
        for id in ["good-1", "good-2"] {
            #expect(FileManager.default.fileExists(atPath: results.appendingPathComponent("acme/2026-11-28/\(id).csv").path))
        }
        #expect(!FileManager.default.fileExists(atPath: results.appendingPathComponent("acme/2026-11-28/poison.csv").path))
    }

    /// A worker that cannot start (here: no such model) fails the run once, with its reason,
    /// instead of being restarted for every journal.
    @Test func aWorkerThatCannotStartIsNotRestartedForEveryJournal() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let journals = root.appendingPathComponent("journal"), results = root.appendingPathComponent("results")
        for id in ["a", "b", "c", "d"] { _ = try Self.writeJournal(root: journals, id: id, messages: [Self.open(id)]) }
        let ran = try Self.tapedeck(["regenerate", "--journal", journals.path, "--results", results.path, "--model", "no-such-model", "--jobs", "1"])
        #expect(ran.status == 1)
        #expect(ran.errors.contains("4 of 4 sessions could not be regenerated"), "\(ran.errors)")
        #expect(ran.errors.components(separatedBy: "could not start").count - 1 == 3, "the three journals after the first are failed without a new worker: \(ran.errors)")
        #expect(ran.errors.components(separatedBy: "is not installed").count - 1 == 1, "one worker started, so its error appears once: \(ran.errors)")
    }

    static let hookId = "e160e428-53e2-487c-977d-96989bf5c99d"
    static let hookOpen = #"{"version":"2","id":"\#(hookId)","type":"open","seq":1,"serverseq":0,"position":"PT0S","parameters":{"organizationId":"d7934305-0972-4844-938e-9060eef73d05","conversationId":"090eaa2f-72fa-480a-83e0-8667ff89c0ec","participant":{"id":"883efee8-3d6c-4537-b500-6d7ca4b92fa0","ani":"+1","aniName":"x","dnis":"+2"},"media":[{"type":"audio","format":"PCMU","channels":["external","internal"],"rate":8000}]}}"#

    /// Journals holding the messages that once trapped the server (with `--journal-sync always`
    /// they were on disk before the crash): they derive like any other, and replay says whether
    /// the replies match — never crashes.
    @Test func journaledOverflowMessagesAreDerivedNotCrashedOn() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let journals = root.appendingPathComponent("journal"), results = root.appendingPathComponent("results")
        let hugePosition = try Self.writeJournal(root: journals, id: "huge-position", dialect: "audiohook", messages: [
            #"{"version":"2","id":"\#(Self.hookId)","type":"open","seq":1,"serverseq":0,"position":"PT9999999999999S","parameters":{}}"#,
        ], frames: 0)
        let hugeGap = try Self.writeJournal(root: journals, id: "huge-gap", dialect: "audiohook", messages: [
            Self.hookOpen,
            #"{"version":"2","id":"\#(Self.hookId)","type":"discarded","seq":2,"serverseq":1,"position":"PT0S","parameters":{"start":"PT0S","discarded":"PT2000000000S"}}"#,
        ], frames: 1, frameBytes: 3200)
        let regenerated = try Self.tapedeck(["regenerate", "--journal", journals.path, "--results", results.path, "--model", "tiny.en", "--jobs", "1"])
        #expect(regenerated.status == 0, "\(regenerated.errors)")
        #expect(regenerated.errors.contains("2 sessions regenerated"), "\(regenerated.errors)")
        for journal in [hugePosition, hugeGap] {
            let replayed = try Self.tapedeck(["replay", "--verify", "--quiet", journal.path])
            #expect(!replayed.signaled)
            // Nothing was journaled as sent, so the build's answers count as undelivered (identical)
            // or as different — either is a verdict; 2 would mean it could not replay.
            #expect([0, 1].contains(replayed.status), "a verdict, not a crash (\(replayed.errors))")
        }
    }

    @Test func replaySaysPlainlyWhenItCannotReplayAtAll() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let junk = root.appendingPathComponent("junk.tdj")
        try Data("not a journal".utf8).write(to: junk)
        let unreadable = try Self.tapedeck(["replay", "--verify", junk.path])
        #expect(unreadable.status == 2, "\(unreadable.errors)")
        #expect(unreadable.errors.contains("cannot replay"))

        // No messages, no audio: nothing to answer, so an honest replay is identical.
        let journal = try Self.writeJournal(root: root.appendingPathComponent("journal"), id: "trap", messages: [], frames: 0)
        let crashed = try Self.tapedeck(["replay", "--verify", journal.path], environment: ["TAPEDECK_FAULT_TRAP_SESSION": "trap"])
        #expect(!crashed.signaled)
        #expect(crashed.status == 2)
        #expect(crashed.errors.contains("crashed with signal"), "\(crashed.errors)")

        let fine = try Self.tapedeck(["replay", "--verify", "--quiet", journal.path])
        #expect(fine.status == 0, "\(fine.output) \(fine.errors)")
        #expect(fine.output.split(separator: "\n").last?.hasPrefix("identical") == true, "\(fine.output)")
    }

    /// The tree of files under `root`, path → bytes, for byte-for-byte comparison of result folders.
    static func tree(_ root: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let base = root.standardizedFileURL.path
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) ?? FileManager.DirectoryEnumerator() {
            let path = url.standardizedFileURL.path
            guard !path.contains("/.cache/"), let data = FileManager.default.contents(atPath: path), !url.hasDirectoryPath else { continue }
            files[String(path.dropFirst(base.count + 1))] = data
        }
        return files
    }

    /// A frozen manifest split three ways gives exactly the files one process writes, journals
    /// added after the manifest are left for the next run, and one that changed is named.
    @Test func threeShardsOfAManifestWriteExactlyWhatOneProcessWrites() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let journals = root.appendingPathComponent("journal"), manifest = root.appendingPathComponent("batch.manifest").path
        let ids = (1...7).map { "call-\($0)" }
        for id in ids { _ = try Self.writeJournal(root: journals, id: id, messages: [Self.open(id)]) }
        let written = try Self.tapedeck(["regenerate", "--journal", journals.path, "--write-manifest", manifest])
        #expect(written.status == 0 && written.errors.contains("manifest of 7 journals"), "\(written.errors)")
        // Arrives after the manifest: in no shard of this run.
        _ = try Self.writeJournal(root: journals, id: "late", messages: [Self.open("late")])
        let common = ["--journal", journals.path, "--model", "tiny.en", "--jobs", "1", "--no-cache"]
        let single = try Self.tapedeck(["regenerate", "--results", root.appendingPathComponent("single").path, "--manifest", manifest] + common)
        #expect(single.status == 0, "\(single.errors)")
        var regenerated = 0
        for index in 1...3 {
            let ran = try Self.tapedeck(["regenerate", "--results", root.appendingPathComponent("array").path, "--manifest", manifest,
                                         "--shard", "\(index)/3"] + common)
            #expect(ran.status == 0, "\(ran.errors)")
            regenerated += Int(ran.errors.components(separatedBy: " sessions regenerated").first?.split(separator: "\n").last.map(String.init) ?? "") ?? -100
        }
        #expect(regenerated == 7, "each session in exactly one shard")
        let one = Self.tree(root.appendingPathComponent("single")), three = Self.tree(root.appendingPathComponent("array"))
        #expect(one.count == 14, "two CSVs for each of the 7 frozen sessions: \(one.keys.sorted())")
        #expect(one == three, "byte-identical results")
        #expect(!one.keys.contains { $0.contains("late") })

        // A frozen journal that grew since: named, and the run says so in its exit status.
        let grown = journals.appendingPathComponent("acme/2026-11-28/call-3.tdj")
        let handle = try FileHandle(forWritingTo: grown)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        let after = try Self.tapedeck(["regenerate", "--results", root.appendingPathComponent("again").path, "--manifest", manifest] + common)
        #expect(after.status == 1)
        #expect(after.errors.contains("call-3.tdj: changed since the manifest was written"), "\(after.errors)")
        #expect(after.errors.contains("6 sessions regenerated"), "\(after.errors)")

        let bad = try Self.tapedeck(["regenerate", "--journal", journals.path, "--manifest", root.appendingPathComponent("missing").path])
        #expect(bad.status != 0 && bad.errors.contains("cannot read the manifest"), "\(bad.errors)")
    }
}
