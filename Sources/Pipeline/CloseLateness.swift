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
        var description: String {
            switch self {
            case .notLive(let id): return "offline derivation asked for utterance \(id), which the live session did not transcribe the same way"
            }
        }
    }

    let live: [Int: Live]

    func transcribe(_ request: TranscriptionRequest) async throws -> Transcription {
        var placed = request
        placed.samples = []
        guard let match = live[request.id], match.request == placed else { throw HandoverError.notLive(request.id) }
        return try await match.task.value
    }
}
