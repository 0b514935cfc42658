import Dispatch
import Foundation

/// Runs transcriptions on a fixed number of dedicated threads, never on the caller's thread or
/// an event loop. Requests queue in arrival order; `transcribe` suspends until its turn is done.
public final class RecognitionWorkerPool: @unchecked Sendable {
    public let recognizer: any SpeechRecognizer
    public let workers: Int
    private let queue: DispatchQueue
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var waiting = 0

    public init(recognizer: any SpeechRecognizer, workers: Int) {
        self.recognizer = recognizer
        self.workers = max(1, workers)
        queue = DispatchQueue(label: "tapedeck.recognition", attributes: .concurrent)
        slots = DispatchSemaphore(value: self.workers)
    }

    /// Requests queued or running now (for metrics and back-pressure).
    public var pending: Int { lock.withLock { waiting } }

    public func transcribe(_ samples: [Float], language: String?) async throws -> Transcription {
        lock.withLock { waiting += 1 }
        defer { lock.withLock { waiting -= 1 } }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                self.slots.wait()
                defer { self.slots.signal() }
                continuation.resume(with: Result { try self.recognizer.transcribe(samples, language: language) })
            }
        }
    }
}
