import Foundation
import NIOCore
import Pipeline
import Recognition
import Synchronization

/// How `serve` decides whether a new session fits: from what transcription has recently cost,
/// not from how many requests are queued.
public struct AdmissionSettings: Sendable, Equatable {
    /// Cores transcription may use; nil: the pool's workers, at most one per core.
    public var cores: Double?
    /// Fraction of those cores the open sessions may be expected to need (headroom for bursts,
    /// analysis and the journal).
    public var utilization = 0.9
    /// CPU-seconds one second of a call costs, until enough has been measured: about twice
    /// what Whisper base measures with the default fitted encoder window (0.13 on 2 cores).
    public var assumedCostPerCallSecond = 0.25
    /// Call seconds and transcribed seconds needed (each, in the recent window) before the
    /// measured cost replaces the assumed one.
    public var minimumMeasuredSeconds = 30.0
    /// Measurements lose half their weight in this many seconds.
    public var halfLifeSeconds = 120.0
    /// Refuse while the queued transcriptions are this many seconds of work per core behind.
    public var maxBacklogSeconds = 10.0
    /// `Retry-After` for a refused session (longer when the backlog will take longer to clear).
    public var retryAfterSeconds = 15
    public init() {}
}

/// The recent cost of transcription, as exponentially decayed sums (pure: time is passed in).
struct CapacityEstimate: Sendable, Equatable {
    /// CPU-seconds spent transcribing, and the seconds of utterance audio that took.
    var cpuSeconds = 0.0
    var transcribedSeconds = 0.0
    /// Seconds of call timeline received, and of utterance audio sent to transcription.
    var callSeconds = 0.0
    var utteranceSeconds = 0.0

    mutating func decay(elapsed: Double, halfLife: Double) {
        guard elapsed > 0, halfLife > 0 else { return }
        let factor = pow(0.5, elapsed / halfLife)
        cpuSeconds *= factor; transcribedSeconds *= factor; callSeconds *= factor; utteranceSeconds *= factor
    }

    /// CPU per utterance second.
    func cpuPerUtteranceSecond(_ settings: AdmissionSettings) -> Double? {
        transcribedSeconds >= settings.minimumMeasuredSeconds ? cpuSeconds / transcribedSeconds : nil
    }

    /// CPU-seconds per second of call: (CPU per transcribed second) × (transcribed share of
    /// the call). Measured on both sides of the queue, so a backlog does not make it look cheap.
    func costPerCallSecond(_ settings: AdmissionSettings) -> Double {
        guard let perUtterance = cpuPerUtteranceSecond(settings), callSeconds >= settings.minimumMeasuredSeconds else {
            return settings.assumedCostPerCallSecond
        }
        return perUtterance * utteranceSeconds / callSeconds
    }
}

/// How many sessions the measured capacity carries now, and what a refused one is told.
struct AdmissionDecision: Equatable {
    /// Open sessions (this one included) the capacity carries; 0 while transcription is behind.
    var maxSessions: Int
    var retryAfter: Int
    /// Why, for the log and `/ready`.
    var reason: String
}

extension CapacityEstimate {
    func decide(queuedAudioSeconds: Double, cores: Double, settings: AdmissionSettings) -> AdmissionDecision {
        let cost = costPerCallSecond(settings)
        let available = cores * settings.utilization
        let perUtterance = cpuPerUtteranceSecond(settings) ?? settings.assumedCostPerCallSecond
        let behind = queuedAudioSeconds * perUtterance / max(cores, 1)
        let retryAfter = max(settings.retryAfterSeconds, min(300, Int(behind.rounded(.up))))
        if behind > settings.maxBacklogSeconds {
            return AdmissionDecision(maxSessions: 0, retryAfter: retryAfter,
                                     reason: String(format: "transcription is %.1f s of work per core behind (limit %.0f s)", behind, settings.maxBacklogSeconds))
        }
        let sessions = cost > 0 ? Int(min(Double(Int.max / 2), (available / cost).rounded(.down))) : .max
        return AdmissionDecision(maxSessions: sessions, retryAfter: retryAfter,
                                 reason: String(format: "%.2f CPU-s per call second on %.2f of %.0f cores carries %d sessions", cost, available, cores, sessions))
    }
}

/// Admission from measured capacity (live only: it reads the clock and the pool; nothing it
/// decides reaches a reducer or a journal beyond whether a session starts at all).
final class CapacityMeter: SessionLoadMeter {
    private struct State {
        var estimate = CapacityEstimate()
        var pool = PoolWork()
        var at: UInt64
    }
    private let state: Mutex<State>
    private let pool: RecognitionWorkerPool
    let settings: AdmissionSettings
    let cores: Double
    private let now: @Sendable () -> UInt64

    init(pool: RecognitionWorkerPool, settings: AdmissionSettings, now: @escaping @Sendable () -> UInt64 = { SystemClock().monotonicNanoseconds() }) {
        self.pool = pool
        self.settings = settings
        self.now = now
        cores = settings.cores ?? Double(min(pool.workers, ProcessInfo.processInfo.activeProcessorCount))
        state = Mutex(State(pool: pool.measured, at: now()))
    }

    func add(callSeconds: Double, utteranceSeconds: Double) {
        state.withLock { state in
            advance(&state)
            state.estimate.callSeconds += callSeconds
            state.estimate.utteranceSeconds += utteranceSeconds
        }
    }

    /// The estimate now, with the pool's work since the last look folded in.
    var estimate: CapacityEstimate { state.withLock { advance(&$0); return $0.estimate } }

    func decide() -> AdmissionDecision {
        estimate.decide(queuedAudioSeconds: pool.measured.queuedAudioSeconds, cores: cores, settings: settings)
    }

    private func advance(_ state: inout State) {
        let time = now()
        state.estimate.decay(elapsed: Double(time &- state.at) / 1e9, halfLife: settings.halfLifeSeconds)
        state.at = time
        let work = pool.measured
        state.estimate.cpuSeconds += work.cpuSeconds - state.pool.cpuSeconds
        state.estimate.transcribedSeconds += work.audioSeconds - state.pool.audioSeconds
        state.pool = work
    }
}

/// `Retry-After` for a refused upgrade, from the decision to `RefusalStatusHandler`.
final class RetryAfterHints: Sendable {
    static let shared = RetryAfterHints()
    private let hints = Mutex<[ObjectIdentifier: Int]>([:])

    func set(_ seconds: Int, for channel: any Channel) {
        hints.withLock { $0[ObjectIdentifier(channel)] = seconds }
        channel.closeFuture.whenComplete { _ in _ = self.take(channel) }
    }

    func take(_ channel: any Channel) -> Int? { hints.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } }
}
