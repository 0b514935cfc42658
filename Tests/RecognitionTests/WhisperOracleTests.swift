import Audio
import Foundation
import TapedeckTesting
import Testing
@testable import Recognition

/// Word error rate after light normalisation (case, punctuation, hyphens, titles).
func wordErrors(_ hypothesis: String, _ reference: String) -> (errors: Int, words: Int) {
    func words(_ s: String) -> [String] {
        let cleaned = s.lowercased().replacingOccurrences(of: "-", with: " ")
            .unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "'" || $0 == " " ? Character($0) : " " }
        return String(cleaned).split(separator: " ").map { w in
            switch w { case "mr": return "mister"; case "mrs": return "missus"; default: return String(w) }
        }
    }
    let h = words(hypothesis), r = words(reference)
    var row = Array(0...h.count)
    for i in 1...max(r.count, 1) where !r.isEmpty {
        var next = [i] + Array(repeating: 0, count: h.count)
        for j in 1...max(h.count, 1) where !h.isEmpty {
            next[j] = min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1))
        }
        row = next
    }
    return (r.isEmpty ? h.count : row[h.count], r.count)
}

struct OracleClip: Decodable {
    var clip: String
    var reference: String
    var tinyEn: String
    var tinyEn8k: String
    var base: String
    var base8k: String
    var baseDetectedLanguage: String

    enum CodingKeys: String, CodingKey {
        case clip, reference, base
        case tinyEn = "tiny.en", tinyEn8k = "tiny.en-8k", base8k = "base-8k", baseDetectedLanguage = "base-detected-language"
    }

    var wav: URL { URL(fileURLWithPath: "/usr/share/pocketsphinx/test/data/librivox/\(clip).wav") }
}

/// Compares our engine with stored faster-whisper outputs on the same model files and settings
/// (tools/asr/make-oracle.py). Needs the models from tools/fetch-models and Debian's
/// pocketsphinx-testdata, both installed by tools/setup.
@Suite(.serialized) struct WhisperOracleTests {
    static let clips: [OracleClip] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/recognition/oracle.json")
        struct File: Decodable { var clips: [OracleClip] }
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).clips) ?? []
    }()

    // Whisper's own 30 s window: these tests hold the engine to faster-whisper's output.
    static let tiny = Result { try WhisperRecognizer(model: "tiny.en", threads: 2, encoderWindow: .full) }
    static let base = Result { try WhisperRecognizer(model: "base", threads: 2, encoderWindow: .full) }

    static func samples(_ url: URL) throws -> [Float] { try speechSamples(contentsOf: url) }

    /// The clip as a phone line carries it: 8 kHz µ-law made by sox, back to 16 kHz by our resampler.
    static func telephony(_ url: URL) throws -> [Float] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-8k-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: out) }
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sox.arguments = ["sox", url.path, "-r", "8000", "-e", "u-law", out.path]
        try sox.run()
        sox.waitUntilExit()
        return try samples(out)
    }

    @Test func oracleAndClipsArePresent() {
        #expect(Self.clips.count == 5)
        #expect(Self.clips.allSatisfy { FileManager.default.fileExists(atPath: $0.wav.path) })
    }

    @Test func tinyEnGivesTheOraclesTextOnEveryClip() throws {
        let recognizer = try Self.tiny.get()
        for clip in Self.clips {
            let result = try recognizer.transcribe(try Self.samples(clip.wav), language: nil)
            #expect(result.text == clip.tinyEn, "\(clip.clip)")
            #expect(result.language == "en")
            #expect(!result.words.isEmpty && result.words.allSatisfy { $0.end >= $0.start })
        }
    }

    @Test func werOnRealAndTelephonySpeechIsWithinOnePointOfTheOracle() throws {
        let recognizer = try Self.tiny.get()
        var ours = (clean: 0, phone: 0), oracle = (clean: 0, phone: 0), words = 0
        for clip in Self.clips {
            let clean = try recognizer.transcribe(try Self.samples(clip.wav), language: nil).text
            let phone = try recognizer.transcribe(try Self.telephony(clip.wav), language: nil).text
            ours.clean += wordErrors(clean, clip.reference).errors
            ours.phone += wordErrors(phone, clip.reference).errors
            oracle.clean += wordErrors(clip.tinyEn, clip.reference).errors
            oracle.phone += wordErrors(clip.tinyEn8k, clip.reference).errors
            words += wordErrors("", clip.reference).words
        }
        let rate = { (errors: Int) in 100 * Double(errors) / Double(words) }
        #expect(rate(ours.clean) <= rate(oracle.clean) + 1, "ours \(rate(ours.clean))% vs oracle \(rate(oracle.clean))%")
        #expect(rate(ours.phone) <= rate(oracle.phone) + 1, "8 kHz: ours \(rate(ours.phone))% vs oracle \(rate(oracle.phone))%")
    }

    @Test func multilingualBaseDetectsEnglishAndMatchesTheOracle() throws {
        let recognizer = try Self.base.get()
        let clip = try #require(Self.clips.first)
        let samples = try Self.samples(clip.wav)
        let detected = try recognizer.transcribe(samples, language: nil)
        #expect(detected.language == clip.baseDetectedLanguage)
        #expect(detected.languageProbability > 0.5)
        #expect(try recognizer.transcribe(samples, language: "en").text == clip.base)
    }

    @Test func silenceAndNoiseProduceNoWords() throws {
        let recognizer = try Self.tiny.get()
        var state: UInt64 = 99
        let noise = (0..<48000).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000 * 0.02
        }
        for (name, audio) in [("silence", [Float](repeating: 0, count: 48000)), ("noise", noise)] {
            let result = try recognizer.transcribe(audio, language: nil)
            #expect(result.words.isEmpty, "\(name) gave \"\(result.text)\"")
        }
    }

    @Test func sameInputSameOutput() throws {
        let recognizer = try Self.tiny.get()
        let samples = try Self.samples(try #require(Self.clips.last).wav)
        #expect(try recognizer.transcribe(samples, language: nil) == recognizer.transcribe(samples, language: nil))
    }
}
