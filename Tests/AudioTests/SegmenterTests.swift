import Foundation
import Testing
@testable import Audio

@Suite struct SegmenterTests {
    static func speak(_ text: String, voice: String = "en-us") throws -> [Float] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-vad-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: url) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["espeak-ng", "-v", voice, "-w", url.path, text]
        try process.run()
        process.waitUntilExit()
        let audio = try WAVFile.read(url)
        return Resampler.convert(audio.mono, from: audio.sampleRate, to: 16000)
    }

    /// First and last sample louder than -40 dBFS: where the speech really is.
    static func extent(_ x: [Float]) -> ClosedRange<Int> {
        let first = x.firstIndex { abs($0) > 0.01 } ?? 0
        let last = x.lastIndex { abs($0) > 0.01 } ?? 0
        return first...last
    }

    static func run(_ samples: [Float], chunk: (Int) -> Int = { _ in 8000 }) -> [Utterance] {
        var segmenter = Segmenter()
        var out: [Utterance] = []
        var offset = 0, index = 0
        while offset < samples.count {
            let n = min(samples.count - offset, max(1, chunk(index)))
            out += segmenter.append(Array(samples[offset..<(offset + n)]), at: Int64(offset))
            offset += n
            index += 1
        }
        return out + segmenter.flush()
    }

    @Test func twoSentencesWithAPauseGiveTwoUtterancesAroundTheSpeech() throws {
        let first = try Self.speak("My internet has been down since Monday.")
        let second = try Self.speak("I already restarted the modem twice.")
        let gap = [Float](repeating: 0, count: 24000)
        let call = first + gap + second
        let truths = [Self.extent(first), Self.extent(second).lowerBound + first.count + gap.count ... Self.extent(second).upperBound + first.count + gap.count]
        let utterances = Self.run(call)
        #expect(utterances.count == 2)
        let config = SegmenterConfiguration.default
        let slack = 2400  // 150 ms
        for (u, truth) in zip(utterances, truths) {
            #expect(u.startSample <= Int64(truth.lowerBound) + Int64(slack))
            #expect(u.startSample >= Int64(truth.lowerBound - config.prerollSamples - slack))
            #expect(u.endSample >= Int64(truth.upperBound - slack))
            #expect(u.endSample <= Int64(truth.upperBound + config.tailSamples + slack))
            #expect(u.samples.count == Int(u.endSample - u.startSample))
        }
    }

    @Test func silenceAndQuietNoiseGiveNothing() {
        var state: UInt64 = 5
        let noise = (0..<48000).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000 * 0.002
        }
        #expect(Self.run([Float](repeating: 0, count: 48000)).isEmpty)
        #expect(Self.run(noise).isEmpty)
    }

    @Test func longSpeechIsCutBelowTheMaximum() throws {
        let sentence = try Self.speak("We keep talking without any pause at all because the call is long and the customer has a lot to say about the bill")
        var long: [Float] = []
        // Joined end to end with the silences trimmed: about 40 s of continuous speech.
        let core = Array(sentence[Self.extent(sentence)])
        while long.count < 40 * 16000 { long += core }
        let utterances = Self.run(long)
        #expect(utterances.count >= 2)
        #expect(utterances.allSatisfy { $0.samples.count <= SegmenterConfiguration.default.maximumSamples })
        #expect(utterances.map(\.samples.count).reduce(0, +) >= 38 * 16000)
    }

    @Test func outputDoesNotDependOnChunking() throws {
        let call = try Self.speak("Hello, I want to cancel my subscription.") + [Float](repeating: 0, count: 16000) + Self.speak("Thank you.")
        let reference = Self.run(call)
        var state: UInt64 = 42
        let random = Self.run(call) { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 52) + 1
        }
        #expect(random == reference)
        #expect(Self.run(call) { _ in 1 } == reference)
    }

    @Test func aGapShiftsLaterUtterancesByExactlyTheGap() throws {
        // Frames restart at the first sample after a gap; keep the audio on the 20 ms grid so both
        // streams cut the same frames.
        var speech = try Self.speak("Please hold while I check.")
        speech += [Float](repeating: 0, count: (320 - speech.count % 320) % 320)
        var plain = Segmenter(), gapped = Segmenter()
        let silence = [Float](repeating: 0, count: 16000)
        let a = plain.append(speech + silence + [Float](repeating: 0, count: 8000) + speech, at: 0) + plain.flush()
        // The same audio, but the client reports 0.5 s it did not send between the two silences.
        var b = gapped.append(speech + silence, at: 0)
        b += gapped.append([Float](repeating: 0, count: 8000) + speech, at: Int64(speech.count + 16000 + 8000))
        b += gapped.flush()
        #expect(a.count == 2 && b.count == 2)
        guard a.count == 2, b.count == 2 else { return }
        #expect(b[1].startSample - a[1].startSample == 8000)
        let sameAudio = b[1].samples == a[1].samples
        #expect(sameAudio)
    }
}
