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

    public init() {}
}
