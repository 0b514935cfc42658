import CKernels
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
    private let suppressedInTimestampMode: [Int]
    private let alignment: WordAlignment
    /// Everything that changes the output, fixed for the recognizer's life (it is in the identity).
    public let options: WhisperOptions
    public static let maxNewTokens = 224

    /// Languages language detection chooses among (nil: every language the model knows).
    public var detectableLanguages: [String]? { options.detectableLanguages }

    /// A replay or regenerate reproduces live output with the thread count the journal header
    /// names (see `WhisperOptions.threads`).
    public var threads: Int { options.threads }

    public init(modelDirectory: URL, options requested: WhisperOptions) throws {
        var options = requested
        options.threads = max(1, requested.threads)
        setMatrixThreads(options.threads)
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
        // With timestamps, special tokens never come out; without, only text and end-of-text.
        suppressedInTimestampMode = Array(suppress.union((tokenizer.endOfText + 1)..<tokenizer.timestampBegin)).sorted()
        for id in (tokenizer.endOfText + 1)..<model.vocabularySize { suppress.insert(id) }
        suppressed = suppress
        suppressedAtBegin = begin.union([tokenizer.endOfText])
        let name = modelDirectory.lastPathComponent
        let vocabulary = tokenizer
        // Only languages the model has can be detected; an English-only model detects nothing.
        let known = requested.detectableLanguages?.filter { vocabulary.languageToken($0) != nil } ?? []
        options.detectableLanguages = vocabulary.isMultilingual && !known.isEmpty ? known : nil
        options.kernels = .inUse
        self.options = options
        identity = EngineIdentity(engine: "tapedeck-whisper/1", model: name,
                                  modelDigest: ModelStore.digest(of: modelDirectory) ?? "unknown", settings: options.settings)
    }

    public convenience init(modelDirectory: URL, threads: Int = 2, detectableLanguages: [String]? = nil) throws {
        var options = WhisperOptions()
        options.threads = threads
        options.detectableLanguages = detectableLanguages
        try self.init(modelDirectory: modelDirectory, options: options)
    }

    public convenience init(model name: String, threads: Int = 2, detectableLanguages: [String]? = nil) throws {
        try self.init(modelDirectory: try ModelStore.installed(name), threads: threads, detectableLanguages: detectableLanguages)
    }

    public func transcribe(_ samples: [Float], language: String?) throws -> Transcription {
        setMatrixThreads(threads)  // process-wide; every recognizer of a process should agree
        // Digital silence (below -60 dBFS everywhere): Whisper would invent a word ("you"); the
        // answer is known without running it.
        if samples.allSatisfy({ abs($0) < 1e-3 }) {
            return Transcription(text: "", language: language ?? (tokenizer.isMultilingual ? "" : "en"), languageProbability: 0,
                                 noSpeechProbability: 1, averageLogProbability: 0, words: [])
        }
        var window = start(samples)
        let (code, languageProbability) = self.language(language, first: window.first)
        let prompt = self.prompt(code)
        let decoded = greedy(&window.cache, first: window.first, prompt: prompt + [tokenizer.noTimestamps], timestamps: false)
        let average = decoded.averageLogProbability
        var text = tokenizer.decode(decoded.tokens).trimmingCharacters(in: .whitespaces)
        if window.noSpeech > options.noSpeechThreshold && average < options.logProbabilityThreshold { text = "" }
        let words = text.isEmpty ? [] : alignment.words(
            model: model, tokenizer: tokenizer, cache: window.cache, prompt: prompt,
            text: decoded.tokens, probabilities: decoded.probabilities, samples: min(samples.count, LogMelSpectrogram.windowSamples))
        return Transcription(text: text, language: code, languageProbability: languageProbability, noSpeechProbability: window.noSpeech,
                             averageLogProbability: average, words: words)
    }

    /// A recording of any length, Whisper's long-form way: 30 s windows decoded with timestamp
    /// tokens; a window's complete segments are kept and the next window starts where the last
    /// complete segment ended (or after the window when it ends in silence). Word times are
    /// aligned per window. The language is detected on the first window unless given.
    public func transcribeLong(_ samples: [Float], language: String?) throws -> [TranscriptSegment] {
        let total = samples.count
        var seek = 0
        var segments: [TranscriptSegment] = []
        var code: String? = language
        while seek < total {
            let windowSamples = Array(samples[seek..<min(total, seek + LogMelSpectrogram.windowSamples)])
            let offset = Double(seek) / Double(LogMelSpectrogram.sampleRate)
            if windowSamples.count < LogMelSpectrogram.sampleRate / 10 { break }  // under 0.1 s left
            if windowSamples.allSatisfy({ abs($0) < 1e-3 }) { seek += windowSamples.count; continue }
            var window = start(windowSamples)
            if code == nil || !tokenizer.isMultilingual { code = self.language(code, first: window.first).code }
            let prompt = self.prompt(code ?? "en")
            let decoded = greedy(&window.cache, first: window.first, prompt: prompt, timestamps: true)
            if window.noSpeech > options.noSpeechThreshold && decoded.averageLogProbability < options.logProbabilityThreshold {
                seek += windowSamples.count
                continue
            }
            let text = decoded.tokens.indices.filter { decoded.tokens[$0] < tokenizer.endOfText }
            let words = alignment.words(model: model, tokenizer: tokenizer, cache: window.cache, prompt: prompt,
                                        text: text.map { decoded.tokens[$0] }, probabilities: text.map { decoded.probabilities[$0] },
                                        samples: windowSamples.count)
            let split = Self.split(decoded.tokens, timestampBegin: tokenizer.timestampBegin, windowSamples: windowSamples.count)
            var wordIndex = 0
            for range in split.segments {
                let tokens = decoded.tokens[range.tokens].filter { $0 < tokenizer.endOfText }
                let segmentText = tokenizer.decode(tokens).trimmingCharacters(in: .whitespaces)
                // Words belong to the segment whose text they came from, in order.
                var segmentWords: [RecognizedWord] = []
                var covered = ""
                while wordIndex < words.count, covered.count < segmentText.filter({ !$0.isWhitespace }).count {
                    var word = words[wordIndex]
                    covered += word.text.filter { !$0.isWhitespace }
                    word.start += offset
                    word.end += offset
                    segmentWords.append(word)
                    wordIndex += 1
                }
                guard !segmentText.isEmpty else { continue }
                segments.append(TranscriptSegment(start: offset + range.start, end: offset + range.end, text: segmentText,
                                                  language: code ?? "en", words: segmentWords))
            }
            seek += max(split.advance, LogMelSpectrogram.sampleRate / 50)
        }
        return segments
    }

    // MARK: Decoding steps

    private struct Window {
        var cache: WhisperModel.DecoderCache
        var first: [Float]
        var noSpeech: Float
    }

    /// Encoder pass and the logits after <|startoftranscript|>.
    private func start(_ samples: [Float]) -> Window {
        let encoded = model.encode(frontEnd.features(samples))
        var cache = model.makeCache(encoded: encoded)
        let first = model.decode([tokenizer.startOfTranscript], cache: &cache)
        let normalizer = first.withUnsafeBufferPointer { td_log_sum_exp($0.baseAddress!, $0.count) }
        return Window(cache: cache, first: first, noSpeech: tokenizer.noSpeech.map { exp(first[$0] - normalizer) } ?? 0)
    }

    /// The language to decode in: the requested one, else the likeliest of the detectable ones.
    private func language(_ requested: String?, first: [Float]) -> (code: String, probability: Float) {
        guard tokenizer.isMultilingual else { return ("en", 1) }
        if let requested, tokenizer.languageToken(requested) != nil { return (requested, 1) }
        let candidates = detectableLanguages.map { wanted in tokenizer.languages.filter { wanted.contains($0.code) } } ?? tokenizer.languages
        let probabilities = softmax(candidates.map { first[$0.token] })
        let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 > $1) }!
        return (candidates[best].code, probabilities[best])
    }

    /// Tokens after <|startoftranscript|>: language and task for multilingual models.
    private func prompt(_ code: String) -> [Int] {
        guard tokenizer.isMultilingual, let token = tokenizer.languageToken(code), let transcribe = tokenizer.transcribe else {
            return [tokenizer.startOfTranscript]
        }
        return [tokenizer.startOfTranscript, token, transcribe]
    }

    struct Decoded {
        var tokens: [Int]
        var probabilities: [Float]
        var logProbabilitySum: Float
        var averageLogProbability: Float { tokens.isEmpty ? 0 : logProbabilitySum / Float(tokens.count + 1) }
    }

    /// Greedy decoding (temperature 0) after `prompt` (<|startoftranscript|> is already in the
    /// cache). Without timestamps only text and end-of-text may come out; with them, Whisper's
    /// rules: timestamps in pairs and never decreasing, the first token a timestamp ≤ 1 s, and a
    /// timestamp whenever all timestamps together are likelier than the best text token.
    private func greedy(_ cache: inout WhisperModel.DecoderCache, first: [Float], prompt: [Int], timestamps: Bool) -> Decoded {
        var logits = prompt.count > 1 ? model.decode(Array(prompt.dropFirst()), cache: &cache) : first
        var output: [Int] = []
        var probabilities: [Float] = []
        var sum: Float = 0
        let limit = min(Self.maxNewTokens, model.maxTextPositions - cache.length - 1)
        let begin = tokenizer.timestampBegin
        while output.count < limit {
            if timestamps {
                for id in suppressedInTimestampMode { logits[id] = -.infinity }
                if output.isEmpty { for id in suppressedAtBegin { logits[id] = -.infinity } }
                Self.applyTimestampRules(&logits, output: output, timestampBegin: begin, endOfText: tokenizer.endOfText)
            } else {
                for id in suppressed { logits[id] = -.infinity }
                if output.isEmpty { for id in suppressedAtBegin { logits[id] = -.infinity } }
            }
            let normalizer = logits.withUnsafeBufferPointer { td_log_sum_exp($0.baseAddress!, $0.count) }
            var best = 0
            for i in 1..<logits.count where logits[i] > logits[best] { best = i }
            if best == tokenizer.endOfText { break }
            let logProbability = logits[best] - normalizer
            sum += logProbability
            probabilities.append(exp(logProbability))
            output.append(best)
            logits = model.decode([best], cache: &cache)
        }
        return Decoded(tokens: output, probabilities: probabilities, logProbabilitySum: sum)
    }

    static let maxInitialTimestamp = 50  // 1.0 s

    static func applyTimestampRules(_ logits: inout [Float], output: [Int], timestampBegin begin: Int, endOfText: Int) {
        let n = logits.count
        let lastWasTimestamp = output.last.map { $0 >= begin } ?? false
        let penultimateWasTimestamp = output.count < 2 || output[output.count - 2] >= begin
        if lastWasTimestamp {
            if penultimateWasTimestamp {
                for i in begin..<n { logits[i] = -.infinity }       // a pair is complete: text or end next
            } else {
                for i in 0..<endOfText { logits[i] = -.infinity }   // close the pair (or end)
            }
        }
        if let last = output.last(where: { $0 >= begin }) {
            let floor = lastWasTimestamp && !penultimateWasTimestamp ? last : last + 1
            for i in begin..<min(floor, n) { logits[i] = -.infinity }
        }
        if output.isEmpty {
            for i in 0..<begin { logits[i] = -.infinity }
            if begin + maxInitialTimestamp + 1 < n { for i in (begin + maxInitialTimestamp + 1)..<n { logits[i] = -.infinity } }
        }
        // Compared as log-probabilities; the common normalizer cancels.
        let timestampMass = logits.withUnsafeBufferPointer { td_log_sum_exp($0.baseAddress! + begin, n - begin) }
        var bestText: Float = -.infinity
        for i in 0..<begin { bestText = max(bestText, logits[i]) }
        if timestampMass > bestText { for i in 0..<begin { logits[i] = -.infinity } }
    }

    /// Segments of a window's tokens: consecutive timestamps close a segment. Returns where the
    /// next window starts (samples into this one).
    static func split(_ tokens: [Int], timestampBegin begin: Int, windowSamples: Int)
        -> (segments: [(tokens: Range<Int>, start: Double, end: Double)], advance: Int) {
        func time(_ token: Int) -> Double { Double(token - begin) * 0.02 }
        let isTimestamp = tokens.map { $0 >= begin }
        let endsWithSingle = tokens.count >= 2 && !isTimestamp[tokens.count - 2] && isTimestamp[tokens.count - 1]
        var cuts: [Int] = []
        for i in tokens.indices.dropFirst() where isTimestamp[i] && isTimestamp[i - 1] { cuts.append(i) }
        guard !cuts.isEmpty else {
            var end = Double(windowSamples) / 16000
            if let last = tokens.last(where: { $0 >= begin }), last != begin { end = time(last) }
            let start = tokens.first.map { $0 >= begin ? time($0) : 0 } ?? 0
            return ([(0..<tokens.count, start, end)], windowSamples)
        }
        if endsWithSingle { cuts.append(tokens.count) }
        var segments: [(tokens: Range<Int>, start: Double, end: Double)] = []
        var last = 0
        for cut in cuts {
            segments.append((last..<cut, time(tokens[last]), time(tokens[cut - 1])))
            last = cut
        }
        // Ending mid-segment: the next window starts at the last complete segment's end.
        let advance = endsWithSingle ? windowSamples : Int((time(tokens[last - 1]) * 16000).rounded())
        return (segments, advance)
    }
}

/// A stretch of a long recording with its text and words (seconds from the recording's start).
public struct TranscriptSegment: Codable, Equatable, Sendable {
    public var start: Double
    public var end: Double
    public var text: String
    public var language: String
    public var words: [RecognizedWord]
}

func softmax(_ x: [Float]) -> [Float] {
    let peak = x.max() ?? 0
    var e = x.map { exp($0 - peak) }
    let sum = e.reduce(0, +)
    for i in e.indices { e[i] /= sum }
    return e
}
