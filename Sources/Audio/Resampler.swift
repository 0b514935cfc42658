import Foundation

/// Streaming rational-ratio resampler: a Kaiser-windowed-sinc polyphase FIR.
///
/// The output/input ratio is reduced to `up/down` (e.g. 8000→16000 = 2/1, 44100→16000 = 160/441).
/// Output sample `n` lies at input time `t = n·down/up`; it is the dot product of the `2·halfWidth`
/// input samples around `t` with the coefficients of phase `(n·down) mod up`. The prototype
/// low-pass is `2fc·sinc(2fc·τ)·kaiser(τ/halfWidth)` with cutoff
/// `fc = rolloff · ½ · min(1, up/down)` cycles per input sample, so downsampling removes content
/// above the output Nyquist frequency before it can alias. Each phase is normalised to unit DC
/// gain. The filter is zero-phase (centred): output sample `n` represents exactly time
/// `n / outputRate`, so resampling adds no timeline offset, only a processing latency of
/// `halfWidth` input samples. State (input history, output counter) is carried across calls,
/// so the concatenated output does not depend on how the input is chunked.
public struct Resampler: Sendable {
    public struct Design: Codable, Hashable, Sendable {
        /// Zero crossings of the sinc on each side of the centre (filter length ∝ this).
        public var zeroCrossings: Int
        /// Cutoff as a fraction of the lower Nyquist frequency.
        public var rolloff: Double
        /// Kaiser window β (≈ 8 gives > 80 dB stopband).
        public var kaiserBeta: Double
        public init(zeroCrossings: Int = 32, rolloff: Double = 0.9, kaiserBeta: Double = 8.0) {
            self.zeroCrossings = zeroCrossings
            self.rolloff = rolloff
            self.kaiserBeta = kaiserBeta
        }
        public static let `default` = Design()
    }

    public let inputRate: Int
    public let outputRate: Int
    /// Reduced ratio: `up/down == outputRate/inputRate`.
    public let up: Int
    public let down: Int
    /// Taps on each side of the centre; each phase has `2·halfWidth` taps.
    public let halfWidth: Int
    private let coefficients: [Float]  // phase-major, `up × 2·halfWidth`

    private var history: [Float]       // input samples from global index `historyStart`
    private var historyStart: Int64
    private var inputCount: Int64 = 0
    private var outputCount: Int64 = 0

    public init(inputRate: Int, outputRate: Int, design: Design = .default) {
        precondition(inputRate > 0 && outputRate > 0, "sample rates must be positive")
        let g = Resampler.gcd(inputRate, outputRate)
        self.inputRate = inputRate
        self.outputRate = outputRate
        up = outputRate / g
        down = inputRate / g
        let twoFc = design.rolloff * min(1.0, Double(up) / Double(down))
        halfWidth = max(1, Int((Double(design.zeroCrossings) / twoFc).rounded(.up)))
        coefficients = Resampler.makeCoefficients(up: up, halfWidth: halfWidth, twoFc: twoFc, beta: design.kaiserBeta)
        history = [Float](repeating: 0, count: halfWidth)
        historyStart = -Int64(halfWidth)
    }

    /// Number of outputs a stream of `inputSamples` inputs yields in total (after `flush`).
    public func outputLength(forInput inputSamples: Int64) -> Int64 {
        (inputSamples * Int64(up) + Int64(down) - 1) / Int64(down)
    }

    /// Feed input samples; returns every output sample whose filter support is now complete.
    public mutating func process(_ input: [Float]) -> [Float] {
        history.append(contentsOf: input)
        inputCount += Int64(input.count)
        return produce(limit: Int64.max)
    }

    /// End of a contiguous run: pads with silence, returns the remaining outputs (so the run's
    /// total output is `outputLength(forInput:)`), and resets to the initial state.
    public mutating func flush() -> [Float] {
        let total = outputLength(forInput: inputCount)
        history.append(contentsOf: [Float](repeating: 0, count: halfWidth + 1))
        let out = produce(limit: total)
        history = [Float](repeating: 0, count: halfWidth)
        historyStart = -Int64(halfWidth)
        inputCount = 0
        outputCount = 0
        return out
    }

    private mutating func produce(limit: Int64) -> [Float] {
        let taps = 2 * halfWidth
        let available = historyStart + Int64(history.count)
        var out: [Float] = []
        let up64 = Int64(up), down64 = Int64(down), hw = Int64(halfWidth)
        let maxBase = available - 1 - hw
        if maxBase < 0 { return out }
        // Output n is computable iff floor(n·down/up) ≤ maxBase ⟺ n ≤ ((maxBase+1)·up − 1)/down.
        let lastOutput = min(limit, ((maxBase + 1) * up64 - 1) / down64 + 1)
        if lastOutput > outputCount { out.reserveCapacity(Int(lastOutput - outputCount)) }
        history.withUnsafeBufferPointer { h in
            coefficients.withUnsafeBufferPointer { c in
                while outputCount < lastOutput {
                    let position = outputCount * down64
                    let base = position / up64
                    let phase = Int(position - base * up64)
                    let offset = Int(base - hw + 1 - historyStart)
                    let coef = c.baseAddress! + phase * taps
                    let x = h.baseAddress! + offset
                    out.append(Resampler.dot(x, coef, taps))
                    outputCount += 1
                }
            }
        }
        // Drop history no future output needs (amortised: only when the dead prefix is large).
        let nextBase = outputCount * down64 / up64
        let dead = Int(nextBase - hw + 1 - historyStart)
        if dead > 4096 {
            history.removeFirst(dead)
            historyStart += Int64(dead)
        }
        return out
    }

    /// Dot product in a fixed summation order (eight SIMD lanes, then the lanes in order, then
    /// the remainder), so results are bit-identical wherever the code runs.
    @inline(__always)
    private static func dot(_ x: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ n: Int) -> Float {
        var lanes = SIMD8<Float>(repeating: 0)
        var j = 0
        let xr = UnsafeRawPointer(x), cr = UnsafeRawPointer(c)
        while j + 8 <= n {
            let a = xr.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            let b = cr.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            lanes += a * b
            j += 8
        }
        var acc: Float = 0
        for k in 0..<8 { acc += lanes[k] }
        while j < n {
            acc += x[j] * c[j]
            j += 1
        }
        return acc
    }

    private static func makeCoefficients(up: Int, halfWidth: Int, twoFc: Double, beta: Double) -> [Float] {
        let taps = 2 * halfWidth
        var table = [Float](repeating: 0, count: up * taps)
        let i0Beta = besselI0(beta)
        for phase in 0..<up {
            var row = [Double](repeating: 0, count: taps)
            for j in 0..<taps {
                // Distance from the output instant to input tap j, in input samples.
                let tau = Double(phase) / Double(up) + Double(halfWidth - 1 - j)
                let r = tau / Double(halfWidth)
                guard abs(r) < 1 else { continue }
                let x = twoFc * tau
                let sinc = x == 0 ? 1.0 : sin(Double.pi * x) / (Double.pi * x)
                row[j] = twoFc * sinc * besselI0(beta * (1 - r * r).squareRoot()) / i0Beta
            }
            let sum = row.reduce(0, +)
            for j in 0..<taps { table[phase * taps + j] = Float(row[j] / sum) }
        }
        return table
    }

    /// Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0
        let half = x / 2
        for k in 1..<64 {
            term *= (half / Double(k)) * (half / Double(k))
            sum += term
            if term < sum * 1e-17 { break }
        }
        return sum
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
