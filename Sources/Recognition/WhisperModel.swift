import CBLAS
import Foundation

/// Whisper's weights, converted once to Float at load, and the forward passes.
/// Read-only after init, so one instance serves concurrent transcriptions.
final class WhisperModel: @unchecked Sendable {  // immutable after init; its weights are raw buffers the checker cannot see are never written
    struct SelfAttention {
        let norm: LayerNorm
        let qkv: Linear       // fused query, key, value
        let output: Linear
    }

    struct CrossAttention {
        let norm: LayerNorm
        let query: Linear
        let keyValue: Linear  // fused key, value over the encoder output
        let output: Linear
    }

    struct FeedForward {
        let norm: LayerNorm
        let up: Linear
        let down: Linear

        func callAsFunction(_ x: [Float], rows: Int) -> [Float] {
            var h = up(norm(x, rows: rows), rows: rows)
            geluInPlace(&h)
            return down(h, rows: rows)
        }
    }

    struct EncoderLayer { let attention: SelfAttention; let ffn: FeedForward }
    struct DecoderLayer { let attention: SelfAttention; let cross: CrossAttention; let ffn: FeedForward }

    let width: Int
    let melCount: Int
    let encoderHeads: Int
    let decoderHeads: Int
    let vocabularySize: Int
    let maxTextPositions: Int

    private let conv1: (weight: [Float], bias: [Float])
    private let conv2: (weight: [Float], bias: [Float])
    private let encoderPositions: [Float]
    private let encoderLayers: [EncoderLayer]
    private let encoderNorm: LayerNorm
    let embeddings: [Float]
    /// The output projection (the embeddings, transposed) in int8, when the decoder runs int8.
    private let quantizedEmbeddings: QuantizedMatrix?
    private let decoderPositions: [Float]
    let decoderLayers: [DecoderLayer]
    private let decoderNorm: LayerNorm

    /// `decoderWeights`: `.int8` quantizes every decoder matrix a step multiplies by (the
    /// attention and feed-forward layers and the output projection; not the cross-attention
    /// keys and values, computed once per utterance from the encoder's output).
    init(_ model: CTranslate2Model, decoderWeights: WhisperOptions.WeightPrecision = .float32) throws {
        let conv1Shape = try model.tensor("encoder/conv1/weight").shape
        width = conv1Shape[0]
        melCount = conv1Shape[1]
        encoderHeads = try model.integer("encoder/num_heads")
        decoderHeads = try model.integer("decoder/num_heads")
        let embeddingShape = try model.tensor("decoder/embeddings/weight").shape
        vocabularySize = embeddingShape[0]
        maxTextPositions = try model.tensor("decoder/position_encodings/encodings").shape[0]
        conv1 = (try model.floats("encoder/conv1/weight"), try model.floats("encoder/conv1/bias"))
        conv2 = (try model.floats("encoder/conv2/weight"), try model.floats("encoder/conv2/bias"))
        encoderPositions = try model.floats("encoder/position_encodings/encodings")
        func selfAttention(_ p: String, int8: Bool = false) throws -> SelfAttention {
            SelfAttention(norm: try LayerNorm(model, p + "/layer_norm"), qkv: try Linear(model, p + "/linear_0", int8: int8),
                          output: try Linear(model, p + "/linear_1", int8: int8))
        }
        func ffn(_ p: String, int8: Bool = false) throws -> FeedForward {
            FeedForward(norm: try LayerNorm(model, p + "/layer_norm"), up: try Linear(model, p + "/linear_0", int8: int8),
                        down: try Linear(model, p + "/linear_1", int8: int8))
        }
        let int8 = decoderWeights == .int8
        var encoder: [EncoderLayer] = []
        while model.tensors["encoder/layer_\(encoder.count)/ffn/linear_0/weight"] != nil {
            let p = "encoder/layer_\(encoder.count)"
            encoder.append(EncoderLayer(attention: try selfAttention(p + "/self_attention"), ffn: try ffn(p + "/ffn")))
        }
        encoderLayers = encoder
        encoderNorm = try LayerNorm(model, "encoder/layer_norm")
        embeddings = try model.floats("decoder/embeddings/weight")
        quantizedEmbeddings = int8 ? QuantizedMatrix(embeddings, outputs: vocabularySize, inputs: width) : nil
        decoderPositions = try model.floats("decoder/position_encodings/encodings")
        var decoder: [DecoderLayer] = []
        while model.tensors["decoder/layer_\(decoder.count)/ffn/linear_0/weight"] != nil {
            let p = "decoder/layer_\(decoder.count)"
            let cross = CrossAttention(norm: try LayerNorm(model, p + "/attention/layer_norm"),
                                       query: try Linear(model, p + "/attention/linear_0", int8: int8),
                                       keyValue: try Linear(model, p + "/attention/linear_1"),
                                       output: try Linear(model, p + "/attention/linear_2", int8: int8))
            decoder.append(DecoderLayer(attention: try selfAttention(p + "/self_attention", int8: int8), cross: cross,
                                        ffn: try ffn(p + "/ffn", int8: int8)))
        }
        decoderLayers = decoder
        decoderNorm = try LayerNorm(model, "decoder/layer_norm")
        guard !encoderLayers.isEmpty, !decoderLayers.isEmpty else { throw RecognitionError.missingVariable("encoder/layer_0") }
    }

    // MARK: Encoder

    /// Log-mel features (`melCount × frames`, frames ≤ 3000, even) → encoder states (`frames/2 × width`).
    func encode(_ mel: [Float]) -> [Float] {
        let frames = mel.count / melCount
        // conv1: kernel 3, padding 1, stride 1, as one matrix product over unfolded windows.
        var unfolded = [Float](repeating: 0, count: frames * melCount * 3)
        for t in 0..<frames {
            for c in 0..<melCount {
                for k in 0..<3 {
                    let s = t - 1 + k
                    if s >= 0 && s < frames { unfolded[t * melCount * 3 + c * 3 + k] = mel[c * frames + s] }
                }
            }
        }
        var x = convolve(unfolded, rows: frames, weight: conv1.weight, bias: conv1.bias, inputs: melCount * 3)
        geluInPlace(&x)
        // conv2: kernel 3, padding 1, stride 2.
        let positions = frames / 2
        var unfolded2 = [Float](repeating: 0, count: positions * width * 3)
        for t in 0..<positions {
            for c in 0..<width {
                for k in 0..<3 {
                    let s = 2 * t - 1 + k
                    if s >= 0 && s < frames { unfolded2[t * width * 3 + c * 3 + k] = x[s * width + c] }
                }
            }
        }
        var h = convolve(unfolded2, rows: positions, weight: conv2.weight, bias: conv2.bias, inputs: width * 3)
        geluInPlace(&h)
        h.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] += encoderPositions[i] } }
        for layer in encoderLayers {
            let qkv = layer.attention.qkv(layer.attention.norm(h, rows: positions), rows: positions)
            var q = [Float](repeating: 0, count: positions * width)
            for r in 0..<positions { for c in 0..<width { q[r * width + c] = qkv[r * 3 * width + c] } }
            let attended = qkv.withUnsafeBufferPointer { p in
                attention(q: q, queries: positions, k: p.baseAddress! + width, v: p.baseAddress! + 2 * width,
                          keys: positions, keyStride: 3 * width, width: width, heads: encoderHeads)
            }
            addInPlace(&h, layer.attention.output(attended, rows: positions))
            addInPlace(&h, layer.ffn(h, rows: positions))
        }
        return encoderNorm(h, rows: positions)
    }

    private func convolve(_ unfolded: [Float], rows: Int, weight: [Float], bias: [Float], inputs: Int) -> [Float] {
        var y = [Float](repeating: 0, count: rows * width)
        for r in 0..<rows { for o in 0..<width { y[r * width + o] = bias[o] } }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(width), Int32(inputs),
                    1, unfolded, Int32(inputs), weight, Int32(inputs), 1, &y, Int32(width))
        return y
    }

    // MARK: Decoder

    /// Per-transcription decoder state: cross-attention keys/values computed once from the
    /// encoder output, and the self-attention cache that grows a row per token.
    struct DecoderCache {
        var crossKeyValues: [[Float]]  // per layer: positions × 2·width
        var selfKeys: [[Float]]        // per layer: tokens × width
        var selfValues: [[Float]]
        var length = 0
        let audioPositions: Int
    }

    func makeCache(encoded: [Float]) -> DecoderCache {
        let positions = encoded.count / width
        let crossKV = decoderLayers.map { $0.cross.keyValue(encoded, rows: positions) }
        return DecoderCache(crossKeyValues: crossKV, selfKeys: Array(repeating: [], count: decoderLayers.count),
                            selfValues: Array(repeating: [], count: decoderLayers.count), audioPositions: positions)
    }

    /// A cache with the same audio and no tokens yet (cross keys/values are shared, not recomputed).
    func emptied(_ cache: DecoderCache) -> DecoderCache {
        DecoderCache(crossKeyValues: cache.crossKeyValues, selfKeys: Array(repeating: [], count: decoderLayers.count),
                     selfValues: Array(repeating: [], count: decoderLayers.count), audioPositions: cache.audioPositions)
    }

    /// One token for each of several hypotheses over the same audio (beam search), whose caches
    /// all hold the same number of tokens; returns each one's next logits. The rows go through
    /// the dense layers together, so a step reads the weights once for all beams rather than
    /// once per beam; only self-attention, over each beam's own cache, is per row. A single
    /// hypothesis takes `decode` itself, so one beam computes exactly what greedy decoding does.
    func decodeStep(_ tokens: [Int], caches: inout [DecoderCache]) -> [[Float]] {
        precondition(tokens.count == caches.count && !tokens.isEmpty)
        if tokens.count == 1 { return [decode(tokens, cache: &caches[0])] }
        let rows = tokens.count
        let offset = caches[0].length
        var x = [Float](repeating: 0, count: rows * width)
        for (r, token) in tokens.enumerated() {
            for c in 0..<width { x[r * width + c] = embeddings[token * width + c] + decoderPositions[offset * width + c] }
        }
        for (index, layer) in decoderLayers.enumerated() {
            let qkv = layer.attention.qkv(layer.attention.norm(x, rows: rows), rows: rows)
            var attended = [Float](repeating: 0, count: rows * width)
            for r in 0..<rows {
                let base = r * 3 * width
                caches[r].selfKeys[index].append(contentsOf: qkv[(base + width)..<(base + 2 * width)])
                caches[r].selfValues[index].append(contentsOf: qkv[(base + 2 * width)..<(base + 3 * width)])
                let q = Array(qkv[base..<(base + width)])
                let row = caches[r].selfKeys[index].withUnsafeBufferPointer { k in
                    caches[r].selfValues[index].withUnsafeBufferPointer { v in
                        attention(q: q, queries: 1, k: k.baseAddress!, v: v.baseAddress!, keys: offset + 1, keyStride: width,
                                  width: width, heads: decoderHeads, causalOffset: offset)
                    }
                }
                attended.replaceSubrange((r * width)..<((r + 1) * width), with: row)
            }
            addInPlace(&x, layer.attention.output(attended, rows: rows))
            let cq = layer.cross.query(layer.cross.norm(x, rows: rows), rows: rows)
            // Every beam listens to the same audio: one product over the shared keys and values.
            let crossed = caches[0].crossKeyValues[index].withUnsafeBufferPointer { kv in
                attention(q: cq, queries: rows, k: kv.baseAddress!, v: kv.baseAddress! + width, keys: caches[0].audioPositions,
                          keyStride: 2 * width, width: width, heads: decoderHeads)
            }
            addInPlace(&x, layer.cross.output(crossed, rows: rows))
            addInPlace(&x, layer.ffn(x, rows: rows))
        }
        for r in 0..<rows { caches[r].length += 1 }
        let normed = decoderNorm(x, rows: rows)
        var logits: [Float]
        if let quantizedEmbeddings {
            logits = quantizedEmbeddings.multiply(normed, rows: rows)
        } else {
            logits = [Float](repeating: 0, count: rows * vocabularySize)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(vocabularySize), Int32(width),
                        1, normed, Int32(width), embeddings, Int32(width), 0, &logits, Int32(vocabularySize))
        }
        return (0..<rows).map { Array(logits[($0 * vocabularySize)..<(($0 + 1) * vocabularySize)]) }
    }

    /// Feeds `tokens` after what the cache holds; returns the logits of the last token.
    /// `crossQueries`, when given, sees each layer's cross-attention queries (`rows × width`),
    /// which word alignment needs.
    func decode(_ tokens: [Int], cache: inout DecoderCache, crossQueries: ((Int, [Float]) -> Void)? = nil) -> [Float] {
        let rows = tokens.count
        let offset = cache.length
        var x = [Float](repeating: 0, count: rows * width)
        for (r, token) in tokens.enumerated() {
            for c in 0..<width { x[r * width + c] = embeddings[token * width + c] + decoderPositions[(offset + r) * width + c] }
        }
        for (index, layer) in decoderLayers.enumerated() {
            let qkv = layer.attention.qkv(layer.attention.norm(x, rows: rows), rows: rows)
            var q = [Float](repeating: 0, count: rows * width)
            for r in 0..<rows {
                for c in 0..<width {
                    q[r * width + c] = qkv[r * 3 * width + c]
                    cache.selfKeys[index].append(qkv[r * 3 * width + width + c])
                }
                for c in 0..<width { cache.selfValues[index].append(qkv[r * 3 * width + 2 * width + c]) }
            }
            let keys = offset + rows
            let attended = cache.selfKeys[index].withUnsafeBufferPointer { k in
                cache.selfValues[index].withUnsafeBufferPointer { v in
                    attention(q: q, queries: rows, k: k.baseAddress!, v: v.baseAddress!, keys: keys, keyStride: width,
                              width: width, heads: decoderHeads, causalOffset: offset)
                }
            }
            addInPlace(&x, layer.attention.output(attended, rows: rows))
            let cq = layer.cross.query(layer.cross.norm(x, rows: rows), rows: rows)
            crossQueries?(index, cq)
            let crossed = cache.crossKeyValues[index].withUnsafeBufferPointer { kv in
                attention(q: cq, queries: rows, k: kv.baseAddress!, v: kv.baseAddress! + width, keys: cache.audioPositions,
                          keyStride: 2 * width, width: width, heads: decoderHeads)
            }
            addInPlace(&x, layer.cross.output(crossed, rows: rows))
            addInPlace(&x, layer.ffn(x, rows: rows))
        }
        cache.length += rows
        let last = Array(decoderNorm(x, rows: rows)[((rows - 1) * width)..<(rows * width)])
        if let quantizedEmbeddings { return quantizedEmbeddings.multiply(last, rows: 1) }
        var logits = [Float](repeating: 0, count: vocabularySize)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(vocabularySize), Int32(width), 1, embeddings, Int32(width), last, 1, 0, &logits, 1)
        return logits
    }
}
