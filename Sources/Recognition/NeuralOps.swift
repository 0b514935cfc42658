import CBLAS
import CKernels
import Foundation

/// Dense layer `y = x·Wᵀ + b` with W stored `out × in`, as CTranslate2 stores it.
struct Linear: Sendable {
    let weight: [Float]
    let bias: [Float]?
    let inputs: Int
    let outputs: Int
    /// When set, products go through these int8 weights instead (see `QuantizedMatrix`).
    let quantized: QuantizedMatrix?

    init(_ model: CTranslate2Model, _ prefix: String, int8: Bool = false) throws {
        let tensor = try model.tensor(prefix + "/weight")
        guard tensor.shape.count == 2 else { throw RecognitionError.badConfig("\(prefix)/weight is not a matrix") }
        outputs = tensor.shape[0]
        inputs = tensor.shape[1]
        weight = try model.floats(prefix + "/weight")
        bias = model.tensors[prefix + "/bias"] != nil ? try model.floats(prefix + "/bias") : nil
        quantized = int8 ? QuantizedMatrix(weight, outputs: outputs, inputs: inputs) : nil
    }

    /// `x` is `rows × inputs`; returns `rows × outputs`.
    func callAsFunction(_ x: [Float], rows: Int) -> [Float] {
        if let quantized { return quantized.multiply(x, rows: rows, bias: bias) }
        var y = [Float](repeating: 0, count: rows * outputs)
        if let bias {
            for r in 0..<rows { y.withUnsafeMutableBufferPointer { p in for o in 0..<outputs { p[r * outputs + o] = bias[o] } } }
        }
        if rows == 1 {
            // One decoder step: a matrix-vector product reads the weights once, where sgemm
            // would first copy (pack) all of them.
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(outputs), Int32(inputs), 1, weight, Int32(inputs), x, 1,
                        bias == nil ? 0 : 1, &y, 1)
            return y
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs),
                    1, x, Int32(inputs), weight, Int32(inputs), bias == nil ? 0 : 1, &y, Int32(outputs))
        return y
    }
}

struct LayerNorm: Sendable {
    let gamma: [Float]
    let beta: [Float]

    init(_ model: CTranslate2Model, _ prefix: String) throws {
        gamma = try model.floats(prefix + "/gamma")
        beta = try model.floats(prefix + "/beta")
    }

    func callAsFunction(_ x: [Float], rows: Int) -> [Float] {
        let width = gamma.count
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                for r in 0..<rows {
                    let base = r * width
                    var mean: Float = 0
                    for i in 0..<width { mean += xs[base + i] }
                    mean /= Float(width)
                    var variance: Float = 0
                    for i in 0..<width { let d = xs[base + i] - mean; variance += d * d }
                    variance /= Float(width)
                    let scale = 1 / (variance + 1e-5).squareRoot()
                    for i in 0..<width { ys[base + i] = (xs[base + i] - mean) * scale * gamma[i] + beta[i] }
                }
            }
        }
        return y
    }
}


func geluInPlace(_ x: inout [Float]) {
    x.withUnsafeMutableBufferPointer { p in td_gelu(p.baseAddress!, p.count) }
}

func addInPlace(_ x: inout [Float], _ y: [Float]) {
    x.withUnsafeMutableBufferPointer { p in y.withUnsafeBufferPointer { q in for i in 0..<p.count { p[i] += q[i] } } }
}

/// Multi-head scaled dot-product attention.
/// `q` is `queries × width`, `k`/`v` are `keys × width` (row strides given), heads split the width.
/// With `causalOffset`, query i may attend to keys 0...(causalOffset + i).
func attention(q: [Float], queries: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, keys: Int, keyStride: Int,
               width: Int, heads: Int, causalOffset: Int? = nil) -> [Float] {
    let headWidth = width / heads
    let scale = 1 / Float(headWidth).squareRoot()
    var out = [Float](repeating: 0, count: queries * width)
    var scores = [Float](repeating: 0, count: queries * keys)
    for h in 0..<heads {
        q.withUnsafeBufferPointer { qp in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(queries), Int32(keys), Int32(headWidth),
                        scale, qp.baseAddress! + h * headWidth, Int32(width), k + h * headWidth, Int32(keyStride),
                        0, &scores, Int32(keys))
        }
        scores.withUnsafeMutableBufferPointer { s in
            td_softmax_rows(s.baseAddress!, Int32(queries), Int32(keys), Int32(causalOffset ?? -1))
        }
        out.withUnsafeMutableBufferPointer { op in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(queries), Int32(headWidth), Int32(keys),
                        1, scores, Int32(keys), v + h * headWidth, Int32(keyStride), 0, op.baseAddress! + h * headWidth, Int32(width))
        }
    }
    return out
}

/// Sets OpenBLAS's thread count (process-wide) for whatever runs next outside a recognizer;
/// recognizers hold their own count for each transcription (see `MatrixThreads`).
public func setMatrixThreads(_ count: Int) {
    MatrixThreads.with(count) {}
}

/// A weight matrix (`outputs × inputs`) in int8 with one scale per output row, for the decoder's
/// steps, whose cost is reading the weights (a quarter of the bytes of Float). Activations are
/// quantized per row in the same way, so each dot product is an exact integer sum and every
/// kernel variant gives the same result (CKernels' int8.c).
struct QuantizedMatrix: Sendable {
    let weights: [Int8]
    let scales: [Float]
    let outputs: Int
    let inputs: Int

    init(_ weight: [Float], outputs: Int, inputs: Int) {
        precondition(weight.count == outputs * inputs)
        self.outputs = outputs
        self.inputs = inputs
        var weights = [Int8](repeating: 0, count: outputs * inputs)
        var scales = [Float](repeating: 0, count: outputs)
        weight.withUnsafeBufferPointer { w in
            weights.withUnsafeMutableBufferPointer { q in
                for o in 0..<outputs {
                    _ = td_quantize_row_s8(w.baseAddress! + o * inputs, Int32(inputs), q.baseAddress! + o * inputs, &scales[o])
                }
            }
        }
        self.weights = weights
        self.scales = scales
    }

    /// `x` is `rows × inputs`; returns `rows × outputs` (plus `bias` per output).
    func multiply(_ x: [Float], rows: Int, bias: [Float]? = nil) -> [Float] {
        precondition(x.count == rows * inputs)
        var q = [Int16](repeating: 0, count: rows * inputs)
        var rowScales = [Float](repeating: 0, count: rows)
        td_quantize_activations_s16(x, Int32(rows), Int32(inputs), &q, &rowScales)
        var y = [Float](repeating: 0, count: rows * outputs)
        td_gemv_s8(weights, scales, bias, Int32(outputs), Int32(inputs), q, rowScales, Int32(rows), &y)
        return y
    }
}
