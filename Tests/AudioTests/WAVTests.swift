import Foundation
import Testing
@testable import Audio

@Suite("WAV")
struct WAVTests {
    @Test func readsSpeechFixtures() throws {
        let wav = try WAVFile.read(Fixture.url("sentence-en-1.wav"))
        #expect(wav.sampleRate == 16_000)
        #expect(wav.encoding == .pcm16)
        #expect(wav.channels.count == 1)
        #expect(wav.frameCount > 16_000)
        #expect(rms(wav.channels[0][...]) > 0.01)
    }

    @Test func readsMuLawAndMatchesOurDecoder() throws {
        let ulaw = try WAVFile.read(Fixture.url("sentence-tr-ulaw8k.wav"))
        #expect(ulaw.encoding == .muLaw)
        #expect(ulaw.sampleRate == 8_000)
        // Every sample is exactly a µ-law table value.
        let table = Set(MuLaw.decodeTable.map { Float($0) / 32_768 })
        #expect(ulaw.channels[0].allSatisfy { table.contains($0) })
        // Same speech as the 16 kHz original: similar duration and level.
        let pcm = try WAVFile.read(Fixture.url("sentence-tr.wav"))
        #expect(abs(ulaw.frameCount * 2 - pcm.frameCount) <= 2)
        #expect(abs(dB(rms(ulaw.channels[0][...]) / rms(pcm.channels[0][...]))) < 1.0)
    }

    @Test func readsPCM8AndFloatStereo() throws {
        let p8 = try WAVFile.read(Fixture.url("tone-pcm8.wav"))
        #expect(p8.encoding == .pcm8 && p8.sampleRate == 11_025)
        #expect(abs(toneAmplitude(p8.channels[0][...], frequency: 440, rate: 11_025) - 0.5) < 0.03)
        let fl = try WAVFile.read(Fixture.url("tone-float-stereo.wav"))
        #expect(fl.encoding == .float32 && fl.sampleRate == 22_050 && fl.channels.count == 2)
        #expect(abs(toneAmplitude(fl.channels[0][...], frequency: 1_000, rate: 22_050) - 0.5) < 0.01)
        #expect(abs(toneAmplitude(fl.channels[1][...], frequency: 2_000, rate: 22_050) - 0.5) < 0.01)
        #expect(toneAmplitude(fl.channels[0][...], frequency: 2_000, rate: 22_050) < 0.01)
    }

    @Test func writeThenReadRoundTripsPCM16() throws {
        let left = sine(frequency: 300, rate: 44_100, seconds: 0.1)
        let right = noise(count: left.count, amplitude: 0.9, seed: 3)
        let bytes = try WAVFile.encodePCM16(channels: [left, right], sampleRate: 44_100)
        #expect(bytes.count == 44 + left.count * 4)
        let back = try WAVFile.decode(bytes)
        #expect(back.sampleRate == 44_100 && back.encoding == .pcm16)
        for c in 0..<2 {
            let src = c == 0 ? left : right
            #expect(zip(src, back.channels[c]).allSatisfy { abs($0 - $1) <= 0.5 / 32_768 + 1e-7 })
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-audio-\(getpid()).wav")
        defer { try? FileManager.default.removeItem(at: url) }
        try WAVFile.write(url, channels: [left], sampleRate: 8_000)
        #expect(try WAVFile.read(url).channels[0].count == left.count)
    }

    @Test func malformedFilesGiveTypedErrors() throws {
        let good = try WAVFile.encodePCM16(channels: [[0.1, 0.2, 0.3]], sampleRate: 16_000)
        #expect(throws: AudioError.notWAV) { try WAVFile.decode([]) }
        #expect(throws: AudioError.notWAV) { try WAVFile.decode(Array("RIFF\0\0\0\0AVI ".utf8)) }
        // Data chunk longer than the file.
        #expect(throws: AudioError.truncated(chunk: "data", declared: 6, available: 4)) {
            try WAVFile.decode(Array(good.dropLast(2)))
        }
        // No data chunk at all.
        #expect(throws: AudioError.missingDataChunk) { try WAVFile.decode(Array(good[0..<36])) }
        // data before fmt.
        var swapped = Array(good[0..<12])
        swapped += good[36...]
        swapped += good[12..<36]
        #expect(throws: AudioError.missingFormatChunk) { try WAVFile.decode(swapped) }
        // Unsupported encoding: format tag 2 (ADPCM).
        var adpcm = good
        adpcm[20] = 2
        #expect(throws: AudioError.unsupportedWAVEncoding(formatTag: 2, bitsPerSample: 16)) { try WAVFile.decode(adpcm) }
        // Zero channels / block-align mismatch.
        var zero = good
        zero[22] = 0
        #expect(throws: AudioError.self) { try WAVFile.decode(zero) }
        var badAlign = good
        badAlign[32] = 3
        #expect(throws: AudioError.self) { try WAVFile.decode(badAlign) }
        #expect(throws: AudioError.channelLengthMismatch) { try WAVFile.encodePCM16(channels: [[0], [0, 1]], sampleRate: 8_000) }
        // Messages are actionable.
        #expect(AudioError.unsupportedWAVEncoding(formatTag: 2, bitsPerSample: 4).description.contains("sox"))
    }
}
