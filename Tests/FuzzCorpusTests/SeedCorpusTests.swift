import Audio
import Foundation
import Journal
import Testing

/// The binary seeds (journals, WAV files) are made by real writers, so the fuzzers start from
/// inputs that reach deep into the readers. Regenerate them with
/// `TAPEDECK_WRITE_FUZZ_SEEDS=1 swift test --filter SeedCorpusTests`.
@Suite(.serialized) struct SeedCorpusTests {
    static let writing = ProcessInfo.processInfo.environment["TAPEDECK_WRITE_FUZZ_SEEDS"] == "1"

    static func folder(_ target: String) -> URL { CorpusReplayTests.root.appendingPathComponent(target) }

    /// Journals of a short seed session: sealed with and without the fuzz target's key,
    /// one block per record (`always`) and several records per block, plus a torn copy.
    static func journals() throws -> [(String, [UInt8])] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-seeds-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var out: [(String, [UInt8])] = []
        let key = JournalKey(id: "fuzz", secret: Array("fuzz-journal-key".utf8))
        for (name, policy, sealingKey) in [("sealed-keyed-always", SyncPolicy.always, key as JournalKey?), ("sealed-batched", .never, nil)] {
            let url = dir.appendingPathComponent(name + ".tdj")
            var clock: UInt64 = 0
            let writer = try JournalWriter(url: url, sessionId: "fuzz-\(name)", policy: policy, key: sealingKey,
                                           monotonicNanoseconds: { clock += 1_000_000; return clock })
            _ = try writer.append(.sessionHeader, receivedAt: 1, payload: Array(#"{"dialect":"seed","sessionId":"s","media":null,"language":"en","probe":false}"#.utf8))
            _ = try writer.append(.inboundText, receivedAt: 2, payload: Array(#"{"type":"open","id":"s"}"#.utf8))
            _ = try writer.append(.outbound, receivedAt: 3, payload: Array(#"{"version":"2","type":"opened","id":"s","parameters":{}}"#.utf8))
            _ = try writer.append(.inboundBinary, receivedAt: 4, payload: (0..<160).map { UInt8(truncatingIfNeeded: $0 &* 37) })
            _ = try writer.append(.outbound, flags: .binary, receivedAt: 5, payload: [1, 2, 3])
            _ = try writer.append(.effect, receivedAt: 6, payload: Array(#"{"transcript":"merhaba"}"#.utf8))
            _ = try writer.append(.transportClosed, receivedAt: 7, payload: Array(#"{"reason":"end"}"#.utf8))
            _ = try writer.close(receivedAt: 8)
            let bytes = [UInt8](try Data(contentsOf: url))
            out.append((name, bytes))
            if policy == .always { out.append(("torn-" + name, Array(bytes.dropLast(7)))) }
        }
        return out
    }

    /// Small WAV files in every encoding the reader decodes, including WAVE_FORMAT_EXTENSIBLE.
    static func wavs() throws -> [(String, [UInt8])] {
        let tone = (0..<48).map { Float(sin(Double($0) * 0.7)) * 0.5 }
        var out = [("pcm16-mono", try WAVFile.encodePCM16(channels: [tone], sampleRate: 16000)),
                   ("pcm16-stereo", try WAVFile.encodePCM16(channels: [tone, tone.reversed()], sampleRate: 8000))]
        let samples: [UInt8] = (0..<96).map { UInt8(truncatingIfNeeded: $0 &* 29) }
        for (name, tag, bits, channels) in [("pcm8", 1, 8, 1), ("pcm24-stereo", 1, 24, 2), ("pcm32", 1, 32, 1),
                                            ("float32-stereo", 3, 32, 2), ("mulaw", 7, 8, 1)] as [(String, UInt16, Int, Int)] {
            out.append((name, wav(tag: tag, bits: bits, channels: channels, data: samples)))
        }
        out.append(("extensible-pcm16", wav(tag: 0xFFFE, bits: 16, channels: 2, data: samples, subformat: 1)))
        out.append(("odd-chunk-before-fmt", wav(tag: 1, bits: 16, channels: 1, data: samples, leading: Array("LIST".utf8) + [3, 0, 0, 0, 1, 2, 3, 0])))
        return out
    }

    static func wav(tag: UInt16, bits: Int, channels: Int, data: [UInt8], subformat: UInt16? = nil, leading: [UInt8] = []) -> [UInt8] {
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let rate = 8000, align = channels * ((bits + 7) / 8)
        var fmt = le(Int(tag), 2) + le(channels, 2) + le(rate, 4) + le(rate * align, 4) + le(align, 2) + le(bits, 2)
        if let subformat {
            fmt += le(22, 2) + le(bits, 2) + le(3, 4) + le(Int(subformat), 2)
            fmt += [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        }
        let body = Array("WAVE".utf8) + leading + Array("fmt ".utf8) + le(fmt.count, 4) + fmt + Array("data".utf8) + le(data.count, 4) + data
        return Array("RIFF".utf8) + le(body.count, 4) + body
    }

    @Test(.enabled(if: writing)) func writeBinarySeeds() throws {
        for (target, files) in [("journal", try Self.journals()), ("wav", try Self.wavs())] {
            for (name, bytes) in files {
                try Data(bytes).write(to: Self.folder(target).appendingPathComponent(name))
            }
        }
    }

    @Test func journalSeedsAreTheJournalsTheWriterMakes() throws {
        for (name, bytes) in try Self.journals() where !name.hasPrefix("torn-") {
            let committed = try Data(contentsOf: Self.folder("journal").appendingPathComponent(name))
            let key = name.contains("keyed") ? JournalKey(id: "fuzz", secret: Array("fuzz-journal-key".utf8)) : nil
            let scan = try JournalReader.scan(contentsOf: [UInt8](committed), key: key)
            #expect(scan.isSealedAndIntact, "\(name): \(String(describing: scan.damage))")
            #expect(scan.recordCount == 7)
            #expect(committed.count == bytes.count, "\(name) was written by an older writer: regenerate the seeds")
        }
    }

    @Test func wavSeedsDecode() throws {
        for (name, _) in try Self.wavs() {
            let audio = try WAVFile.decode([UInt8](try Data(contentsOf: Self.folder("wav").appendingPathComponent(name))))
            #expect(audio.frameCount > 0, "\(name)")
        }
    }
}
