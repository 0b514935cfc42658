import Testing
@testable import Audio

@Suite("Resampler")
struct ResamplerTests {
    static let rates = [8_000, 22_050, 44_100, 48_000, 11_025, 32_000]

    @Test(arguments: rates)
    func oneKilohertzPassesWithinHalfDecibel(rate: Int) {
        var r = Resampler(inputRate: rate, outputRate: 16_000)
        let out = r.process(sine(frequency: 1_000, rate: rate, seconds: 1.0)) + r.flush()
        // Skip the edges where the filter sees the zero padding.
        let body = out[2_000..<14_000]
        let error = dB(toneAmplitude(body, frequency: 1_000, rate: 16_000) / 0.5)
        #expect(abs(error) < 0.5, "\(rate) Hz: \(error) dB")
    }

    @Test(arguments: [(48_000, 10_000.0), (44_100, 12_000.0), (22_050, 9_000.0), (32_000, 8_800.0), (48_000, 20_000.0)])
    func contentAboveOutputNyquistIsRemoved(rate: Int, frequency: Double) {
        var r = Resampler(inputRate: rate, outputRate: 16_000)
        let out = r.process(sine(frequency: frequency, rate: rate, seconds: 1.0)) + r.flush()
        let level = dB(rms(out[2_000..<14_000]) / (0.5 / 2.0.squareRoot()))
        #expect(level < -60, "\(frequency) Hz at \(rate) Hz: \(level) dB")
    }

    @Test func outputLengthIsExactAndChunkingDoesNotMatter() {
        for rate in Self.rates {
            let input = noise(count: 12_345, amplitude: 0.5, seed: UInt64(rate))
            var whole = Resampler(inputRate: rate, outputRate: 16_000)
            let reference = whole.process(input) + whole.flush()
            #expect(Int64(reference.count) == whole.outputLength(forInput: Int64(input.count)))
            for seed in 1...3 as ClosedRange<UInt64> {
                var r = Resampler(inputRate: rate, outputRate: 16_000)
                var out: [Float] = []
                var offset = 0
                for n in randomChunking(total: input.count, maxPiece: 700, seed: seed) {
                    out += r.process(Array(input[offset..<(offset + n)]))
                    offset += n
                }
                out += r.flush()
                let same = out == reference
                #expect(same, "rate \(rate) seed \(seed)")
            }
        }
    }

    @Test func filterIsCentredSoTimingIsPreserved() {
        // An impulse at input sample 1000 (8 kHz) must peak at output sample 2000 (16 kHz).
        var input = [Float](repeating: 0, count: 4_000)
        input[1_000] = 1
        var r = Resampler(inputRate: 8_000, outputRate: 16_000)
        let out = r.process(input) + r.flush()
        let peak = out.indices.max { abs(out[$0]) < abs(out[$1]) }
        #expect(peak == 2_000)
        // Upsampling by two keeps the original samples' positions almost exactly.
        var r2 = Resampler(inputRate: 8_000, outputRate: 16_000)
        let tone = sine(frequency: 500, rate: 8_000, seconds: 0.5)
        let up = r2.process(tone) + r2.flush()
        for i in stride(from: 500, to: 3_500, by: 97) { #expect(abs(up[2 * i] - tone[i]) < 0.01) }
    }

    @Test func flushResetsToAFreshStream() {
        let input = noise(count: 3_000, amplitude: 0.3, seed: 9)
        var r = Resampler(inputRate: 44_100, outputRate: 16_000)
        let a = r.process(input) + r.flush()
        let b = r.process(input) + r.flush()
        let same = a == b
        #expect(same)
    }
}
