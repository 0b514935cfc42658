// bench-audio: throughput of the audio path (decode → resample → VAD) relative to real time.
// Prints numbers only; nothing here is asserted. Run: swift run -c release bench-audio
import Audio
import Foundation

struct Rng {
    var state: UInt64
    mutating func next() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int32(truncatingIfNeeded: state >> 32)) / 2_147_483_648
    }
}

/// Speech-like test signal: noise modulated by syllable-rate envelopes with pauses.
func speechLike(seconds: Int, rate: Int, seed: UInt64) -> [Int16] {
    var rng = Rng(state: seed)
    return (0..<(seconds * rate)).map { i in
        let t = Double(i) / Double(rate)
        let envelope = max(0, sin(2 * Double.pi * 0.2 * t)) * (0.6 + 0.4 * sin(2 * Double.pi * 4 * t))
        return SampleCodec.toInt16(rng.next() * Float(envelope) * 0.5)
    }
}

func measure(_ label: String, audioSeconds: Double, _ body: () throws -> Int) rethrows {
    let clock = ContinuousClock()
    var result = 0
    let elapsed = try clock.measure { result = try body() }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    print("\(label): \(String(format: "%.1f", audioSeconds)) s of audio in \(String(format: "%.3f", seconds)) s = \(String(format: "%.0f", audioSeconds / seconds))× real time (\(result) utterances/outputs)")
}

let seconds = 120
let left = speechLike(seconds: seconds, rate: 8_000, seed: 1)
let right = speechLike(seconds: seconds, rate: 8_000, seed: 2)
let pcmu = SampleCodec.encode([left, right], encoding: .pcmu)

try measure("PCMU 8 kHz stereo → 16 kHz + VAD (200 ms frames)", audioSeconds: Double(seconds)) {
    var stage = try AudioStage(format: .audioHookPCMU(channels: 2))
    var segmenter = Segmenter()
    var count = 0
    var offset = 0
    while offset < pcmu.count {
        let end = min(pcmu.count, offset + 3_200)
        count += segmenter.append(try stage.append(Array(pcmu[offset..<end]))).count
        offset = end
    }
    count += segmenter.append(stage.finish()).count + segmenter.flush().count
    return count
}

let mono16 = SampleCodec.encode([speechLike(seconds: seconds, rate: 16_000, seed: 3)], encoding: .pcm16le)
try measure("PCM16 16 kHz mono + VAD (500 ms frames)", audioSeconds: Double(seconds)) {
    var stage = try AudioStage(format: .seedPCM)
    var segmenter = Segmenter()
    var count = 0
    var offset = 0
    while offset < mono16.count {
        let end = min(mono16.count, offset + 16_000)
        count += segmenter.append(try stage.append(Array(mono16[offset..<end]))).count
        offset = end
    }
    return count + segmenter.flush().count
}

// The voice descriptor a mono line's utterances get (pitch for speaker roles), on 5 s utterances: its cost beside the
// decode + VAD path above, which every call pays.
let voiced = SampleCodec.toFloat(speechLike(seconds: seconds, rate: 16_000, seed: 5))
measure("Voice descriptor (pitch) of 5 s utterances, 16 kHz mono", audioSeconds: Double(seconds)) {
    var n = 0
    for start in stride(from: 0, to: voiced.count, by: 80_000) {
        if VoiceDescriptor.describe(Array(voiced[start..<min(start + 80_000, voiced.count)])).frames > 0 { n += 1 }
    }
    return n
}

for rate in [44_100, 48_000, 22_050] {
    let input = SampleCodec.toFloat(speechLike(seconds: 60, rate: rate, seed: 4))
    measure("Resample \(rate) → 16000 mono", audioSeconds: 60) {
        var r = Resampler(inputRate: rate, outputRate: 16_000)
        var n = 0
        var offset = 0
        while offset < input.count {
            let end = min(input.count, offset + 4_410)
            n += r.process(Array(input[offset..<end])).count
            offset = end
        }
        return n + r.flush().count
    }
}

// Filter quality (same measurement as the tests, printed as numbers).
func toneLevel(_ x: ArraySlice<Float>, _ f: Double) -> Double {
    var c = 0.0, s = 0.0
    for (i, v) in x.enumerated() {
        c += Double(v) * cos(2 * Double.pi * f * Double(i) / 16_000)
        s += Double(v) * sin(2 * Double.pi * f * Double(i) / 16_000)
    }
    return 2 * (c * c + s * s).squareRoot() / Double(x.count)
}
func tone(_ f: Double, _ rate: Int) -> [Float] { (0..<rate).map { Float(0.5 * sin(2 * Double.pi * f * Double($0) / Double(rate))) } }
for (rate, alias) in [(8_000, 0.0), (22_050, 9_000.0), (44_100, 12_000.0), (48_000, 10_000.0)] {
    var r = Resampler(inputRate: rate, outputRate: 16_000)
    let pass = r.process(tone(1_000, rate)) + r.flush()
    let passDB = 20 * log10(toneLevel(pass[2_000..<14_000], 1_000) / 0.5)
    var line = "Resampler \(rate) → 16000: taps/phase \(2 * r.halfWidth), phases \(r.up); 1 kHz error \(String(format: "%+.4f", passDB)) dB"
    if alias > 0 {
        let stop = r.process(tone(alias, rate)) + r.flush()
        let rms = (stop[2_000..<14_000].reduce(0.0) { $0 + Double($1) * Double($1) } / 12_000).squareRoot()
        line += "; \(Int(alias)) Hz (above 8 kHz) at \(String(format: "%.1f", 20 * log10(rms / (0.5 / 2.0.squareRoot())))) dB"
    }
    print(line)
}
