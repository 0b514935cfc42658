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
    /// OpenBLAS's version and the core type whose kernels run (see `NumericEnvironment`); set
    /// from the library in use, like `kernels`.
    public var blasVersion = BLASTuning.version
    public var blasCore = BLASTuning.coreName

    public init() {}

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
        ] + NumericEnvironment.blasSettings(version: blasVersion, core: blasCore)
    }
}
