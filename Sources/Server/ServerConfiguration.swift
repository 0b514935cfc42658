import Foundation
import Journal

/// Everything `tapedeck serve` can be told, with the embedded defaults.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var streamPath = "/v1/stream"
    public var journalDirectory = URL(fileURLWithPath: "journal")
    public var dataDirectory = URL(fileURLWithPath: "data")
    public var resultsDirectory = URL(fileURLWithPath: "results")
    public var journalSync = SyncPolicy.default
    public var journalKey: JournalKey?
    /// PEM files for `wss://`; plain `ws://` when nil.
    public var tlsCertificate: String?
    public var tlsPrivateKey: String?
    /// Largest WebSocket frame and message accepted. AudioHook's reference server allows 64 KiB;
    /// the seed dialect's 500 ms of 16 kHz PCM16 is 16 000 bytes.
    public var maxFrameSize = 1 << 16
    /// A session that sends nothing for this long is closed (and journaled as such).
    public var idleTimeoutSeconds = 60.0
    public var maxConcurrentSessions = 256
    /// Back-pressure: while this many transcriptions are queued or running, new sessions are
    /// refused with 503 (sessions already open keep being served; their audio is journaled and
    /// transcribed as the pool catches up).
    public var maxTranscriptionBacklog = 64
    /// Admission from measured capacity: a new session is refused (503, `Retry-After`) when the
    /// open sessions' recent transcription cost leaves no room for one more.
    public var admission = AdmissionSettings()
    /// After a client's `close`, `closed` is sent within this long whatever the transcription
    /// backlog; events that would come later are not sent live (the CSV, derived from the
    /// journal, has them). nil: `closed` waits for every result.
    public var closeLatenessSeconds: Double? = 1.5
    /// A connection that has not sent its whole HTTP request head after this long is closed.
    public var requestHeadTimeoutSeconds = 10.0
    /// Request heads larger than this are answered 431 and the connection is closed.
    public var maxRequestHeadBytes = 16 * 1024
    /// A client whose connection stays unwritable this long (it does not read what we send) is
    /// disconnected with 1008.
    public var writeStallTimeoutSeconds = 10.0
    /// After the server sends a close frame it waits this long for the client's reply, then drops
    /// the connection (the session is journaled as ended either way).
    public var closeReplyTimeoutSeconds = 5.0
    /// A graceful shutdown ends every session within this long: connections are closed with 1001,
    /// and journals are sealed even if transcriptions or clients are still outstanding. After a
    /// drain deadline it is also how long the sessions ended politely get before that.
    public var shutdownTimeoutSeconds = 10.0
    /// SIGTERM drains (`NodeDrain`): sessions open this long after it are ended politely
    /// (AudioHook `disconnect` reason `completed`, seed `closed`). Five minutes lets most calls
    /// in progress finish on their own; the balancer's deregistration delay (180 s in the
    /// AudioHook reference deployment) and the orchestrator's grace period must cover it plus
    /// twice the shutdown timeout.
    public var drainDeadlineSeconds = 300.0
    /// `/ready` answers 503, and new sessions are refused, while the journal's file system has
    /// less than this many bytes available: a server stops taking calls before its disk is full,
    /// not when a journal write fails.
    public var minFreeJournalBytes: UInt64 = 1 << 30
    /// Back-pressure per connection: the socket is not read while this many received bytes wait
    /// for the session loop, or this many journaled bytes wait to be written, or this many of the
    /// session's utterances wait for transcription.
    public var maxQueuedInboundBytes = 1 << 20
    public var maxQueuedJournalBytes = 4 << 20
    public var maxQueuedTranscriptions = 8

    public init() {}
}
