import CKernels
import Testing
@testable import Recognition

/// The int8 decoder products: close to the Float ones, and the same bits whichever kernel runs.
@Suite struct QuantizedMatrixTests {
    /// A fixed pseudo-random sequence (no global random state in tests either).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
        }
    }

    @Test func theProductIsCloseToTheFloatOne() {
        let outputs = 37, inputs = 515  // not multiples of the kernels' block sizes
        let weight = Self.values(outputs * inputs, seed: 1), bias = Self.values(outputs, seed: 2)
        let x = Self.values(3 * inputs, seed: 3)
        let y = QuantizedMatrix(weight, outputs: outputs, inputs: inputs).multiply(x, rows: 3, bias: bias)
        var worst: Float = 0
        for r in 0..<3 {
            for o in 0..<outputs {
                var exact = bias[o]
                for i in 0..<inputs { exact += weight[o * inputs + i] * x[r * inputs + i] }
                worst = max(worst, abs(exact - y[r * outputs + o]))
            }
        }
        // Sums of 515 products of magnitude ≤ 1: errors of 1/254 per factor stay well under 1.
        #expect(worst < 0.5, "worst error \(worst)")
        #expect(worst > 0, "it did quantize")
    }

    @Test func everyKernelVariantGivesTheSameSum() {
        for n in [1, 15, 16, 31, 32, 33, 512, 2048] {
            let w = Self.values(n, seed: UInt64(n)).map { Int8(($0 * 127).rounded()) }
            let x = Self.values(n, seed: UInt64(n) + 7).map { Int16(($0 * 127).rounded()) }
            let exact = zip(w, x).reduce(Int32(0)) { $0 + Int32($1.0) * Int32($1.1) }
            #expect(td_dot_s8(w, x, Int32(n), 0) == exact)
            #expect(td_dot_s8(w, x, Int32(n), 1) == exact)
        }
    }

    @Test func zeroRowsStayZero() {
        let y = QuantizedMatrix([Float](repeating: 0, count: 8), outputs: 2, inputs: 4).multiply([1, 2, 3, 4], rows: 1)
        #expect(y == [0, 0])
        let z = QuantizedMatrix([1, 2, 3, 4, 5, 6, 7, 8], outputs: 2, inputs: 4).multiply([0, 0, 0, 0], rows: 1, bias: [0.5, -1])
        #expect(z == [0.5, -1])
    }
}
