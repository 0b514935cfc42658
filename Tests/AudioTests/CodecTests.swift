import Testing
@testable import Audio

@Suite("Codecs")
struct CodecTests {
    @Test func muLawTableMatchesG711Reference() {
        #expect(MuLaw.decode(0xFF) == 0)
        #expect(MuLaw.decode(0x7F) == 0)
        #expect(MuLaw.decode(0x00) == -32_124)
        #expect(MuLaw.decode(0x80) == 32_124)
        // Spot values from the ITU-T G.711 table.
        #expect(MuLaw.decode(0xFE) == 8)
        #expect(MuLaw.decode(0x7E) == -8)
        #expect(MuLaw.decode(0xEF) == 132)
        #expect(MuLaw.decode(0x6F) == -132)
    }

    @Test func muLawEncodeInvertsDecode() {
        for b in 0...255 {
            let v = MuLaw.decode(UInt8(b))
            #expect(MuLaw.decode(MuLaw.encode(v)) == v, "byte \(b)")
        }
        // Encoding is monotonic and clips at full scale.
        #expect(MuLaw.decode(MuLaw.encode(.max)) == 32_124)
        #expect(MuLaw.decode(MuLaw.encode(.min)) == -32_124)
        var last = Int(MuLaw.decode(MuLaw.encode(-32_768)))
        for s in stride(from: -32_768, through: 32_767, by: 7) {
            let d = Int(MuLaw.decode(MuLaw.encode(Int16(s))))
            #expect(d >= last)
            last = d
        }
    }

    @Test func stereoSplitFollowsNegotiatedOrder() throws {
        let format = AudioFormat(encoding: .pcm16le, sampleRate: 16_000, channels: 2)
        // frames: (1, -1), (256, -32768)
        let bytes: [UInt8] = [0x01, 0x00, 0xFF, 0xFF, 0x00, 0x01, 0x00, 0x80]
        let ch = try SampleCodec.decodeInt16(bytes, format: format)
        #expect(ch == [[1, 256], [-1, -32_768]])
        let f = try SampleCodec.decode(bytes, format: format)
        #expect(f[1][1] == -1.0)
        #expect(f[0][0] == 1.0 / 32_768)
    }

    @Test func l16IsLittleEndianLikeTheReference() throws {
        let format = AudioFormat(encoding: .l16, sampleRate: 8_000, channels: 1)
        #expect(try SampleCodec.decodeInt16([0x34, 0x12], format: format) == [[0x1234]])
    }

    @Test func pcmuStereoDecodesInterleavedBytes() throws {
        let format = AudioFormat.audioHookPCMU(channels: 2)
        let ch = try SampleCodec.decodeInt16([0xFF, 0x00, 0x80, 0x7E], format: format)
        #expect(ch == [[0, 32_124], [-32_124, -8]])
    }

    @Test func encodeDecodeRoundTrip() throws {
        let channels: [[Int16]] = [[0, 1000, -1000, .max], [5, -5, .min, 7]]
        for enc in [AudioEncoding.pcm16le, .l16] {
            let f = AudioFormat(encoding: enc, sampleRate: 8_000, channels: 2)
            #expect(try SampleCodec.decodeInt16(SampleCodec.encode(channels, encoding: enc), format: f) == channels)
        }
    }

    @Test func partialFramesAreRejectedEmptyFramesAccepted() throws {
        let stereo = AudioFormat.audioHookPCMU(channels: 2)
        #expect(throws: AudioError.invalidFrameLength(bytes: 161, bytesPerFrame: 2)) {
            try SampleCodec.decode([UInt8](repeating: 0xFF, count: 161), format: stereo)
        }
        #expect(throws: AudioError.self) {
            try SampleCodec.decode([0x00, 0x01, 0x02], format: .seedPCM)
        }
        #expect(try SampleCodec.decode([], format: stereo) == [[], []])
    }

    @Test func floatConversionRangeAndRounding() {
        #expect(SampleCodec.toFloat([.min, .max]) == [-1.0, 32_767.0 / 32_768])
        #expect(SampleCodec.toInt16(1.5) == .max)
        #expect(SampleCodec.toInt16(-2) == .min)
        #expect(SampleCodec.toInt16(0.5 / 32_768 * 3) == 2)  // 1.5 rounds away from zero
    }
}
