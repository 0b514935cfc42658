import Foundation
import Testing
@testable import Recognition

/// OpenBLAS's thread count is process-wide and changes a product's last bits (on the Haswell
/// and Prescott kernels; the AVX-512 ones happen not to). A transcription must come out the same
/// whatever other recognizers of the process do meanwhile: BeamSearchTests' fallback check
/// failed when DevSetTests' 1-thread recognizer, in a suite running at the same time, set the
/// count under its 2-thread transcriptions.
@Suite(.serialized) struct MatrixThreadsTests {
    @Test func aTranscriptionKeepsItsBitsWhileARecognizerWithAnotherThreadCountRuns() async throws {
        let two = try WhisperRecognizer(model: "tiny.en", threads: 2)
        let one = try WhisperRecognizer(model: "tiny.en", threads: 1)
        let samples = try DevSetTests.samples(DevOracle.fixtures.appendingPathComponent("dev/en-customer-2.wav"))
        let other = try DevSetTests.samples(DevOracle.fixtures.appendingPathComponent("dev/en-agent-1.wav"))
        let alone = try two.transcribe(samples, language: "en")
        #expect(!alone.text.isEmpty)
        // The 1-thread recognizer transcribes over and over on its own thread meanwhile.
        let stop = Flag()
        let busy = Thread {
            while !stop.isSet { _ = try? one.transcribe(other, language: "en") }
        }
        busy.start()
        defer { stop.set() }
        for round in 0..<3 {
            let together = try two.transcribe(samples, language: "en")
            #expect(together == alone, "round \(round): \(Self.differences(alone, together))")
        }
    }

    /// Which fields of two transcriptions differ, for a failure message.
    static func differences(_ a: Transcription, _ b: Transcription) -> String {
        var out: [String] = []
        if a.text != b.text { out.append("text \"\(a.text)\" → \"\(b.text)\"") }
        if a.languageProbability != b.languageProbability { out.append("languageProbability \(a.languageProbability) → \(b.languageProbability)") }
        if a.noSpeechProbability != b.noSpeechProbability { out.append("noSpeechProbability \(a.noSpeechProbability) → \(b.noSpeechProbability)") }
        if a.averageLogProbability != b.averageLogProbability { out.append("averageLogProbability \(a.averageLogProbability) → \(b.averageLogProbability)") }
        for (i, (u, v)) in zip(a.words, b.words).enumerated() where u != v {
            out.append("word \(i) \(u.text)@\(u.start)-\(u.end) p=\(u.probability) → \(v.text)@\(v.start)-\(v.end) p=\(v.probability)")
        }
        if a.words.count != b.words.count { out.append("\(a.words.count) words → \(b.words.count)") }
        return out.isEmpty ? "equal" : out.joined(separator: "; ")
    }
}

final class Flag: @unchecked Sendable {  // one Bool behind a lock
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
