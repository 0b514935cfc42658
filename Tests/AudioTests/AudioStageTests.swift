import Testing
@testable import Audio

@Suite("AudioStage")
struct AudioStageTests {
    @Test func pcm16PassesThroughUnchanged() throws {
        var stage = try AudioStage(format: .seedPCM)
        let samples: [Int16] = [0, 1, -1, 12_345, .min, .max]
        let chunk = try stage.append(SampleCodec.encode([samples], encoding: .pcm16le))
        #expect(chunk.start == 0)
        #expect(chunk.channels == [SampleCodec.toFloat(samples)])
        #expect(stage.position == 6 && stage.emittedPosition == 6)
    }

    @Test func pcmuStereoIsUpsampledPerChannelAndTimelineIsExact() throws {
        let left = sine(frequency: 1_000, rate: 8_000, seconds: 0.5, amplitude: 0.5)
        let right = sine(frequency: 300, rate: 8_000, seconds: 0.5, amplitude: 0.25)
        let bytes = SampleCodec.encode([left.map(SampleCodec.toInt16), right.map(SampleCodec.toInt16)], encoding: .pcmu)
        let run = try runPipeline(bytes: bytes, format: .audioHookPCMU(channels: 2), chunkFrames: [1_600, 1_600, 800])
        #expect(run.position == 8_000)
        #expect(run.audio[0].count == 8_000 && run.audio[1].count == 8_000)
        let l = toneAmplitude(run.audio[0][1_000..<7_000], frequency: 1_000, rate: 16_000)
        let r = toneAmplitude(run.audio[1][1_000..<7_000], frequency: 300, rate: 16_000)
        #expect(abs(dB(l / 0.5)) < 0.5)
        #expect(abs(dB(r / 0.25)) < 0.5)
        #expect(toneAmplitude(run.audio[0][1_000..<7_000], frequency: 300, rate: 16_000) < 0.005)
    }

    @Test func outputDoesNotDependOnFraming() throws {
        let speech = try Fixture.speech("sentence-en-1.wav")
        var down = Resampler(inputRate: 16_000, outputRate: 8_000)
        let at8k = (down.process(speech) + down.flush()).map(SampleCodec.toInt16)
        for encoding in [AudioEncoding.pcmu, .l16] {
            let format = AudioFormat(encoding: encoding, sampleRate: 8_000, channels: 1)
            let bytes = SampleCodec.encode([at8k], encoding: encoding)
            let reference = try runPipeline(bytes: bytes, format: format, chunkFrames: [at8k.count])
            for seed in 1...4 as ClosedRange<UInt64> {
                let run = try runPipeline(bytes: bytes, format: format,
                                          chunkFrames: randomChunking(total: at8k.count, maxPiece: 2_000, seed: seed))
                let sameAudio = run.audio == reference.audio, sameUtterances = run.utterances == reference.utterances
                #expect(sameAudio, "\(encoding) seed \(seed): audio differs")
                #expect(sameUtterances, "\(encoding) seed \(seed): utterances differ")
                #expect(!reference.utterances.isEmpty)
            }
        }
    }

    @Test func gapsAdvanceTheTimelineExactly() throws {
        var stage = try AudioStage(format: .audioHookPCMU(channels: 1))
        let a = try stage.append([UInt8](repeating: 0xFF, count: 800))   // 100 ms
        let tail = try stage.gap(inputSamples: 8_000)                   // 1 s paused
        #expect(a.start == 0)
        #expect(a.count + tail.count == 1_600)
        #expect(stage.position == 17_600)
        let b = try stage.append([UInt8](repeating: 0xFF, count: 1_600))
        #expect(b.start == 17_600)
        let end = stage.finish()
        #expect(end.end == 17_600 + 3_200)
        #expect(stage.position == 20_800)
        #expect(throws: AudioError.negativeGap(-1)) { try stage.gap(inputSamples: -1) }
    }

    @Test func zeroGapIsNotADiscontinuity() throws {
        let tone = sine(frequency: 700, rate: 8_000, seconds: 0.5).map(SampleCodec.toInt16)
        let bytes = SampleCodec.encode([tone], encoding: .pcmu)
        let plain = try runPipeline(bytes: bytes, format: .audioHookPCMU(channels: 1), chunkFrames: [1_600, 2_400])
        let zeroGap = try runPipeline(bytes: bytes, format: .audioHookPCMU(channels: 1), chunkFrames: [1_600, 2_400], gaps: [1_600: 0])
        let same = plain.audio == zeroGap.audio
        #expect(same)
    }

    @Test func wavFileAtAnotherRateFeedsTheSixteenKilohertzPath() throws {
        let wav = try WAVFile.read(Fixture.url("tone-float-stereo.wav"))
        var r = Resampler(inputRate: wav.sampleRate, outputRate: AudioStage.outputRate)
        let out = r.process(wav.channels[1]) + r.flush()
        #expect(out.count == 4_000)  // 0.25 s
        #expect(abs(dB(toneAmplitude(out[1_000..<3_000], frequency: 2_000, rate: 16_000) / 0.5)) < 0.5)
    }

    @Test func rejectsBadFramesAndFormats() throws {
        var stage = try AudioStage(format: .audioHookPCMU(channels: 2))
        #expect(throws: AudioError.invalidFrameLength(bytes: 161, bytesPerFrame: 2)) {
            try stage.append([UInt8](repeating: 0xFF, count: 161))
        }
        #expect(try stage.append([]).isEmpty)
        #expect(throws: AudioError.self) { try AudioStage(format: AudioFormat(encoding: .pcmu, sampleRate: 8_000, channels: 3)) }
        #expect(throws: AudioError.self) { try AudioStage(format: AudioFormat(encoding: .pcmu, sampleRate: 0, channels: 1)) }
    }
}
