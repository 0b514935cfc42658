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
