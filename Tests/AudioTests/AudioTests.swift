import Foundation
import Testing
@testable import Audio

func tone(_ frequency: Double, rate: Int, seconds: Double, amplitude: Double = 0.5) -> [Float] {
    (0..<Int(Double(rate) * seconds)).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
}

func rms(_ x: ArraySlice<Float>) -> Double {
    (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(x.count, 1))).squareRoot()
}

@Suite struct MuLawTests {
    @Test func decodeMatchesTheG711TableAndEncodeInvertsIt() {
        #expect(MuLaw.decode(0xFF) == 0)
        #expect(MuLaw.decode(0x7F) == 0)
        #expect(MuLaw.decode(0x00) == -32124)
        #expect(MuLaw.decode(0x80) == 32124)
        for byte in 0...255 where byte != 0x7F {
            #expect(MuLaw.encode(MuLaw.decode(UInt8(byte))) == UInt8(byte))
        }
    }
}

@Suite struct ResamplerTests {
    @Test func aTelephoneToneSurvivesUpsamplingWithin0_5dB() {
        var resampler = Resampler(inputRate: 8000, outputRate: 16000)
        let output = resampler.process(tone(1000, rate: 8000, seconds: 1))
        #expect(abs(output.count - 16000) <= 2 * resampler.latency + 2)
        let steady = output[2000..<14000]
        let gain = 20 * log10(rms(steady) / (0.5 / 2.0.squareRoot()))
        #expect(abs(gain) < 0.5, "gain \(gain) dB")
    }

    @Test func contentAboveTheNewNyquistIsRemovedWhenDownsampling() {
        var resampler = Resampler(inputRate: 48000, outputRate: 16000)
        let output = resampler.process(tone(12000, rate: 48000, seconds: 1))
        let level = 20 * log10(rms(output[2000..<14000]) / (0.5 / 2.0.squareRoot()))
        #expect(level < -60, "alias level \(level) dB")
    }

    @Test func outputDoesNotDependOnChunking() {
        let input = tone(440, rate: 22050, seconds: 0.5) + tone(3000, rate: 22050, seconds: 0.5)
        var whole = Resampler(inputRate: 22050, outputRate: 16000)
        let reference = whole.process(input) + whole.flush()
        var generator: UInt64 = 12345
        var chunked = Resampler(inputRate: 22050, outputRate: 16000)
        var output: [Float] = []
        var offset = 0
        while offset < input.count {
            generator = generator &* 6364136223846793005 &+ 1442695040888963407
            let n = min(input.count - offset, Int(generator >> 54) + 1)
            output += chunked.process(Array(input[offset..<(offset + n)]))
            offset += n
        }
        output += chunked.flush()
        #expect(output == reference)
    }
}

@Suite struct WAVTests {
    @Test func writeThenReadRoundTrips() throws {
        let buffer = AudioBuffer(sampleRate: 8000, channels: [tone(500, rate: 8000, seconds: 0.1), tone(700, rate: 8000, seconds: 0.1)])
        let decoded = try WAVFile.decode(WAVFile.encode(buffer))
        #expect(decoded.sampleRate == 8000)
        #expect(decoded.channels.count == 2)
        for c in 0..<2 {
            #expect(zip(decoded.channels[c], buffer.channels[c]).allSatisfy { abs($0 - $1) < 1.0 / 16000 })
        }
    }

    @Test func espeakOutputIsReadable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-wav-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("hello.wav")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["espeak-ng", "-v", "en-us", "-w", url.path, "hello world"]
        try process.run()
        process.waitUntilExit()
        let buffer = try WAVFile.read(url)
        #expect(buffer.sampleRate == 22050)
        #expect(buffer.duration > 0.5 && buffer.duration < 3)
        #expect(rms(buffer.mono[...]) > 0.01)
    }

    @Test func malformedFilesGiveClearErrors() {
        #expect(throws: AudioError.notWAV("no RIFF/WAVE header")) { try WAVFile.decode(Array("hello".utf8)) }
        var header = WAVFile.encode(AudioBuffer(sampleRate: 16000, channels: [[0, 0]]))
        header[20] = 2  // format tag 2 (ADPCM)
        #expect(throws: AudioError.unsupportedEncoding(format: 2, bits: 16)) { try WAVFile.decode(header) }
        let riffOnly: [UInt8] = Array("RIFF".utf8) + [4, 0, 0, 0] + Array("WAVE".utf8)
        #expect(throws: AudioError.notWAV("no fmt chunk")) { try WAVFile.decode(riffOnly) }
    }
}

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
}
