import Audio
import Foundation
import Testing
@testable import Recognition

/// Beam search and the fallback on the real models (release build; the dev-set clips).
@Suite(.serialized) struct BeamSearchTests {
    static func recognizer(_ model: String, _ configure: (inout WhisperOptions) -> Void) throws -> WhisperRecognizer {
        var options = WhisperOptions()
        options.threads = 2
        configure(&options)
        return try WhisperRecognizer(modelDirectory: try ModelStore.installed(model), options: options)
    }

    static func clip(_ name: String) throws -> [Float] {
        try DevSetTests.samples(DevOracle.fixtures.appendingPathComponent("dev/\(name).wav"))
    }

    @Test func oneBeamIsGreedyDecodingExactly() throws {
        // No fallback on either side: the first pass alone is compared.
        let greedy = try Self.recognizer("tiny.en") { $0.fallback = .none }
        let beam = try Self.recognizer("tiny.en") { $0.fallback = .none; $0.decoding = .beam; $0.beamSize = 1 }
        #expect(greedy.identity != beam.identity)
        var audio = ["en-agent-1", "en-customer-2", "en-agent-3"].compactMap { try? Self.clip($0) }
        audio += WhisperOracleTests.clips.prefix(3).compactMap { try? WhisperOracleTests.samples($0.wav) }
        #expect(audio.count == 6)
        for samples in audio {
            let a = try greedy.transcribe(samples, language: nil), b = try beam.transcribe(samples, language: nil)
            #expect(!a.text.isEmpty)
            #expect(a == b, "\(a.text) | \(b.text)")
        }
        // With timestamps too (long-form decoding).
        let long = try DevSetTests.longRecording(["dev/en-agent-1.wav", "dev/en-customer-1.wav"])
        #expect(try greedy.transcribeLong(long, language: nil) == beam.transcribeLong(long, language: nil))
    }

    @Test func fiveBeamsGiveTheSameResultEveryRun() throws {
        // Beam search as the first pass on Whisper's full window (with the fitted one, tr-agent-1
        // or tr-customer-2 came back empty: see issue 12's note).
        let beam = try Self.recognizer("base") { $0.decoding = .beam; $0.beamSize = 5; $0.encoderWindow = .full }
        #expect(beam.identity.setting("decoding") == "beam" && beam.identity.setting("beam-size") == "5")
        for (name, language) in [("en-customer-1", "en"), ("tr-agent-1", "tr"), ("tr-customer-2", "tr")] {
            let samples = try Self.clip(name)
            let first = try beam.transcribe(samples, language: language)
            #expect(!first.text.isEmpty)
            #expect(!first.words.isEmpty)
            #expect(try beam.transcribe(samples, language: language) == first, "\(name)")
            // A second recognizer with the same options: nothing carried over between instances.
            let again = try Self.recognizer("base") { $0.decoding = .beam; $0.beamSize = 5; $0.encoderWindow = .full }
            #expect(try again.transcribe(samples, language: language) == first, "\(name)")
        }
    }

    @Test func theFallbackLeavesAcceptedUtterancesAsGreedyHadThem() throws {
        // On clean speech the gate accepts the first pass, so the fallback changes nothing.
        let plain = try Self.recognizer("base") { $0.fallback = .none }
        let guarded = try Self.recognizer("base") { $0.fallback = .beam }
        #expect(plain.identity != guarded.identity)
        for name in ["en-agent-2", "en-customer-3"] {
            let samples = try Self.clip(name)
            let a = try plain.transcribe(samples, language: "en")
            #expect(a.averageLogProbability > -1 && QualityGate.compressionRatio(a.text) < 2.4)
            let b = try guarded.transcribe(samples, language: "en")
            #expect(b == a, "\(name): \(MatrixThreadsTests.differences(a, b))")
        }
    }
}
