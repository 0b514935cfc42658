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
}
