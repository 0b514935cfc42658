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
        o = base; o.blasCore = base.blasCore == "Haswell" ? "SkylakeX" : "Haswell"; variants.append(o)
        o = base; o.blasVersion = "0.3.99"; variants.append(o)
        o = base; o.encoderWindow = .full; variants.append(o)
        o = base; o.encoderWindow = .fitted(paddingMilliseconds: 500); variants.append(o)
        o = base; o.maxTokensPerSecond = nil; variants.append(o)
        o = base; o.maxTokensPerSecond = 12; variants.append(o)
        o = base; o.decoderWeights = .int8; variants.append(o)
        let identities = Set(([base] + variants).map { EngineIdentity(engine: "e", model: "m", modelDigest: "d", settings: $0.settings) })
        #expect(identities.count == variants.count + 1, "each setting changes the identity")
        #expect(base.settings.map(\.name) == ["decoding", "timestamps", "words", "kernels", "threads", "detect",
                                             "no-speech-threshold", "logprob-threshold", "beam-size", "fallback",
                                             "compression-ratio-threshold", "encoder-window", "max-tokens-per-second", "blas", "blas-core"])
        var tuned = base
        tuned.threads = 3
        tuned.blasVersion = "0.3.21"
        tuned.blasCore = "Haswell"
        tuned.detectableLanguages = ["en", "tr"]
        let identity = EngineIdentity(engine: "tapedeck-whisper/1", model: "base", modelDigest: "abc", settings: tuned.settings)
        #expect(identity.options == "decoding=greedy,timestamps=no,words=dtw,kernels=\(base.kernels.rawValue),threads=3,detect=en+tr,no-speech-threshold=0.6,logprob-threshold=-1.0,beam-size=5,fallback=beam,compression-ratio-threshold=2.4,encoder-window=fit+1000ms-min6s,max-tokens-per-second=20,blas=openblas-0.3.21,blas-core=Haswell")
        // Whisper's full window and token limit (and the Float decoder) are not named, so identities from before the
        // options are unchanged.
        tuned.encoderWindow = .full
        tuned.maxTokensPerSecond = nil
        #expect(EngineIdentity(engine: "tapedeck-whisper/1", model: "base", modelDigest: "abc", settings: tuned.settings).options
            == "decoding=greedy,timestamps=no,words=dtw,kernels=\(base.kernels.rawValue),threads=3,detect=en+tr,no-speech-threshold=0.6,logprob-threshold=-1.0,beam-size=5,fallback=beam,compression-ratio-threshold=2.4,blas=openblas-0.3.21,blas-core=Haswell")
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
        #expect(components["engine.blas"] == "openblas-\(options.blasVersion)")
        #expect(components["engine.blas-core"] == options.blasCore)
        #expect(SessionEnvironment.protocolOnly.components["engine"] == "none")
    }

    /// The numeric environment reads back from a header as typed fields.
    @Test func theHeaderNamesTheNumericKernelsAsTypedFields() throws {
        var options = WhisperOptions()
        options.threads = 2
        options.kernels = .avx2
        options.blasVersion = "0.3.21"
        options.blasCore = "SkylakeX"
        let engine = EngineIdentity(engine: "tapedeck-whisper/1", model: "base", modelDigest: "abc123", settings: options.settings)
        let recorded = try #require(NumericEnvironment(recorded: SessionEnvironment(engine: engine).components))
        #expect(recorded == NumericEnvironment(blasVersion: "0.3.21", blasCore: "SkylakeX", kernels: .avx2, threads: 2, modelDigest: "abc123"))
        // Journals from before the kernels were recorded, and protocol-only ones, name none.
        var old = SessionEnvironment(engine: engine).components
        old["engine.blas"] = nil
        #expect(NumericEnvironment(recorded: old) == nil)
        #expect(NumericEnvironment(recorded: SessionEnvironment.protocolOnly.components) == nil)
        #expect(NumericEnvironment(recorded: ["engine.blas": "mkl-2024", "engine.blas-core": "x", "engine.kernels": "avx2"]) == nil)
        #expect(NumericEnvironment(recorded: ["engine.blas": "openblas-0.3.21", "engine.blas-core": "Haswell", "engine.kernels": "sse9"]) == nil)
    }

    /// What stops a machine from running recorded kernels, named with what was recorded and what is here.
    @Test func obstaclesNameWhatWasRecordedAndWhatIsHere() {
        let v3: Set<String> = ["pni", "ssse3", "sse4_2", "avx", "avx2", "fma"]
        let v4 = v3.union(["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"])
        let skylake = NumericEnvironment(blasVersion: "0.3.21", blasCore: "SkylakeX", kernels: .avx2, threads: 1, modelDigest: "d")
        #expect(skylake.obstacles(cpuFlags: v4, blasVersionHere: "0.3.21", avx2Here: true).isEmpty)
        let lacking = skylake.obstacles(cpuFlags: v3, blasVersionHere: "0.3.21", avx2Here: true)
        #expect(lacking.count == 1 && lacking[0].contains("recorded SkylakeX") && lacking[0].contains("avx512f") && lacking[0].contains("this CPU lacks"))
        let version = skylake.obstacles(cpuFlags: v4, blasVersionHere: "0.3.26", avx2Here: true)
        #expect(version == ["OpenBLAS version: recorded 0.3.21, here 0.3.26 (its kernels differ between releases)"])
        var arm = skylake
        arm.blasCore = "NeoverseN1"
        #expect(arm.obstacles(cpuFlags: v4, blasVersionHere: "0.3.21", avx2Here: true).first?.contains("recorded NeoverseN1") == true)
        var portable = skylake
        portable.blasCore = "Haswell"
        #expect(portable.obstacles(cpuFlags: v3, blasVersionHere: "0.3.21", avx2Here: true).isEmpty, "x86-64-v3 runs the portable set")
        #expect(portable.obstacles(cpuFlags: ["pni"], blasVersionHere: "0.3.21", avx2Here: false).count == 2)
    }

    @Test func thePortablePolicyIsTheSameOnEveryV3CPU() {
        let v3: Set<String> = ["avx2", "fma"]
        let v4 = v3.union(["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"])
        func choice(_ policy: KernelPolicy, _ flags: Set<String>) -> String {
            let (core, kernels) = policy.choice(flags: flags)
            return "\(core ?? "OpenBLAS's own") \(kernels.rawValue)"
        }
        #expect(choice(.portable, v3) == "Haswell avx2")
        #expect(choice(.portable, v4) == "Haswell avx2", "the same set on every v3 CPU, AVX-512 or not")
        #expect(choice(.native, v4) == "SkylakeX avx2")
        #expect(choice(.native, v3) == "Haswell avx2")
        #expect(choice(.portable, ["sse3"]) == "OpenBLAS's own portable")
        #expect(KernelPolicy.default == .portable)
    }

    /// --allow-kernel-change reports by how much messages differ: numbers only, or not.
    @Test func aNumericChangeIsMeasuredAndATextChangeIsNot() {
        let journaled = #"{"type":"event","seq":3,"parameters":{"words":[{"w":"hi","confidence":0.873},{"w":"there","confidence":0.5}]}}"#
        let derived = #"{"type":"event","seq":4,"parameters":{"words":[{"w":"hi","confidence":0.874},{"w":"there","confidence":0.502}]}}"#
        let change = Replay.Difference(stream: "event", index: 0, journaled: journaled, derived: derived).largestNumericChange
        #expect(change?.path == "parameters.words[1].confidence")
        #expect(change?.count == 2)
        #expect(abs((change?.magnitude ?? 0) - 0.002) < 1e-9)
        let text = derived.replacingOccurrences(of: "there", with: "their")
        #expect(Replay.Difference(stream: "event", index: 0, journaled: journaled, derived: text).largestNumericChange == nil)
    }
}
