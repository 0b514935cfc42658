import Foundation
import Journal

/// The live recorder: a session's journal file under the journal root, named once the session
/// is identified (records before that are held back, up to a bound), sealed at the end.
public actor SessionJournal: SessionRecorder {
    public struct Settings: Sendable {
        public var root: URL
        public var sync: SyncPolicy
        public var key: JournalKey?
        /// The writer queues without limit; past this many bytes `append` waits for it, which
        /// bounds its queue (the driver's gate then holds the reader, and TCP the client).
        public var maxQueuedBytes: Int
        /// Hears each byte range of the journal as it is written (cluster nodes ship them).
        public var onWritten: (@Sendable (_ journal: URL, _ offset: Int, _ bytes: [UInt8]) -> Void)?
        public init(root: URL, sync: SyncPolicy, key: JournalKey?, maxQueuedBytes: Int,
                    onWritten: (@Sendable (URL, Int, [UInt8]) -> Void)? = nil) {
            (self.root, self.sync, self.key, self.maxQueuedBytes, self.onWritten) = (root, sync, key, maxQueuedBytes, onWritten)
        }
    }

    private let settings: Settings
    private let facts: ConnectionFacts
    private let components: [String: String]
    private let onFailure: @Sendable (JournalError) -> Void
    private var writer: AsyncJournalWriter?
    private var header: SessionHeader?
    private var url: URL?
    private var buffered: [(RecordType, Int64, [UInt8])] = []
    private var bufferedBytes = 0
    private var queuedBytes = 0
    private var sessionId: String?
    private var negotiated = "{}"
    private var firstReceivedAt: Int64?
    /// A failure was reported: nothing more is kept.
    private var failed = false

    /// `onFailure` hears, once, that the journal cannot be written (from the writer's thread).
    public init(settings: Settings, facts: ConnectionFacts, components: [String: String],
                onFailure: @escaping @Sendable (JournalError) -> Void) {
        self.settings = settings
        self.facts = facts
        self.components = components
        self.onFailure = onFailure
    }

    public func append(_ type: RecordType, receivedAt: Int64, payload: [UInt8]) async {
        guard !failed else { return }
        if firstReceivedAt == nil { firstReceivedAt = receivedAt }
        guard let writer else {
            buffered.append((type, receivedAt, payload))
            bufferedBytes += payload.count
            // A client that never identifies its session still gets journaled, once it sends enough.
            if buffered.count >= 64 || bufferedBytes >= 1 << 20 { open() }
            return
        }
        writer.append(type, receivedAt: receivedAt, payload: payload)
        queuedBytes += payload.count
        if queuedBytes >= settings.maxQueuedBytes {
            try? await writer.flush()
            queuedBytes = 0
        }
    }

    /// Where the journal is, once it has been created.
    public var journalURL: URL? { url }

    public func identified(sessionId: String, negotiated: String) {
        guard self.sessionId == nil else { return }
        self.sessionId = sessionId
        self.negotiated = negotiated
        open()
    }

    public func abandon() {
        failed = true
        buffered = []
        bufferedBytes = 0
    }

    public func close(receivedAt: Int64) async -> SessionRecording? {
        // A session that ended before it was identified is journaled under a made-up name.
        if writer == nil { open() }
        guard let writer, let header, let url else { return nil }
        do {
            try await writer.close(receivedAt: receivedAt)
            return SessionRecording(header: header, url: url, failure: nil)
        } catch {
            return SessionRecording(header: header, url: url,
                                    failure: error as? JournalError ?? .io(path: url.path, operation: "close journal", errno: EIO))
        }
    }

    private func open() {
        guard writer == nil, !failed else { return }
        let id = sessionId ?? facts.headers["audiohook-session-id"] ?? "unidentified-\(UUID().uuidString.lowercased())"
        let start = firstReceivedAt ?? wallClockMicroseconds()
        let layout = JournalLayout(root: settings.root)
        let day = JournalLayout.day(microseconds: start)
        let base = (try? JournalLayout.validate(id)) != nil ? id : "sid-" + SHA256Digest.hash(Array(id.utf8)).hexString.prefix(24)
        let header = SessionHeader(server: TapedeckVersion.current, facts: facts, sessionId: id, negotiated: negotiated, components: components)
        // A reconnect reusing its session id gets a sibling file (`-2`, `-3`…); any other
        // failure is the disk's, and retrying into more siblings would not help.
        for attempt in 1...100 {
            let name = attempt == 1 ? base : "\(base)-\(attempt)"
            do {
                let url = try layout.url(organization: facts.organization, day: day, sessionId: name)
                var onWritten: (@Sendable (Int, [UInt8]) -> Void)?
                if let ship = settings.onWritten {
                    onWritten = { offset, bytes in ship(url, offset, bytes) }
                }
                let writer = try AsyncJournalWriter(url: url, sessionId: id, policy: settings.sync, key: settings.key,
                                                    onFailure: onFailure, onWritten: onWritten)
                writer.append(.sessionHeader, receivedAt: start, payload: header.encoded())
                for (type, time, payload) in buffered { writer.append(type, receivedAt: time, payload: payload) }
                buffered = []
                bufferedBytes = 0
                self.writer = writer
                self.url = url
                self.header = header
                return
            } catch JournalError.alreadyExists {
                continue
            } catch let error as JournalError {
                return fail(error)
            } catch {
                return fail(.io(path: settings.root.path, operation: "create journal", errno: EIO))
            }
        }
        fail(.io(path: settings.root.path, operation: "name a journal (100 sessions reuse \(base))", errno: EEXIST))
    }

    private func fail(_ error: JournalError) {
        abandon()
        onFailure(error)
    }
}
