import Foundation

/// One named engine setting, as journal headers record it (`engine.<name>`).
public struct EngineSetting: Codable, Hashable, Sendable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { (self.name, self.value) = (name, value) }
}

/// Names everything a transcript depends on, for journal headers and caches.
public struct EngineIdentity: Codable, Hashable, Sendable, CustomStringConvertible {
    public var engine: String
    public var model: String
    public var modelDigest: String
    /// Output-changing settings in the engine's fixed order (see `WhisperOptions`).
    public var settings: [EngineSetting]

    public init(engine: String, model: String, modelDigest: String, settings: [EngineSetting] = []) {
        (self.engine, self.model, self.modelDigest, self.settings) = (engine, model, modelDigest, settings)
    }

    /// The settings in one line, `name=value` comma-separated, for logs and the header's
    /// `engine` member; each is also recorded on its own, so nothing has to parse this back.
    public var options: String { settings.map { "\($0.name)=\($0.value)" }.joined(separator: ",") }

    public func setting(_ name: String) -> String? { settings.first { $0.name == name }?.value }

    public var description: String { "\(engine) \(model)@\(modelDigest.prefix(12)) \(options)" }
}

public struct RecognizedWord: Codable, Equatable, Sendable {
    public var text: String
    /// Seconds from the start of the samples given to `transcribe`.
    public var start: Double
    public var end: Double
    public var probability: Float

    public init(text: String, start: Double, end: Double, probability: Float) {
        (self.text, self.start, self.end, self.probability) = (text, start, end, probability)
    }
}

public struct Transcription: Codable, Equatable, Sendable {
    public var text: String
    public var language: String
    public var languageProbability: Float
    public var noSpeechProbability: Float
    public var averageLogProbability: Float
    public var words: [RecognizedWord]

    public init(text: String, language: String, languageProbability: Float, noSpeechProbability: Float,
                averageLogProbability: Float, words: [RecognizedWord]) {
        (self.text, self.language, self.languageProbability) = (text, language, languageProbability)
        (self.noSpeechProbability, self.averageLogProbability, self.words) = (noSpeechProbability, averageLogProbability, words)
    }
}

/// Speech to text. `samples` are 16 kHz mono in [-1, 1]; `language` nil detects it.
public protocol SpeechRecognizer: Sendable {
    var identity: EngineIdentity { get }
    func transcribe(_ samples: [Float], language: String?) throws -> Transcription
}
