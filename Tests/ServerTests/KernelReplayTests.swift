import Audio
import Foundation
import Journal
import Pipeline
import Recognition
import TapedeckTesting
import Testing

/// `tapedeck replay --verify` runs on the kernels a journal recorded, whatever the environment
/// presets, and says "cannot reproduce here" (exit 3), not "different" (exit 1), when this
/// machine cannot run them. The session is derived in this process (on whatever kernels the test
/// runner got) and journaled as the server journals it, with this process's environment in the
/// header; the replays run in child processes with another `OPENBLAS_CORETYPE` preset.
@Suite(.serialized) struct KernelReplayTests {
    /// A seed call of espeak speech, derived here with tiny.en, replies and events journaled.
    static func journal() async throws -> (url: URL, header: SessionHeader) {
        if let made = await Made.shared.journal { return made }
        let made = try await makeJournal()
        await Made.shared.keep(made)
        return made
    }

    actor Made {
        static let shared = Made()
        var journal: (url: URL, header: SessionHeader)?
        func keep(_ made: (url: URL, header: SessionHeader)) { journal = made }
    }

    static func makeJournal() async throws -> (url: URL, header: SessionHeader) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-kernels-\(UUID().uuidString)")
        let samples = try speak("My internet has been down since Monday and nobody called me back.")
            + [Float](repeating: 0, count: 24000)
            + speak("I already gave you my account number twice, it is four five six seven.")
        let recognizer = try WhisperRecognizer(modelDirectory: try ModelStore.installed("tiny.en"), options: {
            var options = WhisperOptions()
            options.threads = 1
            options.detectableLanguages = SessionEnvironment.languages
            return options
        }())
        let environment = SessionEnvironment(engine: recognizer.identity)
        let facts = ConnectionFacts(organization: "acme", keyId: "k1", dialect: "seed", headers: [:], query: [:], path: "/v1/stream")
        let header = SessionHeader(server: "test", facts: facts, sessionId: "call-k", negotiated: "{}", components: environment.components)
        let open = #"{"type":"open","id":"call-k","parameters":{"media":[{"type":"audio","codec":"audio/pcm"}],"language":"en"}}"#
        let close = #"{"type":"close","id":"call-k","parameters":{"reason":"end"}}"#
        func write(_ url: URL, header: SessionHeader, replies: [String], events: [String]) throws {
            let writer = try JournalWriter(url: url, sessionId: "call-k")
            var t: Int64 = 1_795_824_000_000_000
            try writer.append(.sessionHeader, receivedAt: t, payload: header.encoded())
            try writer.append(.inboundText, receivedAt: t, payload: Array(open.utf8))
            let bytes = PCM.bytesLE(samples)
            for offset in stride(from: 0, to: bytes.count, by: 16000) {
                t += 500_000
                try writer.append(.inboundBinary, receivedAt: t, payload: Array(bytes[offset..<min(offset + 16000, bytes.count)]))
            }
            try writer.append(.inboundText, receivedAt: t, payload: Array(close.utf8))
            for reply in replies { try writer.append(.outbound, receivedAt: t, payload: Array(reply.utf8)) }
            for event in events { try writer.append(.outboundEvent, receivedAt: t, payload: Array(event.utf8)) }
            try writer.close(receivedAt: t)
        }
        // Derive what the server would have sent, then journal it as sent.
        let inboundOnly = root.appendingPathComponent("acme/2026-11-28/inbound.tdj")
        try write(inboundOnly, header: header, replies: [], events: [])
        let run = try await SessionRunner.run(inboundOnly, environment: environment) { try recognizer.transcribe($0.samples, language: $0.language) }
        let url = root.appendingPathComponent("acme/2026-11-28/call-k.tdj")
        try write(url, header: header, replies: run.derivedReplies, events: run.derivedEvents)
        return (url, header)
    }

    /// A copy of the journal whose header says something else (a forged or foreign recording).
    static func forged(_ change: (inout [String: String]) -> Void, event: (Int, String) -> String = { $1 }) async throws -> URL {
        let (url, header) = try await journal()
        var components = header.components
        change(&components)
        let forgedHeader = SessionHeader(server: header.server, facts: header.facts, sessionId: header.sessionId,
                                         negotiated: header.negotiated, components: components)
        let copy = url.deletingLastPathComponent().appendingPathComponent("forged-\(UUID().uuidString).tdj")
        let writer = try JournalWriter(url: copy, sessionId: header.sessionId)
        var last: Int64 = 0
        var events = 0
        try JournalReader.scan(url, key: nil) { record in
            last = record.receivedAt
            switch record.type {
            case .sessionHeader: try writer.append(.sessionHeader, receivedAt: record.receivedAt, payload: forgedHeader.encoded())
            case .outboundEvent:
                try writer.append(.outboundEvent, receivedAt: record.receivedAt, payload: Array(event(events, record.text ?? "").utf8))
                events += 1
            case .sessionFooter: break  // the writer seals the copy itself
            default: try writer.append(record.type, receivedAt: record.receivedAt, payload: record.payload)
            }
        }
        try writer.close(receivedAt: last)
        return copy
    }

    /// A core type this CPU runs that is not the recorded one: what a CI machine's preset does.
    static func otherRunnableCore(than recorded: String) -> String? {
        let flags = BLASTuning.cpuFlags()
        return ["Haswell", "SkylakeX", "Prescott"].first { core in
            core.lowercased() != recorded.lowercased() && (BLASTuning.requiredFlags(core: core) ?? ["?"]).allSatisfy(flags.contains)
        }
    }

    @Test func theHeaderNamesTheKernelsTheSessionRanOn() async throws {
        let (_, header) = try await Self.journal()
        let recorded = try #require(NumericEnvironment(recorded: header.components))
        #expect(recorded.blasCore == BLASTuning.coreName)
        #expect(recorded.blasVersion == BLASTuning.version && recorded.blasVersion != "unknown")
        #expect(recorded.threads == 1)
        #expect(recorded.modelDigest.count >= 12)
        #expect(header.components["engine.blas"] == "openblas-\(BLASTuning.version)")
    }

    @Test func aReplayForcesTheRecordedKernelsOverAPresetOne() async throws {
        let (url, header) = try await Self.journal()
        let recorded = try #require(NumericEnvironment(recorded: header.components))
        guard let preset = Self.otherRunnableCore(than: recorded.blasCore) else {
            print("skipped: this CPU runs no OpenBLAS core type besides \(recorded.blasCore) to preset")
            return
        }
        let ran = try BatchCommandTests.tapedeck(["replay", "--verify", "--quiet", url.path],
                                                 environment: ["OPENBLAS_CORETYPE": preset, "TAPEDECK_KERNELS": recorded.kernels == .avx2 ? "portable" : "avx2"])
        #expect(ran.status == 0, "\(ran.output) \(ran.errors)")
        #expect(ran.output.contains("identical"), "\(ran.output)")
        #expect(ran.errors.contains("OPENBLAS_CORETYPE=\(preset) is set here"), "the override is said, not silent: \(ran.errors)")
    }

    @Test func kernelsThisMachineCannotRunAreCannotReproduceNotDifferent() async throws {
        for (what, change) in [("a core type of another architecture", { (c: inout [String: String]) in c["engine.blas-core"] = "NeoverseN1" }),
                               ("another OpenBLAS version", { (c: inout [String: String]) in c["engine.blas"] = "openblas-0.3.99" })] {
            let url = try await Self.forged(change)
            let ran = try BatchCommandTests.tapedeck(["replay", "--verify", "--quiet", url.path])
            #expect(ran.status == 3, "\(what): \(ran.output) \(ran.errors)")
            #expect(ran.output.contains("cannot reproduce here"), "\(what): \(ran.output)")
            #expect(!ran.output.contains("DIFFERENT"), "\(what)")
        }
        let version = try BatchCommandTests.tapedeck(["replay", "--verify", "--quiet", try await Self.forged { $0["engine.blas"] = "openblas-0.3.99" }.path])
        #expect(version.output.contains("recorded 0.3.99, here \(BLASTuning.version)"), "\(version.output)")
        // AVX-512 kernels on a CPU without AVX-512: only a CPU that lacks it can check this.
        let flags = BLASTuning.cpuFlags()
        if (BLASTuning.requiredFlags(core: "SkylakeX") ?? []).allSatisfy(flags.contains) {
            print("skipped: this CPU has AVX-512, so a SkylakeX recording is reproducible here")
        } else {
            let ran = try BatchCommandTests.tapedeck(["replay", "--verify", "--quiet", try await Self.forged { $0["engine.blas-core"] = "SkylakeX" }.path])
            #expect(ran.status == 3 && ran.output.contains("this CPU lacks"), "\(ran.output)")
        }
    }

    @Test func allowKernelChangeDerivesAnywayAndSaysWhatDiffers() async throws {
        let url = try await Self.forged { $0["engine.blas"] = "openblas-0.3.99" }
        let ran = try BatchCommandTests.tapedeck(["replay", "--verify", "--quiet", "--allow-kernel-change", url.path])
        // Same kernels in fact (only the version was forged): it derives and finds them identical.
        #expect(ran.status == 0, "\(ran.output) \(ran.errors)")
        #expect(ran.errors.contains("deriving on this machine's kernels"), "\(ran.errors)")
        // The first event's end time nudged by 2 ms (as other kernels nudge numbers): listed,
        // with where and by how much, and the verdict is "different".
        let nudged = try await Self.forged({ $0["engine.blas"] = "openblas-0.3.99" }, event: Self.nudgeFirstFraction)
        let changed = try BatchCommandTests.tapedeck(["replay", "--verify", "--quiet", "--allow-kernel-change", nudged.path])
        #expect(changed.status == 1, "\(changed.output) \(changed.errors)")
        #expect(changed.output.contains("DIFFERENT in 1 of"), "\(changed.output)")
        #expect(changed.output.contains("1 number differs, at most 0.002"), "\(changed.output)")
    }

    /// The first event with its utterance's end time moved by 2 ms (seed events carry times,
    /// not confidences; other kernels move either by a rounding step).
    static func nudgeFirstFraction(_ index: Int, _ event: String) -> String {
        guard index == 0, let range = event.range(of: #"(?<="end":)[0-9]+\.[0-9]+"#, options: .regularExpression),
              let value = Double(event[range]) else { return event }
        return event.replacingCharacters(in: range, with: String(format: "%.3f", value + 0.002))
    }
}
