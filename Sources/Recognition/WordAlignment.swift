import CBLAS
import CKernels
import Foundation

/// Word times from the decoder's cross-attention: the "alignment heads" (named in the model's
/// config.json) attend to the audio frames a token was heard in. Their attention over the
/// decoded tokens, normalised and median-filtered, is aligned to the audio by dynamic time
/// warping; a word starts where the path first reaches its first token. This is Whisper's own
/// method (and faster-whisper's), done once per utterance after decoding.
struct WordAlignment {
    static let secondsPerFrame = 0.02   // one encoder position per 20 ms
    static let medianWidth = 7

    let heads: [(layer: Int, head: Int)]

    /// - Parameters:
    ///   - prompt: the start-of-transcript sequence before `<|notimestamps|>`.
    ///   - text: decoded text tokens; `probabilities` their probabilities.
    ///   - samples: utterance length (16 kHz), which bounds the frames aligned to.
    func words(model: WhisperModel, tokenizer: WhisperTokenizer, cache: WhisperModel.DecoderCache, prompt: [Int],
               text: [Int], probabilities: [Float], samples: Int) -> [RecognizedWord] {
        let frames = min(cache.audioPositions, max(1, samples / 320))
        guard !text.isEmpty, !heads.isEmpty else { return [] }
        let sequence = prompt + [tokenizer.noTimestamps] + text + [tokenizer.endOfText]
        var queries: [Int: [Float]] = [:]
        let wanted = Set(heads.map(\.layer))
        var scratch = model.emptied(cache)
        _ = model.decode(sequence, cache: &scratch) { layer, q in if wanted.contains(layer) { queries[layer] = q } }

        let rows = sequence.count
        let width = model.width
        let headWidth = width / model.decoderHeads
        let scale = 1 / Float(headWidth).squareRoot()
        var matrix = [Float](repeating: 0, count: rows * frames)
        for (layer, head) in heads {
            guard let q = queries[layer] else { continue }
            var weights = [Float](repeating: 0, count: rows * frames)
            q.withUnsafeBufferPointer { qp in
                cache.crossKeyValues[layer].withUnsafeBufferPointer { kv in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(frames), Int32(headWidth),
                                scale, qp.baseAddress! + head * headWidth, Int32(width),
                                kv.baseAddress! + head * headWidth, Int32(2 * width), 0, &weights, Int32(frames))
                }
            }
            weights.withUnsafeMutableBufferPointer { td_softmax_rows($0.baseAddress!, Int32(rows), Int32(frames), -1) }
            Self.standardizeColumns(&weights, rows: rows, columns: frames)
            Self.medianFilterRows(&weights, rows: rows, columns: frames, width: Self.medianWidth)
            for i in 0..<matrix.count { matrix[i] += weights[i] / Float(heads.count) }
        }
        // Rows from <|notimestamps|> to the last text token: row k predicts text token k (and eot).
        let first = prompt.count
        let count = text.count + 1
        var cost = [Float](repeating: 0, count: count * frames)
        for r in 0..<count { for c in 0..<frames { cost[r * frames + c] = -matrix[(first + r) * frames + c] } }
        let (textIndices, timeIndices) = Self.dtw(cost, rows: count, columns: frames)
        // The time at which the path first reaches each row.
        var jumpTimes: [Double] = []
        var previous = -1
        for (t, f) in zip(textIndices, timeIndices) where t != previous {
            jumpTimes.append(Double(f) * Self.secondsPerFrame)
            previous = t
        }
        guard jumpTimes.count == count else { return [] }
        var words: [RecognizedWord] = []
        var index = 0
        for group in Self.wordGroups(text, tokenizer: tokenizer) {
            let start = jumpTimes[index]
            let end = jumpTimes[index + group.count]
            let p = group.map { probabilities[$0 - text.startIndex] }
            let word = tokenizer.decode(group.map { text[$0] }).trimmingCharacters(in: .whitespaces)
            index += group.count
            guard !word.isEmpty else { continue }
            words.append(RecognizedWord(text: word, start: start, end: max(start, end), probability: p.reduce(0, +) / Float(max(1, p.count))))
        }
        return words
    }

    /// Token positions grouped into words: a token whose text begins with a space starts a new
    /// word; punctuation-only tokens stay with the word before them.
    static func wordGroups(_ text: [Int], tokenizer: WhisperTokenizer) -> [[Int]] {
        var groups: [[Int]] = []
        for position in text.indices {
            let piece = tokenizer.decode([text[position]])
            let isPunctuation = !piece.isEmpty && piece.trimmingCharacters(in: .whitespaces).unicodeScalars.allSatisfy { CharacterSet.punctuationCharacters.contains($0) }
            if groups.isEmpty || (piece.hasPrefix(" ") && !isPunctuation) {
                groups.append([position])
            } else {
                groups[groups.count - 1].append(position)
            }
        }
        return groups
    }

    /// Each frame's column: zero mean, unit variance over the tokens.
    static func standardizeColumns(_ x: inout [Float], rows: Int, columns: Int) {
        for c in 0..<columns {
            var mean: Float = 0
            for r in 0..<rows { mean += x[r * columns + c] }
            mean /= Float(rows)
            var variance: Float = 0
            for r in 0..<rows { let d = x[r * columns + c] - mean; variance += d * d }
            let std = max((variance / Float(rows)).squareRoot(), 1e-10)
            for r in 0..<rows { x[r * columns + c] = (x[r * columns + c] - mean) / std }
        }
    }

    /// Median over a sliding window along each row, reflecting at the edges.
    static func medianFilterRows(_ x: inout [Float], rows: Int, columns: Int, width: Int) {
        let half = width / 2
        guard columns > half else { return }
        var window = [Float](repeating: 0, count: width)
        var row = [Float](repeating: 0, count: columns)
        for r in 0..<rows {
            for c in 0..<columns { row[c] = x[r * columns + c] }
            for c in 0..<columns {
                for k in 0..<width {
                    var j = c - half + k
                    if j < 0 { j = -j }
                    if j >= columns { j = 2 * (columns - 1) - j }
                    window[k] = row[min(max(j, 0), columns - 1)]
                }
                window.sort()
                x[r * columns + c] = window[half]
            }
        }
    }

    /// Monotonic alignment of rows (tokens) to columns (frames) with least total cost.
    static func dtw(_ cost: [Float], rows: Int, columns: Int) -> (rows: [Int], columns: [Int]) {
        let stride = columns + 1
        var total = [Float](repeating: .infinity, count: (rows + 1) * stride)
        var trace = [UInt8](repeating: 0, count: (rows + 1) * stride)
        total[0] = 0
        for j in 1...columns {
            for i in 1...rows {
                let diagonal = total[(i - 1) * stride + j - 1], up = total[(i - 1) * stride + j], left = total[i * stride + j - 1]
                var best = diagonal, step: UInt8 = 0
                if up < best { best = up; step = 1 }
                if left < best { best = left; step = 2 }
                total[i * stride + j] = cost[(i - 1) * columns + j - 1] + best
                trace[i * stride + j] = step
            }
        }
        var i = rows, j = columns
        var path: [(Int, Int)] = []
        while i > 0 || j > 0 {
            path.append((i - 1, j - 1))
            let step: UInt8 = i == 0 ? 2 : j == 0 ? 1 : trace[i * stride + j]
            switch step {
            case 0: i -= 1; j -= 1
            case 1: i -= 1
            default: j -= 1
            }
        }
        path.reverse()
        let kept = path.filter { $0.0 >= 0 && $0.1 >= 0 }
        return (kept.map(\.0), kept.map(\.1))
    }
}
