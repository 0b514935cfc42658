import Foundation
import TapedeckTesting
@testable import Audio

enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/audio")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// A mono 16 kHz fixture as floats.
    static func speech(_ name: String) throws -> [Float] {
        let wav = try WAVFile.read(url(name))
        precondition(wav.sampleRate == 16_000 && wav.channels.count == 1)
        return wav.channels[0]
    }
}

func sine(frequency: Double, rate: Int, seconds: Double, amplitude: Float = 0.5) -> [Float] {
    let n = Int(Double(rate) * seconds)
    return (0..<n).map { amplitude * Float(sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
}

/// Uniform white noise with the given peak amplitude (like `sox synth whitenoise vol a`).
func noise(count: Int, amplitude: Float, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in amplitude * Float.random(in: -1...1, using: &rng) }
}

func silence(seconds: Double) -> [Float] { [Float](repeating: 0, count: Int(seconds * 16_000)) }

/// Amplitude of the `frequency` component of `x` (least-squares projection over whole `x`).
func toneAmplitude(_ x: ArraySlice<Float>, frequency: Double, rate: Int) -> Double {
    var c = 0.0, s = 0.0
    for (i, v) in x.enumerated() {
        let p = 2 * Double.pi * frequency * Double(i) / Double(rate)
        c += Double(v) * cos(p)
        s += Double(v) * sin(p)
    }
    return 2 * (c * c + s * s).squareRoot() / Double(x.count)
}

func rms(_ x: ArraySlice<Float>) -> Double {
    (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, x.count))).squareRoot()
}

func dB(_ ratio: Double) -> Double { 20 * log10(ratio) }

/// Split `total` items into random-but-seeded pieces of 0…maxPiece items (zero-length pieces
/// included on purpose: empty frames are legal).
func randomChunking(total: Int, maxPiece: Int, seed: UInt64) -> [Int] {
    var rng = SplitMix64(seed: seed)
    var pieces: [Int] = []
    var left = total
    while left > 0 {
        let n = min(left, Int.random(in: 0...maxPiece, using: &rng))
        pieces.append(n)
        left -= n
    }
    return pieces
}

/// Runs raw bytes through an AudioStage and a Segmenter with the given chunk sizes (in sample
/// frames). `gaps` maps a byte offset to a gap length in input samples inserted before it.
func runPipeline(bytes: [UInt8], format: AudioFormat, chunkFrames: [Int], gaps: [Int: Int64] = [:],
                 configuration: SegmenterConfiguration = .default) throws -> (utterances: [Utterance], audio: [[Float]], position: Int64) {
    var stage = try AudioStage(format: format)
    var segmenter = Segmenter(configuration: configuration)
    var utterances: [Utterance] = []
    var audio = [[Float]](repeating: [], count: format.channels)
    func take(_ chunk: AudioChunk) {
        for c in audio.indices { audio[c] += chunk.channels[c] }
        utterances += segmenter.append(chunk)
    }
    var offset = 0
    let gapOffsets = gaps.keys.sorted()
    var nextGap = 0
    for frames in chunkFrames {
        var end = offset + frames * format.bytesPerFrame
        // Never let a chunk straddle a gap.
        if nextGap < gapOffsets.count && gapOffsets[nextGap] < end { end = max(offset, gapOffsets[nextGap]) }
        take(try stage.append(Array(bytes[offset..<end])))
        offset = end
        if nextGap < gapOffsets.count && gapOffsets[nextGap] == offset {
            take(try stage.gap(inputSamples: gaps[offset]!))
            nextGap += 1
        }
    }
    if offset < bytes.count { take(try stage.append(Array(bytes[offset...]))) }
    take(stage.finish())
    utterances += segmenter.flush()
    return (utterances, audio, stage.position)
}
