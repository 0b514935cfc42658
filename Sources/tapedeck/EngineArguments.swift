import Analysis
import ArgumentParser
import Foundation
import Pipeline
import Recognition

extension WhisperOptions.Decoding: ExpressibleByArgument {}
extension WhisperOptions.Fallback: ExpressibleByArgument {}

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

    func analyzer() throws -> CallAnalyzer {
        CallAnalyzer(configuration: try settings.map { try AnalysisConfiguration.load(from: URL(fileURLWithPath: $0)) } ?? .default)
    }

    func validate() throws {
        if let beamSize, !(1...16).contains(beamSize) { throw ValidationError("--beam-size must be between 1 and 16") }
    }

    /// The decoding options: the command line's, else what a journal header recorded (so a
    /// replay decodes as the live session did), else the defaults. A header from before the
    /// quality gate existed names none of its settings; its session ran greedy with no gate.
    func options(threads: Int, recorded: [String: String]? = nil) -> WhisperOptions {
        var options = WhisperOptions()
        options.threads = threads
        options.detectableLanguages = SessionEnvironment.languages
        if let recorded, recorded["engine.model"] != nil {
            if recorded["engine.fallback"] == nil {
                options.fallback = .none
                options.compressionRatioThreshold = .infinity
            }
            recorded["engine.decoding"].flatMap(WhisperOptions.Decoding.init(rawValue:)).map { options.decoding = $0 }
            recorded["engine.beam-size"].flatMap { Int($0) }.map { options.beamSize = $0 }
            recorded["engine.fallback"].flatMap(WhisperOptions.Fallback.init(rawValue:)).map { options.fallback = $0 }
            recorded["engine.compression-ratio-threshold"].flatMap { Float($0) }.map { options.compressionRatioThreshold = $0 }
        }
        decoding.map { options.decoding = $0 }
        beamSize.map { options.beamSize = $0 }
        fallback.map { options.fallback = $0 }
        return options
    }

    /// Loads the recognizer every command uses (same detection set, so identities agree).
    func recognizer(model: String, threads: Int, recorded: [String: String]? = nil) throws -> WhisperRecognizer {
        try WhisperRecognizer(modelDirectory: try ModelStore.installed(model), options: options(threads: threads, recorded: recorded))
    }
}
