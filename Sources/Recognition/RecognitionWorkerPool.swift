import Foundation

/// Runs transcriptions on a fixed number of dedicated threads — never on the caller's thread, an
/// event loop, or the shared dispatch/concurrency pools (on Linux Swift concurrency runs on
/// libdispatch's pool, which has one thread per core: a transcription blocking one of those for a
/// second would stall every other task of the process). Requests queue in arrival order;
/// `transcribe` suspends until its turn is done.
public final class RecognitionWorkerPool: @unchecked Sendable {  // `jobs`, `running`, `done` and `queuedSamples` are guarded by `condition`, which the worker threads block on
    public let recognizer: any SpeechRecognizer
    public let workers: Int
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var running = 0
    private var done = PoolWork()
    private var queuedSamples = 0

    private struct Job {
        var samples: [Float]
        var language: String?
        var continuation: CheckedContinuation<Transcription, any Error>
    }

    public init(recognizer: any SpeechRecognizer, workers: Int) {
        self.recognizer = recognizer
        self.workers = max(1, workers)
        for index in 0..<self.workers {
            // Workers live as long as the process (a pool is made once per server); they hold the pool.
            let thread = Thread { self.work() }
            thread.name = "tapedeck.recognition.\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Requests queued or running now (for admission control and metrics).
    public var pending: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count + running
    }

    /// What the pool has done since it started, and what waits (for admission from measured
    /// capacity): the CPU time its threads spent transcribing, the audio that took.
    public var measured: PoolWork {
        condition.lock()
        defer { condition.unlock() }
        var snapshot = done
        snapshot.queuedAudioSeconds = Double(queuedSamples) / 16_000
        return snapshot
    }

    public func transcribe(_ samples: [Float], language: String?) async throws -> Transcription {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            jobs.append(Job(samples: samples, language: language, continuation: continuation))
            queuedSamples += samples.count
            condition.signal()
            condition.unlock()
        }
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            queuedSamples -= job.samples.count
            running += 1
            condition.unlock()
            let cpuBefore = Self.threadCPUSeconds()
            let result = Result { try recognizer.transcribe(job.samples, language: job.language) }
            let cpu = Self.threadCPUSeconds() - cpuBefore
            condition.lock()
            running -= 1
            done.transcriptions += 1
            done.cpuSeconds += cpu
            done.audioSeconds += Double(job.samples.count) / 16_000
            condition.unlock()
            job.continuation.resume(with: result)
        }
    }
}

/// Cumulative work of a recognition pool. CPU time is the worker thread's own (its matrix
/// threads too, when BLAS runs on the calling thread, as `serve` configures it), so it measures
/// what a transcription costs, not how long it waited for a core on a loaded machine.
public struct PoolWork: Sendable, Equatable {
    public var transcriptions = 0
    public var cpuSeconds = 0.0
    /// Seconds of 16 kHz audio transcribed.
    public var audioSeconds = 0.0
    /// Seconds of audio waiting for a worker now.
    public var queuedAudioSeconds = 0.0
    public init() {}
}

extension RecognitionWorkerPool {
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
