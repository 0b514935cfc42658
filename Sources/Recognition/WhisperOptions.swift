import CKernels

/// Every choice that changes what the Whisper engine outputs for the same audio and model, in
/// the spirit of whisper.cpp's `whisper_full_params`. Each field goes into the engine identity
/// as a named setting, in this fixed order and text form, so a journal header names all of them
/// and a transcript cached under one identity is never reused under another.
public struct WhisperOptions: Hashable, Sendable {
    public enum Decoding: String, Sendable {
        /// Temperature 0, one hypothesis: the most probable token at each step.
        case greedy
    }

    public enum KernelVariant: String, Sendable {
        /// Plain C, the same formulas everywhere.
        case portable
        /// AVX2 + FMA vector forms of softmax, GELU and log-sum-exp (CKernels).
        case avx2

        /// The variant CKernels runs on this CPU (it picks AVX2 when the CPU has it).
        public static var inUse: KernelVariant { td_kernels_vectorized() == 1 ? .avx2 : .portable }
    }

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
    public var noSpeechThreshold: Float = 0.6
    public var logProbabilityThreshold: Float = -1.0

    public init() {}

    /// The settings as the engine identity names them. Utterance mode decodes without timestamp
    /// tokens and times words by DTW over the alignment heads; those are fixed in this engine,
    /// and named so the identity says so.
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
        ]
    }
}
