import CKernels
import Foundation

/// Whisper inference in Swift: log-mel front end, encoder, greedy or beam-search decoder with a
/// KV cache, Whisper's quality gate with a beam-search fallback. Deterministic for a given model,
/// input, options and thread count (temperature 0, no sampling, ties broken by a fixed rule).
public final class WhisperRecognizer: SpeechRecognizer, @unchecked Sendable {  // immutable after init; holds the model (raw weight buffers)
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

    /// The kernels this recognizer's results follow from (recorded in journal headers).
    public var numericEnvironment: NumericEnvironment {
        NumericEnvironment(blasVersion: options.blasVersion, blasCore: options.blasCore, kernels: options.kernels,
                           threads: options.threads, modelDigest: identity.modelDigest)
    }

    public init(modelDirectory: URL, options requested: WhisperOptions) throws {
        var options = requested
        options.threads = max(1, requested.threads)
        let ct2 = try CTranslate2Model(url: modelDirectory.appendingPathComponent("model.bin"))
        model = try WhisperModel(ct2, decoderWeights: requested.decoderWeights)
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
        options.blasVersion = BLASTuning.version
        options.blasCore = BLASTuning.coreName
        self.options = options
        identity = EngineIdentity(engine: "tapedeck-whisper/1", model: name,
                                  modelDigest: ModelStore.digest(of: modelDirectory) ?? "unknown", settings: options.settings)
    }

    public convenience init(modelDirectory: URL, threads: Int = 2, detectableLanguages: [String]? = nil,
                            encoderWindow: WhisperOptions.EncoderWindow = WhisperOptions().encoderWindow) throws {
        var options = WhisperOptions()
        options.threads = threads
        options.detectableLanguages = detectableLanguages
        options.encoderWindow = encoderWindow
        try self.init(modelDirectory: modelDirectory, options: options)
    }

    public convenience init(model name: String, threads: Int = 2, detectableLanguages: [String]? = nil,
                            encoderWindow: WhisperOptions.EncoderWindow = WhisperOptions().encoderWindow) throws {
        try self.init(modelDirectory: try ModelStore.installed(name), threads: threads, detectableLanguages: detectableLanguages,
                      encoderWindow: encoderWindow)
    }

    public func transcribe(_ samples: [Float], language: String?) throws -> Transcription {
        // OpenBLAS's thread count is process-wide: hold ours for the whole transcription.
        try MatrixThreads.with(threads) { try transcribeHoldingThreads(samples, language: language) }
    }

    private func transcribeHoldingThreads(_ samples: [Float], language: String?) throws -> Transcription {
        // Digital silence (below -60 dBFS everywhere): Whisper would invent a word ("you"); the
        // answer is known without running it.
        if samples.allSatisfy({ abs($0) < 1e-3 }) {
            return Transcription(text: "", language: language ?? (tokenizer.isMultilingual ? "" : "en"), languageProbability: 0,
                                 noSpeechProbability: 1, averageLogProbability: 0, words: [])
        }
        let frames = options.encoderWindow.frames(forSamples: samples.count)
        let limit = options.maxNewTokens(forSamples: samples.count)
        var window = start(samples, frames: frames)
        let (code, languageProbability) = self.language(language, first: window.first)
        let prompt = self.prompt(code)
        var (decoded, kept, rejected) = decodeChecked(window, prompt: prompt + [tokenizer.noTimestamps], timestamps: false,
                                                      limit: limit, fallback: frames == LogMelSpectrogram.windowFrames)
        if rejected && frames < LogMelSpectrogram.windowFrames {
            // A fitted window the gate rejected: the full one, as the model was trained, with
            // the fallback there (language as detected on the fitted window).
            window = start(samples)
            (decoded, kept, _) = decodeChecked(window, prompt: prompt + [tokenizer.noTimestamps], timestamps: false,
                                               limit: limit, fallback: true)
        }
        let average = decoded.averageLogProbability
        let text = kept ? tokenizer.decode(decoded.tokens).trimmingCharacters(in: .whitespaces) : ""
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
        try MatrixThreads.with(threads) { try transcribeLongHoldingThreads(samples, language: language) }
    }

    private func transcribeLongHoldingThreads(_ samples: [Float], language: String?) throws -> [TranscriptSegment] {
        let total = samples.count
        var seek = 0
        var segments: [TranscriptSegment] = []
        var code: String? = language
        while seek < total {
            let windowSamples = Array(samples[seek..<min(total, seek + LogMelSpectrogram.windowSamples)])
            let offset = Double(seek) / Double(LogMelSpectrogram.sampleRate)
            if windowSamples.count < LogMelSpectrogram.sampleRate / 10 { break }  // under 0.1 s left
            if windowSamples.allSatisfy({ abs($0) < 1e-3 }) { seek += windowSamples.count; continue }
            let window = start(windowSamples)
            if code == nil || !tokenizer.isMultilingual { code = self.language(code, first: window.first).code }
            let prompt = self.prompt(code ?? "en")
            let (decoded, kept, _) = decodeChecked(window, prompt: prompt, timestamps: true, limit: Self.maxNewTokens, fallback: true)
            // Silence, or a loop even beam search could not get out of: nothing to keep here.
            guard kept else {
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

    /// Encoder pass and the logits after <|startoftranscript|>, over the first `frames` mel
    /// frames of the 30 s window.
    private func start(_ samples: [Float], frames: Int = LogMelSpectrogram.windowFrames) -> Window {
        let encoded = model.encode(frontEnd.features(samples, frames: frames))
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

    /// The first pass, Whisper's quality gate on it, the fallback when the gate rejects it (and
    /// `fallback` allows it), and the no-speech rule. `kept` is false when the window's text is
    /// to be dropped: no speech, or a repetition loop every pass produced; `rejected`, whether
    /// the gate rejected the first pass. At most `limit` text tokens per pass.
    private func decodeChecked(_ window: Window, prompt: [Int], timestamps: Bool, limit: Int,
                               fallback: Bool) -> (decoded: Decoded, kept: Bool, rejected: Bool) {
        let gate = options.gate
        let firstBeams = options.decoding == .beam ? options.beamSize : 1
        func run(beams: Int?) -> Decoded {
            guard let beams else {
                return greedy(window.cache, first: window.first, prompt: prompt, timestamps: timestamps, limit: limit)
            }
            return beamSearch(window.cache, first: window.first, prompt: prompt, timestamps: timestamps, beams: beams, limit: limit)
        }
        func verdict(_ decoded: Decoded) -> QualityGate.Verdict {
            gate.verdict(text: tokenizer.decode(decoded.tokens.filter { $0 < tokenizer.endOfText }),
                         averageLogProbability: decoded.averageLogProbability, noSpeechProbability: window.noSpeech)
        }
        let first = run(beams: options.decoding == .beam ? options.beamSize : nil)
        var attempts = [(decoded: first, verdict: verdict(first))]
        let rejected = attempts[0].verdict == .repetitive || attempts[0].verdict == .unlikely
        if rejected, fallback, options.fallback == .beam, options.beamSize > firstBeams {
            let again = run(beams: options.beamSize)
            attempts.append((again, verdict(again)))
        }
        // The likeliest attempt that is not a loop; the first pass when they tie.
        var chosen: Decoded?
        for attempt in attempts where attempt.verdict != .repetitive {
            if chosen == nil || attempt.decoded.averageLogProbability > chosen!.averageLogProbability { chosen = attempt.decoded }
        }
        guard let chosen else { return (attempts.last!.decoded, false, rejected) }
        let silent = gate.isNoSpeech(averageLogProbability: chosen.averageLogProbability, noSpeechProbability: window.noSpeech)
        return (chosen, !silent, rejected)
    }

    /// Whisper's token rules for step `output.count`. Without timestamps only text and
    /// end-of-text may come out; with them: timestamps in pairs and never decreasing, the first
    /// token a timestamp ≤ 1 s, and a timestamp whenever all timestamps together are likelier
    /// than the best text token.
    private func mask(_ logits: inout [Float], output: [Int], timestamps: Bool) {
        if timestamps {
            for id in suppressedInTimestampMode { logits[id] = -.infinity }
            if output.isEmpty { for id in suppressedAtBegin { logits[id] = -.infinity } }
            Self.applyTimestampRules(&logits, output: output, timestampBegin: tokenizer.timestampBegin, endOfText: tokenizer.endOfText)
        } else {
            for id in suppressed { logits[id] = -.infinity }
            if output.isEmpty { for id in suppressedAtBegin { logits[id] = -.infinity } }
        }
    }

    /// Greedy decoding (temperature 0) after `prompt` (<|startoftranscript|> is already in the
    /// cache, which is taken by value: the window's own stays as it was, for a second pass).
    private func greedy(_ cache: WhisperModel.DecoderCache, first: [Float], prompt: [Int], timestamps: Bool, limit tokens: Int) -> Decoded {
        var cache = cache
        var logits = prompt.count > 1 ? model.decode(Array(prompt.dropFirst()), cache: &cache) : first
        var output: [Int] = []
        var probabilities: [Float] = []
        var sum: Float = 0
        let limit = min(tokens, model.maxTextPositions - cache.length - 1)
        while output.count < limit {
            mask(&logits, output: output, timestamps: timestamps)
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

    /// Whisper's beam search at temperature 0: each step extends every live hypothesis by its
    /// `beams + 1` likeliest tokens, keeps the `beams` best non-final extensions by summed
    /// log-probability, and sets aside those that end; it stops once `beams` have ended (or at
    /// the token limit, where the live ones join them) and returns the one with the best sum
    /// divided by its length (Whisper's ranking without a length penalty). Equal scores are
    /// ordered by hypothesis, then by the token's rank within it, which is the logit order with
    /// lower ids first, as greedy decoding breaks ties: so one beam is greedy decoding exactly.
    /// The reported log-probabilities leave out end-of-text, as greedy's do; ranking counts it.
    private func beamSearch(_ cache: WhisperModel.DecoderCache, first: [Float], prompt: [Int], timestamps: Bool,
                            beams width: Int, limit tokens: Int) -> Decoded {
        struct Hypothesis {
            var tokens: [Int] = []
            var probabilities: [Float] = []
            var logProbabilitySum: Float = 0
            var score: Float = 0
        }
        struct Candidate {
            var score: Float
            var beam: Int
            var rank: Int
            var token: Int
            var logProbability: Float
        }
        let width = max(1, width)
        var start = cache
        let opening = prompt.count > 1 ? model.decode(Array(prompt.dropFirst()), cache: &start) : first
        let limit = min(tokens, model.maxTextPositions - start.length - 1)
        guard limit > 0 else { return Decoded(tokens: [], probabilities: [], logProbabilitySum: 0) }
        let endOfText = tokenizer.endOfText
        var live = [Hypothesis()]
        var caches = [start]
        var logits = [opening]
        var finished: [Hypothesis] = []
        while !live.isEmpty {
            var candidates: [Candidate] = []
            for b in live.indices {
                var row = logits[b]
                mask(&row, output: live[b].tokens, timestamps: timestamps)
                let normalizer = row.withUnsafeBufferPointer { td_log_sum_exp($0.baseAddress!, $0.count) }
                for (rank, token) in Self.top(row, count: width + 1).enumerated() {
                    let logProbability = row[token] - normalizer
                    candidates.append(Candidate(score: live[b].score + logProbability, beam: b, rank: rank, token: token,
                                                logProbability: logProbability))
                }
            }
            candidates.sort { a, b in
                if a.score != b.score { return a.score > b.score }
                return a.beam != b.beam ? a.beam < b.beam : a.rank < b.rank
            }
            var next: [Hypothesis] = []
            var sources: [Int] = []
            for candidate in candidates {
                if candidate.token == endOfText {
                    if finished.count < width {
                        var ended = live[candidate.beam]
                        ended.score = candidate.score
                        finished.append(ended)
                    }
                    continue
                }
                var extended = live[candidate.beam]
                extended.tokens.append(candidate.token)
                extended.probabilities.append(exp(candidate.logProbability))
                extended.logProbabilitySum += candidate.logProbability
                extended.score = candidate.score
                next.append(extended)
                sources.append(candidate.beam)
                if next.count == width { break }
            }
            if finished.count >= width || next.isEmpty { live = []; break }
            live = next
            if next[0].tokens.count >= limit { break }
            // Beams that share a parent share its cache until their first append copies it.
            var stepCaches = sources.map { caches[$0] }
            caches = []
            logits = model.decodeStep(next.map { $0.tokens.last! }, caches: &stepCaches)
            caches = stepCaches
        }
        // Too few ended within the limit: the live ones compete as they stand, best first.
        for hypothesis in live where finished.count < width { finished.append(hypothesis) }
        var best = finished[0]
        for hypothesis in finished.dropFirst()
        where hypothesis.score / Float(max(1, hypothesis.tokens.count)) > best.score / Float(max(1, best.tokens.count)) {
            best = hypothesis
        }
        return Decoded(tokens: best.tokens, probabilities: best.probabilities, logProbabilitySum: best.logProbabilitySum)
    }

    /// Indices of the `count` largest finite values, largest first; equal values by index.
    static func top(_ values: [Float], count: Int) -> [Int] {
        var chosen: [Int] = []
        chosen.reserveCapacity(count + 1)
        values.withUnsafeBufferPointer { v in
            for i in 0..<v.count where v[i] > -.infinity {
                if chosen.count == count && v[i] <= v[chosen[count - 1]] { continue }
                var at = chosen.count
                while at > 0 && v[chosen[at - 1]] < v[i] { at -= 1 }
                chosen.insert(i, at: at)
                if chosen.count > count { chosen.removeLast() }
            }
        }
        return chosen
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
