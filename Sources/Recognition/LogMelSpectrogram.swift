import CBLAS
import Foundation

/// Whisper's audio front end: 16 kHz samples → log-mel features, the way the reference
/// computes them (400-point periodic Hann window, hop 160, centred reflect-padded STFT,
/// Slaney mel filterbank, log10 clamped to 8 below the window maximum, scaled by (x + 4) / 4).
/// The DFT and the filterbank are two matrix products, done by OpenBLAS.
public struct LogMelSpectrogram: Sendable {
    public static let sampleRate = 16000
    public static let fftSize = 400
    public static let hop = 160
    /// Whisper always looks at 30 s windows: 3000 frames.
    public static let windowSamples = 30 * 16000
    public static let windowFrames = 3000

    public let melCount: Int
    private let bins = fftSize / 2 + 1
    /// `fftSize × (2·bins)`: cosine then sine basis columns, window folded in.
    private let basis: [Float]
    /// `bins × melCount`, row-major (transposed filterbank).
    private let filters: [Float]

    public init(melCount: Int = 80) {
        self.melCount = melCount
        let n = Self.fftSize
        let bins = n / 2 + 1
        var basis = [Float](repeating: 0, count: n * 2 * bins)
        for t in 0..<n {
            let window = 0.5 - 0.5 * cos(2 * Double.pi * Double(t) / Double(n))
            for k in 0..<bins {
                let angle = 2 * Double.pi * Double(k * t % n) / Double(n)
                basis[t * 2 * bins + k] = Float(window * cos(angle))
                basis[t * 2 * bins + bins + k] = Float(-window * sin(angle))
            }
        }
        self.basis = basis
        filters = Self.melFilters(melCount: melCount, bins: bins)
    }

    /// Slaney-normalised triangular filters on the Slaney mel scale, 0 Hz to 8 kHz.
    static func melFilters(melCount: Int, bins: Int) -> [Float] {
        func hzToMel(_ f: Double) -> Double {
            let fSp = 200.0 / 3
            let minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = log(6.4) / 27
            return f >= minLogHz ? minLogMel + log(f / minLogHz) / logStep : f / fSp
        }
        func melToHz(_ m: Double) -> Double {
            let fSp = 200.0 / 3
            let minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = log(6.4) / 27
            return m >= minLogMel ? minLogHz * exp(logStep * (m - minLogMel)) : fSp * m
        }
        let nyquist = Double(sampleRate) / 2
        let fftFreqs = (0..<bins).map { Double($0) * nyquist / Double(bins - 1) }
        let low = hzToMel(0), high = hzToMel(nyquist)
        let melPoints = (0..<(melCount + 2)).map { melToHz(low + (high - low) * Double($0) / Double(melCount + 1)) }
        var filters = [Float](repeating: 0, count: bins * melCount)
        for m in 0..<melCount {
            let enorm = 2.0 / (melPoints[m + 2] - melPoints[m])
            for b in 0..<bins {
                let lower = (fftFreqs[b] - melPoints[m]) / (melPoints[m + 1] - melPoints[m])
                let upper = (melPoints[m + 2] - fftFreqs[b]) / (melPoints[m + 2] - melPoints[m + 1])
                filters[b * melCount + m] = Float(max(0, min(lower, upper)) * enorm)
            }
        }
        return filters
    }

    /// Features for one 30 s window: `melCount × 3000`, row-major (mel band, frame).
    /// Shorter input is padded with silence, longer input is cut (the caller splits long audio).
    /// With `frames` below 3000, only the window's first `frames` columns are computed (a fitted
    /// encoder window): the same values as the full window's up to float rounding (the BLAS may sum
    /// in another order for fewer rows), since the columns left out hold
    /// only padding silence, which never sets the maximum the log is clamped to.
    public func features(_ samples: [Float], frames: Int = LogMelSpectrogram.windowFrames) -> [Float] {
        let frames = min(max(frames, 1), Self.windowFrames)
        let length = frames * Self.hop
        var audio = Array(samples.prefix(length))
        audio += [Float](repeating: 0, count: length - audio.count)
        let n = Self.fftSize, half = n / 2
        // Centred frames: reflect-pad by half a window on each side.
        var padded = [Float](repeating: 0, count: audio.count + n)
        for i in 0..<half { padded[i] = audio[half - i] }
        for i in 0..<audio.count { padded[half + i] = audio[i] }
        for i in 0..<half { padded[half + audio.count + i] = audio[audio.count - 2 - i] }
        var frameMatrix = [Float](repeating: 0, count: frames * n)
        for f in 0..<frames {
            let start = f * Self.hop
            for t in 0..<n { frameMatrix[f * n + t] = padded[start + t] }
        }
        var spectrum = [Float](repeating: 0, count: frames * 2 * bins)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(frames), Int32(2 * bins), Int32(n),
                    1, frameMatrix, Int32(n), basis, Int32(2 * bins), 0, &spectrum, Int32(2 * bins))
        var power = [Float](repeating: 0, count: frames * bins)
        for f in 0..<frames {
            for k in 0..<bins {
                let re = spectrum[f * 2 * bins + k], im = spectrum[f * 2 * bins + bins + k]
                power[f * bins + k] = re * re + im * im
            }
        }
        var mel = [Float](repeating: 0, count: frames * melCount)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(frames), Int32(melCount), Int32(bins),
                    1, power, Int32(bins), filters, Int32(melCount), 0, &mel, Int32(melCount))
        var peak = -Float.infinity
        for i in 0..<mel.count {
            mel[i] = log10(max(mel[i], 1e-10))
            peak = max(peak, mel[i])
        }
        var out = [Float](repeating: 0, count: melCount * frames)
        for f in 0..<frames {
            for m in 0..<melCount { out[m * frames + f] = (max(mel[f * melCount + m], peak - 8) + 4) / 4 }
        }
        return out
    }
}
