import Analysis
import ArgumentParser
import Foundation
import Pipeline
import Recognition

/// Speech model and analyzer settings shared by serve, replay and regenerate.
struct EngineArguments: ParsableArguments {
    @Option(help: "Installed speech model (tools/fetch-models): base (English and Turkish), tiny.en.") var model: String?
    @Option(help: "Organization settings file (analysis configuration JSON).") var settings: String?

    func analyzer() throws -> CallAnalyzer {
        CallAnalyzer(configuration: try settings.map { try AnalysisConfiguration.load(from: URL(fileURLWithPath: $0)) } ?? .default)
    }

    /// Loads the recognizer every command uses (same detection set, so identities agree).
    static func recognizer(model: String, threads: Int) throws -> WhisperRecognizer {
        try WhisperRecognizer(model: model, threads: threads, detectableLanguages: SessionEnvironment.languages)
    }
}
