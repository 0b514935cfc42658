import Foundation

/// Whisper inference in Swift: log-mel front end, encoder, greedy decoder with a KV cache.
/// Deterministic for a given model, input and thread count (temperature 0, no sampling).
public final class WhisperRecognizer: SpeechRecognizer, @unchecked Sendable {
    public let identity: EngineIdentity
    let model: WhisperModel
    let tokenizer: WhisperTokenizer
    private let frontEnd: LogMelSpectrogram
    private let suppressed: Set<Int>
    private let suppressedAtBegin: Set<Int>
    private let alignment: WordAlignment
    /// Whisper's own thresholds for dropping windows that hold no speech.
    public var noSpeechThreshold: Float = 0.6
    public var logProbabilityThreshold: Float = -1.0
    public static let maxNewTokens = 224

    /// Languages language detection chooses among (nil: every language the model knows).
    public let detectableLanguages: [String]?

    /// `threads` only changes speed: matrix products split rows and columns between threads,
    /// never a sum, so every thread count gives the same result (tested), and it is not part of
    /// the identity.
    public init(modelDirectory: URL, threads: Int = 2, detectableLanguages: [String]? = nil) throws {
        setMatrixThreads(threads)
        let ct2 = try CTranslate2Model(url: modelDirectory.appendingPathComponent("model.bin"))
        model = try WhisperModel(ct2)
        tokenizer = try WhisperTokenizer(directory: modelDirectory)
        frontEnd = LogMelSpectrogram(melCount: model.melCount)
        var suppress = Set<Int>()
        var begin = Set<Int>()
        var heads: [(layer: Int, head: Int)] = []
        if let data = try? Data(contentsOf: modelDirectory.appendingPathComponent("config.json")),
           let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            (config["suppress_ids"] as? [Int]).map { suppress.formUnion($0) }
            (config["suppress_ids_begin"] as? [Int]).map { begin.formUnion($0) }
            for pair in (config["alignment_heads"] as? [[Int]]) ?? [] where pair.count == 2 && pair[0] < model.decoderLayers.count {
                heads.append((pair[0], pair[1]))
            }
        }
        if heads.isEmpty {
            // Without a list, Whisper uses every head of the upper half of the decoder.
            let layers = model.decoderLayers.count
            for layer in (layers / 2)..<layers { for head in 0..<model.decoderHeads { heads.append((layer, head)) } }
        }
        alignment = WordAlignment(heads: heads)
        // Without timestamps only text tokens and end-of-text may be produced.
        for id in (tokenizer.endOfText + 1)..<model.vocabularySize { suppress.insert(id) }
        suppressed = suppress
        suppressedAtBegin = begin.union([tokenizer.endOfText])
        let name = modelDirectory.lastPathComponent
        let vocabulary = tokenizer
        let known = detectableLanguages?.filter { vocabulary.languageToken($0) != nil } ?? []
        let detectable = vocabulary.isMultilingual && !known.isEmpty ? known : nil
        self.detectableLanguages = detectable
        identity = EngineIdentity(engine: "tapedeck-whisper/1", model: name,
                                  modelDigest: ModelStore.digest(of: modelDirectory) ?? "unknown",
                                  options: "greedy,no-timestamps,words=dtw" + (detectable.map { ",detect=" + $0.joined(separator: "+") } ?? ""))
    }

    public convenience init(model name: String, threads: Int = 2, detectableLanguages: [String]? = nil) throws {
        try self.init(modelDirectory: try ModelStore.installed(name), threads: threads, detectableLanguages: detectableLanguages)
    }

    public func transcribe(_ samples: [Float], language: String?) throws -> Transcription {
        // Digital silence (below -60 dBFS everywhere): Whisper would invent a word ("you"); the
        // answer is known without running it.
        if samples.allSatisfy({ abs($0) < 1e-3 }) {
            return Transcription(text: "", language: language ?? (tokenizer.isMultilingual ? "" : "en"), languageProbability: 0,
                                 noSpeechProbability: 1, averageLogProbability: 0, words: [])
        }
        let mel = frontEnd.features(samples)
        let encoded = model.encode(mel)
        var cache = model.makeCache(encoded: encoded)
        let first = model.decode([tokenizer.startOfTranscript], cache: &cache)
        let noSpeech = tokenizer.noSpeech.map { softmax(first)[$0] } ?? 0
        var code = "en"
        var languageProbability: Float = 1
        if tokenizer.isMultilingual {
            if let language, tokenizer.languageToken(language) != nil {
                code = language
            } else {
                let candidates = detectableLanguages.map { wanted in tokenizer.languages.filter { wanted.contains($0.code) } } ?? tokenizer.languages
                let scores = candidates.map { first[$0.token] }
                let probabilities = softmax(scores)
                let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 > $1) }!
                code = candidates[best].code
                languageProbability = probabilities[best]
            }
        }
        var prompt: [Int] = []
        if tokenizer.isMultilingual, let token = tokenizer.languageToken(code), let transcribe = tokenizer.transcribe {
            prompt = [token, transcribe]
        }
        prompt.append(tokenizer.noTimestamps)
        var logits = model.decode(prompt, cache: &cache)
        var output: [Int] = []
        var logProbabilitySum: Float = 0
        var tokenProbabilities: [Float] = []
        let limit = min(Self.maxNewTokens, model.maxTextPositions - cache.length - 1)
        while output.count < limit {
            for id in suppressed { logits[id] = -.infinity }
            if output.isEmpty { for id in suppressedAtBegin { logits[id] = -.infinity } }
            let logProbabilities = logSoftmax(logits)
            var best = 0
            for i in 1..<logits.count where logits[i] > logits[best] { best = i }
            if best == tokenizer.endOfText { break }
            logProbabilitySum += logProbabilities[best]
            tokenProbabilities.append(exp(logProbabilities[best]))
            output.append(best)
            logits = model.decode([best], cache: &cache)
        }
        let average = output.isEmpty ? 0 : logProbabilitySum / Float(output.count + 1)
        var text = tokenizer.decode(output).trimmingCharacters(in: .whitespaces)
        if noSpeech > noSpeechThreshold && average < logProbabilityThreshold { text = "" }
        let words = text.isEmpty ? [] : alignment.words(
            model: model, tokenizer: tokenizer, cache: cache, prompt: [tokenizer.startOfTranscript] + prompt.dropLast(),
            text: output, probabilities: tokenProbabilities, samples: min(samples.count, LogMelSpectrogram.windowSamples))
        return Transcription(text: text, language: code, languageProbability: languageProbability, noSpeechProbability: noSpeech,
                             averageLogProbability: average, words: words)
    }
}

func softmax(_ x: [Float]) -> [Float] {
    let peak = x.max() ?? 0
    var e = x.map { exp($0 - peak) }
    let sum = e.reduce(0, +)
    for i in e.indices { e[i] /= sum }
    return e
}

func logSoftmax(_ x: [Float]) -> [Float] {
    let peak = x.max() ?? 0
    var sum: Float = 0
    for v in x where v > -.infinity { sum += exp(v - peak) }
    let log = peak + Foundation.log(sum)
    return x.map { $0 - log }
}
