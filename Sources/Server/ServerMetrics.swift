import CoreMetrics
import Foundation
import Pipeline
import Prometheus
import Synchronization

/// The server's operational metrics, served as Prometheus text at `/metrics`.
///
/// Recorded through swift-metrics' types (`Counter`, `Meter`, `Timer`, `Recorder`), made with a
/// Prometheus factory over this instance's own registry rather than the process-wide
/// `MetricsSystem`: each server (and each test) counts on its own. `tapedeck serve` also
/// bootstraps `MetricsSystem` with `factory`, so that what lower modules record through the global
/// system (the journal's fsync timer) lands in the same registry and on the same page.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    private let sessionsOpen: CoreMetrics.Meter
    private let transcriptionSeconds: CoreMetrics.Timer
    private let realTimeFactor: CoreMetrics.Recorder
    private let queueDepth: CoreMetrics.Meter
    // Metrics whose labels are only known when they happen are made (and cached by the registry)
    // on first use; swift-metrics' types are cheap handles over the registry's series.
    private let labelled = Mutex<[String: CoreMetrics.Counter]>([:])
    /// The overload counts already added to the page (they are kept as plain totals by the driver).
    private let overloadSeen = Mutex((refused: 0, closedEarly: 0, withheld: 0))

    /// Buckets for the real-time factor (processing seconds per second of audio): below 1 keeps up.
    static let realTimeFactorBuckets: [Double] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets["tapedeck_transcription_real_time_factor"] = Self.realTimeFactorBuckets
        factory.durationHistogramBuckets["tapedeck_journal_fsync_seconds"] = [
            .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        self.factory = factory
        sessionsOpen = CoreMetrics.Meter(label: "tapedeck_sessions_open", factory: factory)
        queueDepth = CoreMetrics.Meter(label: "tapedeck_transcription_queue_depth", factory: factory)
        transcriptionSeconds = CoreMetrics.Timer(label: "tapedeck_transcription_seconds", factory: factory)
        realTimeFactor = CoreMetrics.Recorder(label: "tapedeck_transcription_real_time_factor", factory: factory)
        // Present (at 0) from the start, so a dashboard's rate() has a series before the first event.
        sessionsOpen.set(0)
        queueDepth.set(0)
        for status in ["401", "503"] { counter("tapedeck_upgrade_refusals_total", ("status", status)).increment(by: 0) }
    }

    private func counter(_ name: String, _ dimension: (String, String)) -> CoreMetrics.Counter {
        let key = "\(name)\u{0}\(dimension.0)\u{0}\(dimension.1)"
        return labelled.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = CoreMetrics.Counter(label: name, dimensions: [dimension], factory: factory)
            cache[key] = counter
            return counter
        }
    }

    /// Makes this registry the process's metrics system too, for what lower modules record
    /// through it (the journal's fsync timer). Once per process: `tapedeck serve` calls it.
    public func bootstrapProcessWide() {
        MetricsSystem.bootstrap(factory)
    }

    // MARK: What the server reports

    func sessionStarted(dialect: String) {
        sessionsOpen.increment()
        counter("tapedeck_sessions_total", ("dialect", dialect)).increment()
    }

    func sessionEnded(reason: String) {
        sessionsOpen.decrement()
        counter("tapedeck_sessions_ended_total", ("reason", reason)).increment()
    }

    /// One inbound message (`text` or `binary`) of `bytes` bytes.
    func received(_ kind: String, bytes: Int) {
        counter("tapedeck_frames_in_total", ("kind", kind)).increment()
        counter("tapedeck_bytes_in_total", ("kind", kind)).increment(by: Int64(bytes))
    }

    /// One message sent: `event` (a derived transcript/analysis event) or `reply` (protocol).
    func sent(_ kind: String) {
        counter("tapedeck_messages_sent_total", ("kind", kind)).increment()
    }

    /// An error told to a client: the seed `error` code, or `disconnect-error` for AudioHook.
    func clientError(code: String) {
        counter("tapedeck_errors_total", ("code", code)).increment()
    }

    /// An upgrade refused with this status (401 unauthenticated, 503 overloaded or storage down).
    func refused(status: Int) {
        counter("tapedeck_upgrade_refusals_total", ("status", "\(status)")).increment()
    }

    /// One transcription: queued-to-done time and the audio it covered.
    func transcribed(nanoseconds: UInt64, audioSeconds: Double) {
        transcriptionSeconds.recordNanoseconds(Int64(clamping: nanoseconds))
        if audioSeconds > 0 { realTimeFactor.record(Double(nanoseconds) / 1e9 / audioSeconds) }
    }

    func transcriptionFailed() {
        counter("tapedeck_transcription_failures_total", ("engine", "whisper")).increment()
    }

    /// The Prometheus text page; `queueDepth` is read from the recognition pool at scrape time.
    public func render(queueDepth depth: Int?, overload: OverloadCounters? = nil) -> String {
        if let depth { queueDepth.set(depth) }
        if let overload { addOverload(overload) }
        return registry.emitToString()
    }

    /// Brings the overload totals onto the page as counters, adding what grew since the last scrape.
    private func addOverload(_ overload: OverloadCounters) {
        let now = (refused: overload.sessionsRefusedForCapacity, closedEarly: overload.sessionsClosedEarly, withheld: overload.eventsWithheld)
        let grown = overloadSeen.withLock { seen -> (Int, Int, Int) in
            defer { seen = now }
            return (now.refused - seen.refused, now.closedEarly - seen.closedEarly, now.withheld - seen.withheld)
        }
        counter("tapedeck_sessions_refused_for_capacity_total", ("reason", "capacity")).increment(by: Int64(max(0, grown.0)))
        counter("tapedeck_sessions_closed_early_total", ("reason", "close-lateness")).increment(by: Int64(max(0, grown.1)))
        counter("tapedeck_events_withheld_total", ("reason", "close-lateness")).increment(by: Int64(max(0, grown.2)))
    }
}
