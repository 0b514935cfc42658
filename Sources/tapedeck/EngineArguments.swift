import Analysis
import ArgumentParser
import Foundation
import Pipeline
import Recognition

extension WhisperOptions.Decoding: ExpressibleByArgument {}
extension WhisperOptions.Fallback: ExpressibleByArgument {}
extension WhisperOptions.WeightPrecision: ExpressibleByArgument {}
extension WhisperOptions.EncoderWindow: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// Speech model and analyzer settings shared by serve, replay and regenerate.
struct EngineArguments: ParsableArguments {
    @Option(help: "Installed speech model (tools/fetch-models): base (English and Turkish), tiny.en.") var model: String?
    @Option(help: "Organization settings file (analysis configuration JSON).") var settings: String?
    @Option(help: "First decoding pass: greedy (live speed) or beam (default: greedy; replay: as the journal says).")
    var decoding: WhisperOptions.Decoding?
    @Option(help: "Hypotheses kept by beam search, as first pass or fallback (default: 5; replay: as the journal says).")
    var beamSize: Int?
    @Option(help: "When Whisper's quality gate rejects an utterance (a repetition loop, or average log-probability below -1): none keeps it, beam decodes it again with beam search (default: beam; replay: as the journal says).")
    var fallback: WhisperOptions.Fallback?
    @Option(help: "Audio the encoder sees per utterance: fit+MS[-minNs] (the utterance plus MS milliseconds of silence, in whole seconds, at least N seconds; far cheaper) or 30s (Whisper's full window) (default: fit+1000ms-min6s; replay: as the journal says).")
    var encoderWindow: WhisperOptions.EncoderWindow?
    @Option(help: "Most text tokens per second of utterance (plus 16), a bound on what a repetition loop costs; 0 for Whisper's 224 whatever the length (default: 20; replay: as the journal says).")
    var maxTokensPerSecond: Int?
    @Option(help: "Decoder weights for its per-token products: int8 (a quarter of the memory traffic, exact integer sums, but less accurate) or float32 (default: float32; replay: as the journal says).")
    var decoderWeights: WhisperOptions.WeightPrecision?

    func analyzer() throws -> CallAnalyzer {
        CallAnalyzer(configuration: try settings.map { try AnalysisConfiguration.load(from: URL(fileURLWithPath: $0)) } ?? .default)
    }

    func validate() throws {
        if let beamSize, !(1...16).contains(beamSize) { throw ValidationError("--beam-size must be between 1 and 16") }
        if let maxTokensPerSecond, !(0...224).contains(maxTokensPerSecond) {
            throw ValidationError("--max-tokens-per-second must be between 0 (no bound but Whisper's 224) and 224")
        }
    }

    /// The decoding options: the command line's, else what a journal header recorded (so a
    /// replay decodes as the live session did), else the defaults. A header from before the
    /// quality gate existed names none of its settings; its session ran greedy with no gate.
    func options(threads: Int, recorded: [String: String]? = nil) -> WhisperOptions {
        var options = WhisperOptions()
        options.threads = threads
        options.detectableLanguages = SessionEnvironment.languages
        if let recorded { options.adopt(recorded: recorded) }
        decoding.map { options.decoding = $0 }
        beamSize.map { options.beamSize = $0 }
        fallback.map { options.fallback = $0 }
        encoderWindow.map { options.encoderWindow = $0 }
        maxTokensPerSecond.map { options.maxTokensPerSecond = $0 == 0 ? nil : $0 }
        decoderWeights.map { options.decoderWeights = $0 }
        return options
    }

    /// Loads the recognizer every command uses (same detection set, so identities agree).
    func recognizer(model: String, threads: Int, recorded: [String: String]? = nil) throws -> WhisperRecognizer {
        try WhisperRecognizer(modelDirectory: try ModelStore.installed(model), options: options(threads: threads, recorded: recorded))
    }
}
