import Recognition
import Testing
@testable import Pipeline

/// Every engine setting that changes output is named in the identity and recorded in the
/// journal header on its own key, in a fixed text form.
@Suite struct EngineIdentityTests {
    @Test func everyOutputChangingSettingIsInTheIdentity() {
        let base = WhisperOptions()
        var variants: [WhisperOptions] = []
        var o = base; o.threads = 2; variants.append(o)
        o = base; o.kernels = base.kernels == .avx2 ? .portable : .avx2; variants.append(o)
        o = base; o.detectableLanguages = ["en", "tr"]; variants.append(o)
        o = base; o.noSpeechThreshold = 0.5; variants.append(o)
        o = base; o.logProbabilityThreshold = -0.8; variants.append(o)
        o = base; o.decoding = .beam; variants.append(o)
        o = base; o.beamSize = 3; variants.append(o)
        o = base; o.fallback = .none; variants.append(o)
        o = base; o.compressionRatioThreshold = 2.0; variants.append(o)
        let identities = Set(([base] + variants).map { EngineIdentity(engine: "e", model: "m", modelDigest: "d", settings: $0.settings) })
        #expect(identities.count == variants.count + 1, "each setting changes the identity")
        #expect(base.settings.map(\.name) == ["decoding", "timestamps", "words", "kernels", "threads", "detect",
                                             "no-speech-threshold", "logprob-threshold", "beam-size", "fallback",
                                             "compression-ratio-threshold"])
        var tuned = base
        tuned.threads = 3
        tuned.detectableLanguages = ["en", "tr"]
        let identity = EngineIdentity(engine: "tapedeck-whisper/1", model: "base", modelDigest: "abc", settings: tuned.settings)
        #expect(identity.options == "decoding=greedy,timestamps=no,words=dtw,kernels=\(base.kernels.rawValue),threads=3,detect=en+tr,no-speech-threshold=0.6,logprob-threshold=-1.0,beam-size=5,fallback=beam,compression-ratio-threshold=2.4")
    }

    @Test func theHeaderRecordsEachSettingOnItsOwnKey() {
        var options = WhisperOptions()
        options.threads = 4
        let engine = EngineIdentity(engine: "tapedeck-whisper/1", model: "base", modelDigest: "abc", settings: options.settings)
        let components = SessionEnvironment(engine: engine).components
        #expect(components["engine.threads"] == "4")
        #expect(components["engine.model"] == "base")
        #expect(components["engine.model-digest"] == "abc")
        #expect(components["engine.no-speech-threshold"] == "0.6")
        #expect(components["engine.kernels"] == options.kernels.rawValue)
        #expect(SessionEnvironment.protocolOnly.components["engine"] == "none")
    }
}
