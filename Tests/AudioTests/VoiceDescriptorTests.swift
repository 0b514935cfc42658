import Foundation
import Testing
import TapedeckTesting
@testable import Audio

/// The voice descriptor tells two people on one line apart by pitch, and says nothing it cannot measure.
@Suite struct VoiceDescriptorTests {
    @Test func aToneHasItsOwnPitchAndSilenceHasNone() {
        for hz in [90.0, 150.0, 240.0, 330.0] {
            let tone = (0..<16000).map { Float(0.3 * sin(2 * Double.pi * hz * Double($0) / 16000)) }
            let voice = VoiceDescriptor.describe(tone)
            #expect(abs((voice.medianPitch ?? 0) - hz) < hz * 0.02, "\(hz) Hz measured as \(String(describing: voice.medianPitch))")
            #expect(voice.voicedFraction > 0.9)
        }
        #expect(VoiceDescriptor.describe([Float](repeating: 0, count: 16000)).medianPitch == nil)
        #expect(VoiceDescriptor.describe([0.1, -0.1]).frames == 0, "too short to measure")
        // Noise is not voiced.
        var seed: UInt32 = 12345
        let noise = (0..<16000).map { _ -> Float in seed = seed &* 1664525 &+ 1013904223; return Float(Int32(bitPattern: seed)) / Float(Int32.max) * 0.3 }
        #expect(VoiceDescriptor.describe(noise).medianPitch == nil)
    }

    /// Real speech (espeak-ng; pitch needs no intelligibility, so plain espeak Turkish serves): the
    /// same voice's utterances agree within a few semitones, a male
    /// and a female voice are more than half an octave apart, in English and in Turkish.
    @Test(arguments: [("en-us", "en-us+f3", ["Thank you for calling, my name is Sam, how can I help you today?",
                                               "I was charged twice for the same order and nobody called me back.",
                                               "Let me check that for you, one moment please."]),
                      ("tr", "tr+f3", ["Merhaba, size nasıl yardımcı olabilirim?",
                                             "Faturam iki kez kesildi ve kimse beni aramadı.",
                                             "Hemen kontrol ediyorum, bir dakika lütfen."])])
    func twoVoicesOnOneLineArePitchesApart(_ low: String, _ high: String, _ sentences: [String]) throws {
        var lows: [VoiceDescriptor] = [], highs: [VoiceDescriptor] = []
        for sentence in sentences {
            lows.append(VoiceDescriptor.describe(try speak(sentence, voice: low)))
            highs.append(VoiceDescriptor.describe(try speak(sentence, voice: high)))
        }
        print("voices \(low): \(lows.map { $0.medianPitch ?? 0 }) \(high): \(highs.map { $0.medianPitch ?? 0 })")
        for group in [lows, highs] {
            for a in group { for b in group { #expect((a.pitchDistance(to: b) ?? 9) < 0.25, "one voice: \(group.map(\.medianPitch))") } }
        }
        for a in lows { for b in highs { #expect((a.pitchDistance(to: b) ?? 0) > 0.5, "\(low) \(a.medianPitch ?? 0) Hz vs \(high) \(b.medianPitch ?? 0) Hz") } }
    }

    /// Recorded speech over a telephone line: 300–3400 Hz, 8 kHz µ-law, decoded by the audio stage as a call's
    /// audio is. `input` are sox's arguments for reading the file.
    static func overTheTelephone(_ input: [String]) throws -> [Float] {
        let ulaw = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-phone-\(UUID().uuidString).ul")
        defer { try? FileManager.default.removeItem(at: ulaw) }
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // -D: no dither, which sox otherwise adds with a fresh random seed each run.
        sox.arguments = ["sox", "-D"] + input + ["-t", "raw", "-r", "8000", "-e", "mu-law", "-c", "1", ulaw.path, "sinc", "300-3400"]
        try sox.run()
        sox.waitUntilExit()
        var stage = try AudioStage(format: AudioFormat(encoding: .pcmu, sampleRate: 8000, channels: 1))
        return try stage.append([UInt8](Data(contentsOf: ulaw))).channels[0] + stage.finish().channels[0]
    }

    /// Read speech by real people (pocketsphinx-testdata, installed by tools/setup), not a synthesizer's steady
    /// voice: one reader's sentences stay one pitch group, and readers of different sex are groups apart.
    @Test func realReadersOverTheTelephone() throws {
        let data = "/usr/share/pocketsphinx/test/data/"
        let reader = try (["0870", "0880", "0890", "0920", "0930"]).map {
            VoiceDescriptor.describe(try Self.overTheTelephone([data + "librivox/sense_and_sensibility_01_austen_64kb-\($0).wav"]))
        }
        let raw = ["-t", "raw", "-r", "16000", "-e", "signed", "-b", "16", "-c", "1"]
        let others = try ["goforward.raw", "numbers.raw", "something.raw", "tidigits/dhd.2934z.raw"].map {
            VoiceDescriptor.describe(try Self.overTheTelephone(raw + [data + $0]))
        }
        let cards = try (1...5).map { VoiceDescriptor.describe(try Self.overTheTelephone([data + "cards/00\($0).wav"])) }
        print("reader \(reader.map { $0.medianPitch ?? 0 }) \(reader.map(\.voicedFraction))")
        print("others \(others.map { $0.medianPitch ?? 0 }) cards \(cards.map { $0.medianPitch ?? 0 })")
        // Every recording here is a man's voice: 80–135 Hz, each with a pitch the analyzer would use.
        for voice in reader + others + cards {
            let pitch = try #require(voice.reliablePitch, "\(voice)")
            #expect(pitch > 80 && pitch < 135, "\(voice)")
        }
        // One reader's sentences spread by up to half an octave (far more than a synthesizer's: the bench's wobble is
        // set to match), and two men's voices overlap: pitch alone does not tell them apart.
        let octaves = reader.compactMap(\.medianPitch).map(log2)
        #expect(octaves.max()! - octaves.min()! < 0.5)
        #expect(octaves.max()! - octaves.min()! > 0.2, "read speech is no monotone")
    }
}
