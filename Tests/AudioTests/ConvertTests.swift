import Testing
@testable import Audio

@Suite struct ConvertTests {
    @Test func convertKeepsDurationAndAlignment() {
        // A click at 0.5 s must stay at 0.5 s after conversion.
        var input = [Float](repeating: 0, count: 8000)
        input[4000] = 1
        let output = Resampler.convert(input, from: 8000, to: 16000)
        #expect(output.count == 16000)
        let peak = output.indices.max { abs(output[$0]) < abs(output[$1]) }!
        #expect(abs(peak - 8000) <= 1, "click moved to sample \(peak)")
        #expect(Resampler.convert(input, from: 8000, to: 8000) == input)
        #expect(Resampler.convert([Float](repeating: 0.1, count: 44100), from: 44100, to: 16000).count == 16000)
    }

    @Test func clientEncodersRoundTrip() throws {
        let samples: [Float] = [0, 0.5, -0.5, 0.25]
        let pcm = PCM.bytesLE(samples)
        #expect(pcm.count == 8)
        let decoded = try SampleCodec.decode(pcm, format: .seedPCM)
        #expect(decoded[0].enumerated().allSatisfy { abs($0.element - samples[$0.offset]) < 1e-4 })
        let stereo = PCM.muLawInterleaved([samples, samples.map { -$0 }])
        #expect(stereo.count == 8)
    }
}
