import Foundation
import Testing
@testable import Recognition

/// The fitted encoder window's arithmetic, text form and replay rule; no model needed.
@Suite struct EncoderWindowTests {
    @Test func theWindowIsTheUtterancePlusPaddingInWholeSecondsAtMostThirty() {
        let fit = WhisperOptions.EncoderWindow.fitted(paddingMilliseconds: 1000)
        #expect(fit.frames(forSamples: 16000) == 200, "1 s + 1 s")
        #expect(fit.frames(forSamples: 16001) == 300, "a sample over rounds up to the next second")
        #expect(fit.frames(forSamples: 0) == 100)
        #expect(fit.frames(forSamples: 29 * 16000) == 3000)
        #expect(fit.frames(forSamples: 40 * 16000) == 3000, "never beyond Whisper's window")
        #expect(WhisperOptions.EncoderWindow.full.frames(forSamples: 16000) == 3000)
        #expect(WhisperOptions.EncoderWindow.fitted(paddingMilliseconds: 0).frames(forSamples: 32000) == 200)
    }

    @Test func aMinimumKeepsShortUtterancesInALongerWindow() {
        #expect(WhisperOptions().encoderWindow == .fitted(paddingMilliseconds: 1000, minimumSeconds: 6), "the default")
        let fit = WhisperOptions.EncoderWindow.fitted(paddingMilliseconds: 1000, minimumSeconds: 8)
        #expect(fit.frames(forSamples: 30_000) == 800, "1.9 s + 1 s is under the 8 s minimum")
        #expect(fit.frames(forSamples: 7 * 16000 + 1) == 900, "past the minimum it is the utterance plus padding again")
        #expect(fit.frames(forSamples: 40 * 16000) == 3000)
        #expect(WhisperOptions.EncoderWindow.fitted(paddingMilliseconds: 0, minimumSeconds: 30).frames(forSamples: 100) == 3000)
    }

    @Test func itsTextFormRoundTripsAndBadTextIsRefused() {
        for window in [WhisperOptions.EncoderWindow.full, .fitted(paddingMilliseconds: 0), .fitted(paddingMilliseconds: 1000), .fitted(paddingMilliseconds: 2500),
                       .fitted(paddingMilliseconds: 1000, minimumSeconds: 8), .fitted(paddingMilliseconds: 0, minimumSeconds: 30)] {
            #expect(WhisperOptions.EncoderWindow(window.description) == window)
        }
        #expect(WhisperOptions.EncoderWindow("fit") == .fitted(paddingMilliseconds: 1000))
        #expect(WhisperOptions.EncoderWindow("fit+500") == .fitted(paddingMilliseconds: 500))
        #expect(WhisperOptions.EncoderWindow("fit+1000ms-min8s") == .fitted(paddingMilliseconds: 1000, minimumSeconds: 8))
        #expect(WhisperOptions.EncoderWindow("fit-min6") == .fitted(paddingMilliseconds: 1000, minimumSeconds: 6))
        #expect(WhisperOptions.EncoderWindow("fit+1000ms-min1s")?.description == "fit+1000ms", "a one-second minimum is the old form")
        for bad in ["", "20s", "fit-5ms", "fit+", "fit+abcms", "fit+40000ms", "fitted", "fit+1000ms-min0s", "fit+1000ms-min31s", "fit+1000ms-min"] {
            #expect(WhisperOptions.EncoderWindow(bad) == nil, "\(bad)")
        }
    }

    @Test func fittedFeaturesAreTheFullWindowsFirstColumns() {
        let front = LogMelSpectrogram(melCount: 80)
        var samples = [Float](repeating: 0, count: 16000 * 3 / 2)
        for i in samples.indices { samples[i] = 0.3 * Float(sin(Double(i) * 0.07)) * Float(i % 4000) / 4000 }
        let full = front.features(samples)
        let fitted = front.features(samples, frames: 300)
        #expect(fitted.count == 80 * 300)
        var worst: Float = 0
        // The last column's window reaches past the fitted audio's end (reflect padding).
        for m in 0..<80 { for f in 0..<299 { worst = max(worst, abs(fitted[m * 300 + f] - full[m * 3000 + f])) } }
        // Equal up to float rounding: exactly on OpenBLAS's Haswell and Cooperlake kernels, within
        // about 2e-6 on its Zen ones, whose sums' order depends on the matrix's row count (seen on
        // an AMD EPYC). Replay is unaffected: it runs the recorded window on the recorded kernels.
        #expect(worst < 1e-5, "fitted columns differ from the full window's by \(worst)")
    }

    @Test func theTokenLimitGrowsWithTheUtteranceUpToWhispers() {
        var options = WhisperOptions()
        #expect(options.maxTokensPerSecond == 20)
        #expect(options.maxNewTokens(forSamples: 0) == 16)
        #expect(options.maxNewTokens(forSamples: 16000) == 36)
        #expect(options.maxNewTokens(forSamples: 16001) == 37, "a part second counts whole")
        #expect(options.maxNewTokens(forSamples: 20 * 16000) == 224, "never beyond Whisper's 224")
        options.maxTokensPerSecond = nil
        #expect(options.maxNewTokens(forSamples: 16000) == 224)
        options.adopt(recorded: ["engine.model": "base", "engine.fallback": "beam", "engine.max-tokens-per-second": "12"])
        #expect(options.maxTokensPerSecond == 12)
    }

    @Test func aReplayDecodesWithTheWindowItsHeaderRecords() {
        var old = WhisperOptions()
        old.adopt(recorded: ["engine.model": "base", "engine.fallback": "beam"])
        #expect(old.encoderWindow == .full, "headers from before the option ran the full window")
        #expect(old.maxTokensPerSecond == nil && old.maxNewTokens(forSamples: 16000) == 224, "and 224 tokens for any utterance")
        #expect(old.decoderWeights == .float32, "and a Float decoder")
        var fitted = WhisperOptions()
        fitted.encoderWindow = .full
        fitted.adopt(recorded: ["engine.model": "base", "engine.fallback": "beam", "engine.encoder-window": "fit+500ms"])
        #expect(fitted.encoderWindow == .fitted(paddingMilliseconds: 500))
        fitted.adopt(recorded: ["engine.model": "base", "engine.fallback": "beam", "engine.encoder-window": "fit+1000ms"])
        #expect(fitted.encoderWindow == .fitted(paddingMilliseconds: 1000, minimumSeconds: 1), "headers from before the minimum had none")
        var beforeTheGate = WhisperOptions()
        beforeTheGate.adopt(recorded: ["engine.model": "base"])
        #expect(beforeTheGate.fallback == .none && beforeTheGate.compressionRatioThreshold == .infinity)
        var protocolOnly = WhisperOptions()
        protocolOnly.adopt(recorded: [:])
        #expect(protocolOnly == WhisperOptions(), "no engine recorded: nothing to adopt")
    }
}
