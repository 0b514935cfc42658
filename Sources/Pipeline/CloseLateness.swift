import Foundation
import Recognition
import Synchronization

// What the live driver does when the client closes while transcriptions are still behind:
// `closed` is answered within the close lateness, the events still to come are not sent, and
// the session's CSV is derived from its sealed journal (the live session's results are reused,
// so nothing is transcribed twice). Counted here for the log and for metrics.

/// Counts of sessions closed before their last results, process-wide (for `/metrics`).
public final class OverloadCounters: Sendable {
    private let closedEarly = Atomic<Int>(0)
    private let withheld = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)

    public init() {}

    /// Sessions whose `closed` was sent before their last transcriptions were in.
    public var sessionsClosedEarly: Int { closedEarly.load(ordering: .relaxed) }
    /// Derived events not sent live because they would have come after the close lateness
    /// (they are in the CSV, and `replay` derives them).
    public var eventsWithheld: Int { withheld.load(ordering: .relaxed) }
    /// New sessions refused (503) because the measured capacity was spoken for.
    public var sessionsRefusedForCapacity: Int { refused.load(ordering: .relaxed) }

    func closedEarly(withholding events: Int) {
        closedEarly.add(1, ordering: .relaxed)
        withheld.add(events, ordering: .relaxed)
    }

    public func refusedForCapacity() { refused.add(1, ordering: .relaxed) }
}

/// Where a live session reports the audio it brings, for admission from measured capacity.
public protocol SessionLoadMeter: Sendable {
    /// `callSeconds` more of the call's timeline arrived; `utteranceSeconds` went to transcription.
    func add(callSeconds: Double, utteranceSeconds: Double)
}

/// Offline derivation of a session from its sealed journal, with the transcriber given (the
/// server's is `SessionRunner.run` over the journal, as `tapedeck regenerate` does it).
public typealias Rederive = @Sendable (URL, any Transcriber) async throws -> SessionRunner.Run

/// The live session's transcriptions, handed to its offline derivation: the journal yields the
/// same requests in the same order, so each is answered with the live result (awaited if still
/// running) instead of being transcribed again.
struct HandoverTranscriber: Transcriber {
    struct Live: Sendable {
        var request: TranscriptionRequest  // without samples
        var task: Task<Transcription, any Error>
    }

    enum HandoverError: Error, CustomStringConvertible {
        case notLive(Int)
        case shutdownDeadline
        var description: String {
            switch self {
            case .notLive(let id): return "offline derivation asked for utterance \(id), which the live session did not transcribe the same way"
            case .shutdownDeadline: return "the server's shutdown deadline passed before the last transcriptions were in"
            }
        }
    }

    let live: [Int: Live]
    let control: SessionControl

    func transcribe(_ request: TranscriptionRequest) async throws -> Transcription {
        var placed = request
        placed.samples = []
        guard let match = live[request.id], match.request == placed else { throw HandoverError.notLive(request.id) }
        // A graceful shutdown waits no longer for the backlog than for a live session's.
        return try await withCheckedThrowingContinuation { continuation in
            let answer = AnswerOnce(continuation)
            control.onShutdownDeadline { answer.resume(with: .failure(HandoverError.shutdownDeadline)) }
            Task { answer.resume(with: await match.task.result) }
        }
    }
}

/// Resumes a continuation with whichever answer comes first.
private final class AnswerOnce: Sendable {
    private let continuation: Mutex<CheckedContinuation<Transcription, any Error>?>
    init(_ continuation: CheckedContinuation<Transcription, any Error>) { self.continuation = Mutex(continuation) }
    func resume(with result: Result<Transcription, any Error>) {
        continuation.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }?.resume(with: result)
    }
}
