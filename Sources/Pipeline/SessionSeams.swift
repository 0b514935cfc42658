import Foundation
import Journal
import Recognition

// The three seams a `SessionDriver` runs through, and the journal it writes. Live, each is the
// real thing (a WebSocket, the recognition pool, the system clock, a journal file); offline, a
// journal transport and a cache-backed transcriber; in tests, in-memory stand-ins.

/// Why a session's transport ended, as journaled in its transport-closed record.
public enum TransportEnd: String, Sendable, CaseIterable {
    case clientClosed = "client closed"
    case serverClosed = "server closed"
    case idleTimeout = "idle timeout"
    case shutdown = "server shutdown"
    case error = "transport error"
    case notReading = "client not reading"
    case protocolError = "protocol error"

    /// The transport-closed record for this end, as the live server journals it.
    public func record(at receivedAt: Int64) -> JournalRecord {
        JournalRecord(type: .transportClosed, sequence: 0, receivedAt: receivedAt,
                      payload: Array("{\"reason\":\"\(rawValue)\"}".utf8))
    }
}

/// A message the driver sends to the client.
public enum OutboundMessage: Equatable, Sendable {
    /// A protocol reply (journaled as `outbound`).
    case reply(String)
    /// A derived transcript/analysis event (journaled as `outbound-event`).
    case event(String)

    public var text: String {
        switch self {
        case .reply(let text), .event(let text): return text
        }
    }
}

/// The connection a session runs over.
public protocol SessionTransport: Sendable {
    /// The next inbound record (`inboundText`/`inboundBinary`, stamped with its receive time),
    /// and last of all one `transportClosed` record; not called again after that.
    func receive() async -> JournalRecord
    /// Sends one message; false when the client is gone (nothing more is sent then).
    func send(_ message: OutboundMessage) async -> Bool
    /// Ends the connection from the server's side because the server cannot go on with it;
    /// `receive` then ends with the transport-closed record.
    func closeForServerFailure(reason: String) async
}

/// Where transcription requests go: the recognition pool live, a cache offline, a stub in tests.
public protocol Transcriber: Sendable {
    func transcribe(_ request: TranscriptionRequest) async throws -> Transcription
}

/// Time as a session sees it. Records are stamped with wall time (journaled, so replay never
/// reads a clock); waits are measured on the monotonic clock.
public protocol SessionClock: Sendable {
    /// Microseconds since the Unix epoch, for journal records.
    func wallMicroseconds() -> Int64
    /// Nanoseconds on a clock that never goes back, for waits.
    func monotonicNanoseconds() -> UInt64
    func sleep(nanoseconds: UInt64) async
}

/// The system's clocks.
public struct SystemClock: SessionClock {
    public init() {}
    public func wallMicroseconds() -> Int64 { wallClockMicroseconds() }
    public func monotonicNanoseconds() -> UInt64 { JournalWriter.monotonicNow() }
    public func sleep(nanoseconds: UInt64) async { try? await Task.sleep(nanoseconds: nanoseconds) }
}

/// Where a session's records are kept: a journal file live (`SessionJournal`); nothing offline,
/// where the records come from a journal already.
public protocol SessionRecorder: AnyObject, Sendable {
    /// Keeps one record; it may wait while the recorder's queue is over its bound.
    func append(_ type: RecordType, receivedAt: Int64, payload: [UInt8]) async
    /// The session has a name now: its journal can be created.
    func identified(sessionId: String, negotiated: String) async
    /// A storage failure was reported (through the recorder's own failure handler): keep nothing more.
    func abandon() async
    /// Seals what was kept; nil if no journal could even be created.
    func close(receivedAt: Int64) async -> SessionRecording?
}

/// A session's journal as its recorder left it.
public struct SessionRecording: Sendable {
    public var header: SessionHeader
    public var url: URL
    /// Why the journal could not be completed and sealed, if it could not.
    public var failure: JournalError?
    public init(header: SessionHeader, url: URL, failure: JournalError?) {
        (self.header, self.url, self.failure) = (header, url, failure)
    }
}

/// A recognizer as a transcriber, run where it is called (offline drivers, tests).
public struct DirectTranscriber: Transcriber {
    private let recognizer: any SpeechRecognizer
    public init(_ recognizer: any SpeechRecognizer) { self.recognizer = recognizer }
    public func transcribe(_ request: TranscriptionRequest) async throws -> Transcription {
        try recognizer.transcribe(request.samples, language: request.language)
    }
}

/// The recognition pool as a transcriber (live): requests queue for its worker threads.
public struct PoolTranscriber: Transcriber {
    private let pool: RecognitionWorkerPool
    public init(_ pool: RecognitionWorkerPool) { self.pool = pool }
    public func transcribe(_ request: TranscriptionRequest) async throws -> Transcription {
        try await pool.transcribe(request.samples, language: request.language)
    }
}
