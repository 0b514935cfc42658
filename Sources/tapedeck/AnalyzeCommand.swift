import Analysis
import ArgumentParser
import Foundation

/// What the analysis engine says about a transcript, without audio: the end-of-call analysis the
/// server would write, as JSON (the seed `analysis` object plus `detail`).
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Print the full end-of-call analysis JSON of a transcript (gold-set text format or JSON).",
        discussion: """
            FILE is either the gold-set format (`=== id`, `lang: en`, then `A|C|U start end | text` lines) or JSON:
            {"language": "en", "utterances": [{"speaker": "agent", "text": "...", "start": 0, "end": 3.5}]}.
            A file with several calls prints one line per call: {"call": id, "analysis": {...}}.
            """)

    @Argument(help: "Transcript file ('-' for standard input).") var file: String
    @Option(help: "Language of every utterance (en or tr), replacing the file's.") var language: String?
    @Flag(help: "Read FILE as JSON even if it does not start with { or [.") var json = false
    @Option(help: "Analysis settings JSON (marketing dictionary, rubric weights, thresholds).") var settings: String?

    func run() throws {
        let data: Data
        if file == "-" { data = FileHandle.standardInput.readDataToEndOfFile() } else {
            guard let d = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file); give a transcript file or - for standard input") }
            data = d
        }
        let calls = try TranscriptInput.parse(String(decoding: data, as: UTF8.self), language: language, forceJSON: json)
        let configuration = try settings.map { try AnalysisConfiguration.load(from: URL(fileURLWithPath: $0)) } ?? .default
        let analyzer = CallAnalyzer(configuration: configuration)
        for call in calls {
            guard let snapshot = analyzer.finalAnalysis(call.utterances) else {
                throw ValidationError("\(call.id): fewer than \(configuration.thresholds.minWords) words, so there is no analysis")
            }
            if calls.count == 1 { print(snapshot.seedJSON()) }
            else { print("{\"analysis\":\(snapshot.seedJSON()),\"call\":\(jsonString(call.id))}") }
        }
    }

    func jsonString(_ s: String) -> String {
        String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
    }
}
