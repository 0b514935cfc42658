import Foundation

/// Band-limited resampling by a rational factor with a Kaiser-windowed sinc, evaluated as a
/// polyphase filter bank. Streaming: state carries across calls, so the output does not depend
/// on how the input is chunked. Deterministic: plain Float arithmetic in a fixed order.
public struct Resampler: Sendable {
    public let inputRate: Int
    public let outputRate: Int
    private let up: Int
    private let down: Int
    /// Taps per phase (filter length / up).
    private let tapsPerPhase: Int
    /// `phases[p][k]`: coefficient k of phase p, applied to input history newest-last.
    private let phases: [[Float]]
    private var history: [Float]
    /// Position of the next output sample in units of 1/up input samples.
    private var phase = 0
    private var consumed = 0

    /// - Parameter halfLength: zero crossings of the sinc on each side (quality vs cost).
    public init(inputRate: Int, outputRate: Int, halfLength: Int = 16, beta: Double = 8.6) {
        precondition(inputRate > 0 && outputRate > 0)
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let g = gcd(inputRate, outputRate)
        self.inputRate = inputRate
        self.outputRate = outputRate
        up = outputRate / g
        down = inputRate / g
        // Cut-off at the lower Nyquist, slightly inside it for the transition band.
        let cutoff = 0.95 * min(1.0, Double(up) / Double(down))
        let zeroCrossings = Double(halfLength) / cutoff
        tapsPerPhase = 2 * Int(zeroCrossings.rounded(.up)) + 1
        let length = tapsPerPhase * up
        let center = Double(length - 1) / 2
        func besselI0(_ x: Double) -> Double {
            var sum = 1.0, term = 1.0, k = 1.0
            while term > 1e-12 * sum {
                term *= (x / (2 * k)) * (x / (2 * k))
                sum += term
                k += 1
            }
            return sum
        }
        let denominator = besselI0(beta)
        var prototype = [Double](repeating: 0, count: length)
        for i in 0..<length {
            let t = (Double(i) - center) / Double(up)  // in input samples
            let x = Double.pi * cutoff * t
            let sinc = abs(x) < 1e-12 ? 1.0 : sin(x) / x
            let w = (Double(i) - center) / (center + 1)
            let window = abs(w) >= 1 ? 0 : besselI0(beta * (1 - w * w).squareRoot()) / denominator
            prototype[i] = cutoff * sinc * window
        }
        var banks: [[Float]] = []
        for p in 0..<up {
            var taps: [Float] = []
            // Phase p uses prototype taps p, p+up, … (taps one input sample apart, so each phase
            // already has unit gain), reversed so taps[k] meets history newest-last.
            for k in 0..<tapsPerPhase { taps.append(Float(prototype[p + k * up])) }
            banks.append(taps.reversed())
        }
        phases = banks
        history = [Float](repeating: 0, count: tapsPerPhase)
    }

    /// Delay the filter adds, in output samples: output `n` represents input time
    /// `(n - delay) * inputRate / outputRate`. (The history starts with one filter length of
    /// silence, and the linear-phase filter's centre lags its newest tap by half its length.)
    public var delay: Double { up == down ? 0 : (Double(up) + Double(tapsPerPhase * up - 1) / 2) / Double(down) }

    /// Whole-output-sample latency, for callers that only need an upper bound.
    public var latency: Int { Int(delay.rounded(.up)) }

    /// Converts a complete signal: delay-compensated, exactly `count * outputRate / inputRate`
    /// samples (rounded), so a 1 s input gives a 1 s output.
    public static func convert(_ samples: [Float], from inputRate: Int, to outputRate: Int) -> [Float] {
        guard inputRate != outputRate else { return samples }
        var resampler = Resampler(inputRate: inputRate, outputRate: outputRate)
        let wanted = Int((Double(samples.count) * Double(outputRate) / Double(inputRate)).rounded())
        var output = resampler.process(samples) + resampler.flush()
        let skip = Int(resampler.delay.rounded())
        output = Array(output.dropFirst(skip).prefix(wanted))
        if output.count < wanted { output += [Float](repeating: 0, count: wanted - output.count) }
        return output
    }

    public mutating func process(_ input: [Float]) -> [Float] {
        if up == down { return input }
        var output: [Float] = []
        output.reserveCapacity(input.count * up / down + 2)
        history.append(contentsOf: input)
        // history[0..<tapsPerPhase] is the window ending at input index `consumed`.
        var base = 0
        while base + tapsPerPhase <= history.count {
            while phase < up {
                let taps = phases[phase]
                var acc: Float = 0
                history.withUnsafeBufferPointer { h in
                    for k in 0..<tapsPerPhase { acc += taps[k] * h[base + k] }
                }
                output.append(acc)
                phase += down
            }
            let advance = phase / up
            phase -= advance * up
            base += advance
        }
        history.removeFirst(base)
        consumed += base
        return output
    }

    /// Emits what the filter still holds (end of stream), by feeding silence.
    public mutating func flush() -> [Float] {
        guard up != down else { return [] }
        return process([Float](repeating: 0, count: tapsPerPhase))
    }
}
