import CKernels

/// Every choice that changes what the Whisper engine outputs for the same audio and model, in
/// the spirit of whisper.cpp's `whisper_full_params`. Each field goes into the engine identity
/// as a named setting, in this fixed order and text form, so a journal header names all of them
/// and a transcript cached under one identity is never reused under another.
public struct WhisperOptions: Hashable, Sendable {
    public enum Decoding: String, Sendable, CaseIterable {
        /// Temperature 0, one hypothesis: the most probable token at each step.
        case greedy
        /// `beamSize` hypotheses ranked by length-normalised log-probability (Whisper's beam
        /// search); slower, so only worth it as a first pass offline.
        case beam
    }

    /// What to do with a first pass the quality gate rejects (see `QualityGate`).
    public enum Fallback: String, Sendable, CaseIterable {
        /// Keep it (text that still looks like a repetition loop is dropped all the same).
        case none
        /// Decode the same window again with beam search and keep the better result.
        case beam
    }

    /// How much audio the encoder looks at for one utterance.
    public enum EncoderWindow: Hashable, Sendable, CustomStringConvertible {
        /// Whisper's 30 s window, the utterance padded with silence: what the model was trained
        /// on, and what every journal before this option recorded.
        case full
        /// The utterance plus `paddingMilliseconds` of silence, rounded up to whole seconds and
        /// at least `minimumSeconds` (at most 30 s): the encoder's cost falls with the window
        /// (its products are linear in the positions, attention quadratic), so a 4 s utterance
        /// costs about a sixth of the full window. The model was trained on 30 s windows, and a
        /// window barely longer than a short utterance now and then sends it into a confident
        /// loop ("It should.", 1.9 s, looped in a 3 s window and read "It showed" in a 7 s one),
        /// which the minimum avoids for little cost. When the quality gate still rejects the
        /// fitted pass, the utterance is decoded again on the full window, with the fallback
        /// there. Long-form transcription always uses full windows.
        case fitted(paddingMilliseconds: Int, minimumSeconds: Int = 1)

        /// The identity's text form: `30s`, `fit+1000ms`, or `fit+1000ms-min6s` when the
        /// minimum is more than one second (journals from before the minimum named no minimum).
        public var description: String {
            switch self {
            case .full: "30s"
            case let .fitted(padding, minimum) where minimum <= 1: "fit+\(padding)ms"
            case let .fitted(padding, minimum): "fit+\(padding)ms-min\(minimum)s"
            }
        }

        public init?(_ text: String) {
            if text == "30s" || text == "full" { self = .full; return }
            var rest = Substring(text)
            guard rest.hasPrefix("fit") else { return nil }
            rest = rest.dropFirst(3)
            var minimum = 1
            if let dash = rest.range(of: "-min") {
                var tail = rest[dash.upperBound...]
                if tail.hasSuffix("s") { tail = tail.dropLast() }
                guard let seconds = Int(tail), (1...30).contains(seconds) else { return nil }
                minimum = seconds
                rest = rest[..<dash.lowerBound]
            }
            if rest.isEmpty { self = .fitted(paddingMilliseconds: 1000, minimumSeconds: minimum); return }
            guard rest.hasPrefix("+") else { return nil }
            rest = rest.dropFirst()
            if rest.hasSuffix("ms") { rest = rest.dropLast(2) }
            guard let padding = Int(rest), (0...30_000).contains(padding) else { return nil }
            self = .fitted(paddingMilliseconds: padding, minimumSeconds: minimum)
        }

        /// Mel frames (100 per second) the encoder sees for `samples` samples at 16 kHz.
        public func frames(forSamples samples: Int) -> Int {
            // (Whole seconds, so the encoder's matrix shapes come from a small fixed set.)
            switch self {
            case .full: return LogMelSpectrogram.windowFrames
            case let .fitted(padding, minimum):
                let wanted = (samples + padding * 16 + 159) / 160
                return min(LogMelSpectrogram.windowFrames, max(100 * max(1, minimum), (wanted + 99) / 100 * 100))
            }
        }
    }

    /// How the decoder's weights are stored for its per-token products.
    public enum WeightPrecision: String, Sendable, CaseIterable {
        /// The model's own Float weights, as every journal before the option ran.
        case float32
        /// Int8 with one scale per output row, activations quantized per row: a decoding step
        /// reads a quarter of the bytes (it is bound by memory bandwidth), and the integer sums
        /// are exact, so the result does not depend on the kernel variant.
        case int8
    }

    public enum KernelVariant: String, Sendable, CaseIterable {
        /// Plain C, the same formulas everywhere.
        case portable
        /// AVX2 + FMA vector forms of softmax, GELU and log-sum-exp (CKernels).
        case avx2

        /// The variant CKernels runs on this CPU (it picks AVX2 when the CPU has it).
        public static var inUse: KernelVariant { td_kernels_vectorized() == 1 ? .avx2 : .portable }
    }

    /// The first pass. Greedy keeps live transcription as fast as it was; the fallback pays for
    /// beams only on the utterances that need them.
    public var decoding = Decoding.greedy
    /// Matrix threads per transcription. OpenBLAS's results depend on how many threads split a
    /// product (last bits of the floats, now and then a different word).
    public var threads = 1
    /// Our vector kernels; recorded, since their results differ from the portable ones in the
    /// last bits.
    public var kernels = KernelVariant.inUse
    /// Languages detection chooses among; nil for every language the model knows.
    public var detectableLanguages: [String]?
    /// Whisper's no-speech gate: an utterance whose no-speech probability is above this and
    /// whose average token log-probability is below `logProbabilityThreshold` is left empty.
    /// Above it, a low log-probability is taken for silence, so it triggers no fallback either.
    public var noSpeechThreshold: Float = 0.6
    /// Also the quality gate's bar: a first pass averaging below it is decoded again.
    public var logProbabilityThreshold: Float = -1.0
    /// Hypotheses kept by beam search, as first pass or fallback (Whisper's and
    /// faster-whisper's default is 5). 1 is greedy decoding, bit for bit.
    public var beamSize = 5
    /// On by default: it only runs on utterances the gate rejects (loops, very unlikely text),
    /// so the usual utterance costs what greedy costs.
    public var fallback = Fallback.beam
    /// The quality gate's repetition bar: UTF-8 length over DEFLATE length of the text
    /// (`QualityGate.compressionRatio`); Whisper's 2.4. Loops ("bıbbıbbıbı…") compress far
    /// better than speech does. Text still above it after the fallback is dropped.
    public var compressionRatioThreshold: Float = 2.4
    /// The encoder's window per utterance (see `EncoderWindow`). Fitted with 1 s of padding by
    /// default: on the dev set it cut transcription time 3.3× at no loss of accuracy (English
    /// WER 2.1 % against 3.4 % with the full window; docs/pipeline.md). Journals recorded
    /// before the option replay with `.full`, as they ran.
    public var encoderWindow = EncoderWindow.fitted(paddingMilliseconds: 1000, minimumSeconds: 6)
    /// An utterance's text is at most `16 + maxTokensPerSecond × its seconds` tokens (and never
    /// more than Whisper's 224). Speech runs at 3–8 tokens a second in English and Turkish, so
    /// only a loop reaches the cap, and it reaches it early: a loop on a 2 s utterance used to
    /// decode 224 tokens greedily and again with five beams (7.6 s of CPU) before the gate
    /// dropped it. nil: Whisper's 224 for every utterance, as journals before the option ran.
    public var maxTokensPerSecond: Int? = 20
    /// The decoder's weight precision (see `WeightPrecision`). Float by default: int8 halved
    /// the transcription time of the bench call but cost accuracy on the dev set (telephony
    /// English 7.0 % WER against 4.2 %; synthetic Turkish 29 errors against 25), most likely
    /// from one activation scale per row (docs/pipeline.md).
    public var decoderWeights = WeightPrecision.float32
    /// OpenBLAS's version and the core type whose kernels run (see `NumericEnvironment`); set
    /// from the library in use, like `kernels`.
    public var blasVersion = BLASTuning.version
    public var blasCore = BLASTuning.coreName

    public init() {}

    /// Takes the decoding settings a journal header recorded (`engine.<setting>` keys), so a
    /// replay decodes as the live session did. What a header leaves out is what the engine did
    /// before the setting existed: no `engine.fallback`, a session from before the quality gate
    /// (greedy, no gate); no `engine.encoder-window`, Whisper's full window; no
    /// `engine.max-tokens-per-second`, 224 tokens for any utterance; no `engine.decoder-weights`, Float. A header without an
    /// engine (protocol-only) changes nothing.
    public mutating func adopt(recorded: [String: String]) {
        guard recorded["engine.model"] != nil else { return }
        if recorded["engine.fallback"] == nil {
            fallback = .none
            compressionRatioThreshold = .infinity
        }
        recorded["engine.decoding"].flatMap(Decoding.init(rawValue:)).map { decoding = $0 }
        recorded["engine.beam-size"].flatMap { Int($0) }.map { beamSize = $0 }
        recorded["engine.fallback"].flatMap(Fallback.init(rawValue:)).map { fallback = $0 }
        recorded["engine.compression-ratio-threshold"].flatMap { Float($0) }.map { compressionRatioThreshold = $0 }
        encoderWindow = recorded["engine.encoder-window"].flatMap(EncoderWindow.init) ?? .full
        maxTokensPerSecond = recorded["engine.max-tokens-per-second"].flatMap { Int($0) }
        decoderWeights = recorded["engine.decoder-weights"].flatMap(WeightPrecision.init(rawValue:)) ?? .float32
    }

    /// The most text tokens an utterance of `samples` samples (16 kHz) may decode to.
    public func maxNewTokens(forSamples samples: Int) -> Int {
        guard let rate = maxTokensPerSecond else { return WhisperRecognizer.maxNewTokens }
        return min(WhisperRecognizer.maxNewTokens, 16 + (samples * rate + 15_999) / 16_000)
    }

    /// The gate these options describe.
    public var gate: QualityGate {
        QualityGate(compressionRatioThreshold: compressionRatioThreshold, logProbabilityThreshold: logProbabilityThreshold,
                    noSpeechThreshold: noSpeechThreshold)
    }

    /// The settings as the engine identity names them. Utterance mode decodes without timestamp
    /// tokens and times words by DTW over the alignment heads; those are fixed in this engine,
    /// and named so the identity says so. New settings go at the end, so older identities'
    /// settings stay a prefix of newer ones in journal headers.
    public var settings: [EngineSetting] {
        [
            EngineSetting("decoding", decoding.rawValue),
            EngineSetting("timestamps", "no"),
            EngineSetting("words", "dtw"),
            EngineSetting("kernels", kernels.rawValue),
            EngineSetting("threads", String(threads)),
            EngineSetting("detect", detectableLanguages?.joined(separator: "+") ?? "all"),
            EngineSetting("no-speech-threshold", String(noSpeechThreshold)),
            EngineSetting("logprob-threshold", String(logProbabilityThreshold)),
            EngineSetting("beam-size", String(beamSize)),
            EngineSetting("fallback", fallback.rawValue),
            EngineSetting("compression-ratio-threshold", String(compressionRatioThreshold)),
        ]
            // Named only when not Whisper's own window, so identities from before the option
            // (and their transcript caches and golden files) stay as they were.
            + (encoderWindow == .full ? [] : [EngineSetting("encoder-window", encoderWindow.description)])
            + (maxTokensPerSecond.map { [EngineSetting("max-tokens-per-second", String($0))] } ?? [])
            + (decoderWeights == .float32 ? [] : [EngineSetting("decoder-weights", decoderWeights.rawValue)])
            + NumericEnvironment.blasSettings(version: blasVersion, core: blasCore)
    }
}
