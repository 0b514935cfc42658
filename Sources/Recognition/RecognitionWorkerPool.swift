import Foundation

/// Runs transcriptions on a fixed number of dedicated threads — never on the caller's thread, an
/// event loop, or the shared dispatch/concurrency pools (on Linux Swift concurrency runs on
/// libdispatch's pool, which has one thread per core: a transcription blocking one of those for a
/// second would stall every other task of the process). Requests queue in arrival order;
/// `transcribe` suspends until its turn is done.
public final class RecognitionWorkerPool: @unchecked Sendable {  // `jobs` and `running` are guarded by `condition`, which the worker threads block on
    public let recognizer: any SpeechRecognizer
    public let workers: Int
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var running = 0

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

    public func transcribe(_ samples: [Float], language: String?) async throws -> Transcription {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            jobs.append(Job(samples: samples, language: language, continuation: continuation))
            condition.signal()
            condition.unlock()
        }
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            running += 1
            condition.unlock()
            let result = Result { try recognizer.transcribe(job.samples, language: job.language) }
            condition.lock()
            running -= 1
            condition.unlock()
            job.continuation.resume(with: result)
        }
    }
}
