import Foundation
import Testing
@testable import Audio

@Suite("Segmenter")
struct SegmenterTests {
    static let tolerance: Int64 = 2_400  // ±150 ms at 16 kHz

    /// Runs a mono 16 kHz signal through the segmenter in random-but-seeded chunks.
    func segment(_ x: [Float], seed: UInt64 = 1, configuration: SegmenterConfiguration = .default) -> [Utterance] {
        var s = Segmenter(configuration: configuration)
        var out: [Utterance] = []
        var offset = 0
        for n in randomChunking(total: x.count, maxPiece: 9_000, seed: seed) {
            out += s.append(Array(x[offset..<(offset + n)]), at: Int64(offset))
            offset += n
        }
        return out + s.flush()
    }

    func expectNear(_ a: Int64, _ b: Int, _ what: String) {
        #expect(abs(a - Int64(b)) <= Self.tolerance, "\(what): got \(a), truth \(b) (Δ \(Double(a - Int64(b)) / 16) ms)")
    }

    @Test func twoSentencesSeparatedBySilenceGiveTwoUtterances() throws {
        let s1 = try Fixture.speech("sentence-en-1.wav"), s2 = try Fixture.speech("sentence-en-2.wav")
        let lead = 16_000, pause = 24_000, trail = 16_000
        var x = [Float](repeating: 0, count: lead) + s1 + [Float](repeating: 0, count: pause) + s2 + [Float](repeating: 0, count: trail)
        let hiss = noise(count: x.count, amplitude: 0.005, seed: 42)
        for i in x.indices { x[i] += hiss[i] }
        let reference = segment(x, seed: 1)
        #expect(reference.count == 2)
        guard reference.count == 2 else { return }
        expectNear(reference[0].startSample, lead, "first start")
        expectNear(reference[0].endSample, lead + s1.count, "first end")
        expectNear(reference[1].startSample, lead + s1.count + pause, "second start")
        expectNear(reference[1].endSample, lead + s1.count + pause + s2.count, "second end")
        for u in reference {
            #expect(u.samples.count == Int(u.endSample - u.startSample))
            let sameAudio = Array(x[Int(u.startSample)..<Int(u.endSample)]) == u.samples
            #expect(sameAudio, "utterance audio is the input audio")
        }
        for seed in 2...5 as ClosedRange<UInt64> {
            let same = segment(x, seed: seed) == reference
            #expect(same, "chunking seed \(seed) changed the result")
        }
    }

    @Test func noiseAndSilenceGiveNoUtterance() {
        #expect(segment([Float](repeating: 0, count: 160_000)).isEmpty)
        #expect(segment(noise(count: 160_000, amplitude: 0.02, seed: 7)).isEmpty)
        #expect(segment(noise(count: 160_000, amplitude: 0.3, seed: 8)).isEmpty)
        // A single click is not speech.
        var click = noise(count: 48_000, amplitude: 0.002, seed: 9)
        for i in 20_000..<20_320 { click[i] = 0.8 }
        #expect(segment(click).isEmpty)
    }

    @Test func longSpeechIsSplitBelowTheMaximum() throws {
        let parts = try ["sentence-en-1.wav", "sentence-en-2.wav", "sentence-tr.wav"].map(Fixture.speech)
        var x: [Float] = []
        var k = 0
        while x.count < 40 * 16_000 { x += parts[k % 3]; k += 1 }
        let utterances = segment(x)
        let maximum = Int64(SegmenterConfiguration.default.maximumUtteranceMilliseconds * 16)
        #expect(utterances.count >= 2)
        #expect(utterances.allSatisfy { $0.endSample - $0.startSample <= maximum })
        let covered = utterances.reduce(Int64(0)) { $0 + $1.endSample - $1.startSample }
        #expect(Double(covered) > 0.9 * Double(x.count))
        // Utterances are in order and do not overlap.
        for (a, b) in zip(utterances, utterances.dropFirst()) { #expect(a.endSample <= b.startSample) }
    }

    @Test func continuousLoudSignalIsCutAtTheMaximum() {
        // Speech-like: noise bursts modulated at 4 Hz without pauses long enough to close.
        let base = noise(count: 60 * 16_000, amplitude: 0.5, seed: 11)
        let x = base.enumerated().map { i, v in v * Float(0.55 + 0.45 * sin(2 * Double.pi * 4 * Double(i) / 16_000)) }
        var lead = [Float](repeating: 0, count: 16_000)
        lead += x
        var config = SegmenterConfiguration.default
        config.maximumUtteranceMilliseconds = 10_000
        let utterances = segment(lead, configuration: config)
        #expect(utterances.count >= 6)
        #expect(utterances.allSatisfy { $0.endSample - $0.startSample <= 160_000 })
        #expect(utterances.first.map { abs($0.startSample - 16_000) <= Self.tolerance } == true)
    }

    @Test func stereoPCMUSpeechLandsOnTheRightChannel() throws {
        let s1 = try Fixture.speech("sentence-en-1.wav"), s2 = try Fixture.speech("sentence-en-2.wav"), s3 = try Fixture.speech("sentence-tr.wav")
        // Channel 0 (external): s1 at 0.5 s and s3 at 7 s; channel 1 (internal): s2 at 3.5 s.
        let total = 11 * 16_000
        var ch0 = [Float](repeating: 0, count: total), ch1 = ch0
        let placements: [(channel: Int, at: Int, speech: [Float])] = [(0, 8_000, s1), (1, 56_000, s2), (0, 112_000, s3)]
        for p in placements {
            for (i, v) in p.speech.enumerated() {
                if p.channel == 0 { ch0[p.at + i] = v } else { ch1[p.at + i] = v }
            }
        }
        func to8k(_ x: [Float]) -> [Int16] {
            var r = Resampler(inputRate: 16_000, outputRate: 8_000)
            return (r.process(x) + r.flush()).map(SampleCodec.toInt16)
        }
        let bytes = SampleCodec.encode([to8k(ch0), to8k(ch1)], encoding: .pcmu)
        let frames = bytes.count / 2
        let run = try runPipeline(bytes: bytes, format: .audioHookPCMU(channels: 2),
                                  chunkFrames: randomChunking(total: frames, maxPiece: 3_200, seed: 5))
        #expect(run.utterances.map(\.channel) == [0, 1, 0])
        guard run.utterances.count == 3 else { return }
        for (u, p) in zip(run.utterances, placements) {
            expectNear(u.startSample, p.at, "channel \(p.channel) start")
            expectNear(u.endSample, p.at + p.speech.count, "channel \(p.channel) end")
        }
        let other = try runPipeline(bytes: bytes, format: .audioHookPCMU(channels: 2),
                                    chunkFrames: randomChunking(total: frames, maxPiece: 500, seed: 6))
        let same = other.utterances == run.utterances
        #expect(same)
    }

    @Test func aGapShiftsLaterUtterancesByExactlyTheGap() throws {
        let s1 = try Fixture.speech("sentence-en-1.wav"), s2 = try Fixture.speech("sentence-en-2.wav")
        var x = [Float](repeating: 0, count: 8_000) + s1 + [Float](repeating: 0, count: 32_000) + s2 + [Float](repeating: 0, count: 8_000)
        let hiss = noise(count: x.count, amplitude: 0.003, seed: 3)
        for i in x.indices { x[i] += hiss[i] }
        var down = Resampler(inputRate: 16_000, outputRate: 8_000)
        let at8k = (down.process(x) + down.flush()).map(SampleCodec.toInt16)
        let bytes = SampleCodec.encode([at8k], encoding: .pcmu)
        let gapAt = (8_000 + s1.count + 16_000) / 2          // in the silence, in 8 kHz samples
        func run(gap: Int64, seed: UInt64) throws -> [Utterance] {
            try runPipeline(bytes: bytes, format: .audioHookPCMU(channels: 1),
                            chunkFrames: randomChunking(total: at8k.count, maxPiece: 1_600, seed: seed),
                            gaps: [gapAt: gap]).utterances
        }
        let short = try run(gap: 8_000, seed: 1), long = try run(gap: 20_345, seed: 2)
        #expect(short.count == 2 && long.count == 2)
        guard short.count == 2, long.count == 2 else { return }
        let firstSame = long[0] == short[0]
        #expect(firstSame)
        #expect(long[1].startSample == short[1].startSample + 24_690)
        #expect(long[1].endSample == short[1].endSample + 24_690)
        let sameAudio = long[1].samples == short[1].samples
        #expect(sameAudio, "same audio after the gap")
        expectNear(short[1].startSample, 8_000 + s1.count + 32_000 + 16_000, "second start")
    }

    @Test func configurationDescriptionIsStableAndCodable() throws {
        let c = SegmenterConfiguration.default
        #expect(c.description == "vad1 frame=20ms start=900cB continue=600cB absolute=-5000cB onset=3f hangover=400ms preroll=100ms postroll=80ms minspeech=200ms max=25000ms cutsearch=4000ms rise=5/11")
        let data = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(SegmenterConfiguration.self, from: data) == c)
        var bad = c
        bad.frameMilliseconds = 0
        #expect(throws: AudioError.self) { try bad.validate() }
        try c.validate()
    }
}
