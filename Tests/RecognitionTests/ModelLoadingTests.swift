import Foundation
import Testing
@testable import Recognition

@Suite struct ModelLoadingTests {
    /// tools/test installs these with tools/fetch-models before running the tests.
    @Test(arguments: [("tiny.en", 384, 4, 6, 51864), ("base", 512, 6, 8, 51865)])
    func installedModelsParseWithWhisperShapes(_ name: String, _ width: Int, _ layers: Int, _ heads: Int, _ vocabulary: Int) throws {
        let directory = try ModelStore.installed(name)
        let model = try CTranslate2Model(url: directory.appendingPathComponent("model.bin"))
        #expect(model.spec == "WhisperSpec")
        #expect(try model.tensor("decoder/embeddings/weight").shape == [vocabulary, width])
        #expect(try model.tensor("encoder/conv1/weight").shape == [width, 80, 3])
        #expect(try model.tensor("encoder/position_encodings/encodings").shape == [1500, width])
        #expect(try model.integer("encoder/num_heads") == heads)
        #expect(model.tensors.keys.filter { $0.hasPrefix("encoder/layer_") && $0.hasSuffix("ffn/linear_0/weight") }.count == layers)
        let gamma = try model.floats("encoder/layer_norm/gamma")
        #expect(gamma.count == width && gamma.allSatisfy { $0.isFinite } && gamma.contains { $0 != 0 })
        #expect(ModelStore.digest(of: directory)?.count == 64)
    }

    @Test func aTruncatedModelIsReportedAsSuch() throws {
        let source = try ModelStore.installed("tiny.en").appendingPathComponent("model.bin")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = dir.appendingPathComponent("model.bin")
        let handle = try FileHandle(forReadingFrom: source)
        try handle.readData(ofLength: 5_000_000).write(to: cut)
        try handle.close()
        #expect {
            _ = try CTranslate2Model(url: cut)
        } throws: { error in
            guard case RecognitionError.truncatedModel(_, let needed, let size)? = error as? RecognitionError else { return false }
            return size == 5_000_000 && needed > size && "\(error)".contains("truncated")
        }
    }

    @Test func aMissingModelSaysHowToInstallIt() {
        #expect {
            _ = try ModelStore.installed("no-such-model")
        } throws: { error in
            "\(error)".contains("tools/fetch-models no-such-model")
        }
    }

    @Test func halfPrecisionWidensExactly() {
        #expect(Half.float(0x3C00) == 1)
        #expect(Half.float(0xC000) == -2)
        #expect(Half.float(0x7BFF) == 65504)
        #expect(Half.float(0x0001) == Float(sign: .plus, exponent: -24, significand: 1))
        #expect(Half.float(0x7C00) == .infinity)
        #expect(Half.float(0x7E00).isNaN)
        #expect(Half.float(0x8000) == 0 && Half.float(0x8000).sign == .minus)
    }
}

@Suite struct LogMelTests {
    struct Oracle: Decodable {
        var samples: [Float]
        var frames: Int
        var mel: [[Float]]
    }

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/recognition")
    }

    @Test func featuresMatchFasterWhisper() throws {
        let oracle = try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("mel-oracle.json")))
        let features = LogMelSpectrogram().features(oracle.samples)
        #expect(features.count == 80 * 3000)
        var worst: Float = 0
        for f in 0..<oracle.frames {
            for m in 0..<80 { worst = max(worst, abs(features[m * 3000 + f] - oracle.mel[f][m])) }
        }
        #expect(worst < 2e-3, "largest difference \(worst)")
    }

    @Test func silenceIsFlat() {
        let features = LogMelSpectrogram().features([Float](repeating: 0, count: 16000))
        #expect(Set(features).count == 1)
    }
}

@Suite struct BLASTuningTests {
    @Test func genericKernelsAreUpgradedOnlyWhenTheCPUAllows() {
        let avx512: Set<String> = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq"]
        #expect(BLASTuning.betterCoreType(current: "Prescott", flags: avx512) == "SkylakeX")
        #expect(BLASTuning.betterCoreType(current: "Prescott", flags: ["avx2", "fma"]) == "Haswell")
        #expect(BLASTuning.betterCoreType(current: "Prescott", flags: ["sse3"]) == nil)
        #expect(BLASTuning.betterCoreType(current: "SkylakeX", flags: avx512) == nil, "a recognised CPU is left alone")
        #expect(!BLASTuning.coreName.isEmpty)
    }
}

/// A stand-in recognizer that records how many calls overlap, to check the pool's bound.
final class CountingRecognizer: SpeechRecognizer, @unchecked Sendable {
    let identity = EngineIdentity(engine: "counting", model: "none", modelDigest: "")
    private let lock = NSLock()
    private(set) var running = 0
    private(set) var peak = 0

    func transcribe(_ samples: [Float], language: String?) throws -> Transcription {
        lock.lock(); running += 1; peak = max(peak, running); lock.unlock()
        usleep(20_000)
        lock.lock(); running -= 1; lock.unlock()
        return Transcription(text: "\(samples.count)", language: language ?? "en", languageProbability: 1, noSpeechProbability: 0,
                             averageLogProbability: 0, words: [])
    }
}

@Suite struct WorkerPoolTests {
    @Test func concurrencyIsBoundedAndEveryRequestGetsItsOwnAnswer() async throws {
        let recognizer = CountingRecognizer()
        let pool = RecognitionWorkerPool(recognizer: recognizer, workers: 2)
        let texts = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 1...8 {
                group.addTask { (i, try await pool.transcribe([Float](repeating: 0, count: i), language: nil).text) }
            }
            var results: [Int: String] = [:]
            for try await (i, text) in group { results[i] = text }
            return results
        }
        #expect(texts == Dictionary(uniqueKeysWithValues: (1...8).map { ($0, "\($0)") }))
        #expect(recognizer.peak <= 2)
        #expect(pool.pending == 0)
    }
}
