import Foundation
import HummingbirdWebSocket
import Journal
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Pipeline
import Recognition
import ServiceLifecycle

/// Why a session's transport ended, as journaled in its transport-closed record.
enum TransportEnd: String, Sendable {
    case clientClosed = "client closed"
    case serverClosed = "server closed"
    case idleTimeout = "idle timeout"
    case shutdown = "server shutdown"
    case error = "transport error"
    case notReading = "client not reading"
    case protocolError = "protocol error"
}

/// What the session's single state owner (its main loop) reacts to.
private enum SessionInput: Sendable {
    case record(JournalRecord)
    case ended(TransportEnd)
    case transcribed(id: Int, Result<Transcription, any Error>)
    /// The journal cannot be written (full or read-only disk, I/O error).
    case storageFailed(JournalError)
    /// The graceful shutdown's time is up: end without waiting any longer.
    case shutdownDeadline
}

/// Drives one WebSocket connection. One loop owns the session core: it journals every inbound
/// frame before the core sees it and every outbound message as sent, hands utterances to the
/// recognition pool and applies their results in request order, and when the connection ends
/// waits for the last transcriptions, seals the journal and writes the session's CSV files.
final class LiveSession<Core: SessionCore>: @unchecked Sendable {
    private let facts: ConnectionFacts
    private let configuration: ServerConfiguration
    private let components: [String: String]
    private let pool: RecognitionWorkerPool?
    private let finishSession: @Sendable (Core, SessionHeader, URL) throws -> URL?
    private let logger: Logger
    private let transport: TransportControls
    private var core: Core
    private var journal: AsyncJournalWriter?
    private var buffered: [(RecordType, Int64, [UInt8])] = []
    private var bufferedBytes = 0
    private var sessionId: String?
    private var negotiated = "{}"
    private var firstReceivedAt: Int64?
    private var header: SessionHeader?
    private var socketOpen = true
    private var pending = 0
    /// Set once the journal cannot be written: the session is ended and nothing more is kept.
    private var storageFailure: JournalError?
    /// The failure is reported to the main loop but not handled yet: keep nothing meanwhile.
    private var storageFailing = false
    private var inputs: AsyncStream<SessionInput>.Continuation?
    private let storage: StorageHealth
    /// The server closed the socket (the transport end is journaled as such).
    private let serverClosing = NIOLockedValueBox(false)
    private var journalQueuedBytes = 0
    private(set) var journalURL: URL?
    private(set) var resultURL: URL?

    /// Derived events wait this long after `opened`: AudioHook clients (and the reference suite)
    /// expect the first server message after `opened` to be the answer to their first request.
    static var quietAfterOpened: UInt64 { 1_000_000_000 }

    init(facts: ConnectionFacts, configuration: ServerConfiguration, environment: SessionEnvironment, pool: RecognitionWorkerPool?,
         storage: StorageHealth, logger: Logger, transport: TransportControls,
         finishSession: @escaping @Sendable (Core, SessionHeader, URL) throws -> URL?) {
        self.facts = facts
        self.configuration = configuration
        self.components = environment.components
        self.pool = pool
        self.logger = logger
        self.transport = transport
        self.finishSession = finishSession
        self.storage = storage
        self.core = Core(facts: facts, environment: environment)
    }

    /// Runs until the socket has closed and every transcription is applied; returns the journal file.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async -> URL? {
        // The connection's handler is cancelled on shutdown; the session must still drain its
        // transcriptions, journal the end and write its CSV, so it runs in its own task.
        let session = Task { await self.serve(inbound: inbound, outbound: outbound) }
        return await session.value
    }

    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async -> URL? {
        let (inputs, input) = AsyncStream<SessionInput>.makeStream()
        self.inputs = input
        let (submissions, submit) = AsyncStream<(Int, Task<Transcription, any Error>)>.makeStream()
        let activity = ActivityClock()
        let openedAt = NIOLockedValueBox<UInt64?>(nil)
        let serverClosing = self.serverClosing
        let gate = InboundGate(maxBytes: configuration.maxQueuedInboundBytes, maxTranscriptions: configuration.maxQueuedTranscriptions)
        let closing = CloseWatchdog(timeoutSeconds: min(configuration.closeReplyTimeoutSeconds, configuration.shutdownTimeoutSeconds),
                                    drop: transport.drop)
        let deadline = NIOLockedValueBox<Task<Void, Never>?>(nil)
        let shutdownRegistration = transport.shutdown.onShutdown { [configuration] in
            Task {
                closing.arm()
                try? await outbound.close(.goingAway, reason: "server shutting down")
            }
            deadline.withLockedValue { task in
                task = Task {
                    try? await Task.sleep(nanoseconds: UInt64(max(0, configuration.shutdownTimeoutSeconds) * 1e9))
                    if !Task.isCancelled { input.yield(.shutdownDeadline) }
                }
            }
        }
        defer {
            transport.shutdown.remove(shutdownRegistration)
            deadline.withLockedValue { $0?.cancel() }
        }

        let idle = Task { [configuration] in
            let limit = UInt64(configuration.idleTimeoutSeconds * 1e9)
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: min(limit, 1_000_000_000))
                if await activity.idleNanoseconds() >= limit {
                    await activity.markIdle()
                    closing.arm()
                    try? await outbound.close(.goingAway, reason: "idle timeout")
                    return
                }
            }
        }
        defer { idle.cancel() }

        // Reads frames; the main loop below does everything else.
        let reader = Task { [configuration, transport] in
            var end = TransportEnd.clientClosed
            var assembler = MessageAssembler(maxSize: configuration.maxFrameSize)
            var frames = inbound.makeAsyncIterator()
            do {
                while true {
                    // Time spent not reading because of our own backlog is not the client's silence.
                    if await gate.waitForRoom() { await activity.touch() }
                    guard let frame = try await frames.next() else { break }
                    await activity.touch()
                    guard let message = try assembler.add(frame) else { continue }
                    let receivedAt = wallClockMicroseconds()
                    let record: JournalRecord
                    switch message {
                    case .text(let bytes):
                        record = JournalRecord(type: .inboundText, sequence: 0, receivedAt: receivedAt, payload: bytes)
                    case .binary(let bytes):
                        record = JournalRecord(type: .inboundBinary, sequence: 0, receivedAt: receivedAt, payload: bytes)
                    }
                    gate.received(bytes: record.payload.count)
                    input.yield(.record(record))
                }
            } catch let violation as MessageRuleViolation {
                end = .protocolError
                closing.arm()
                try? await outbound.close(violation.closeCode, reason: violation.description)
                while (try? await frames.next()) != nil {}  // until the client's close reply (or the drop)
            } catch {
                end = .error
            }
            closing.finished()
            if serverClosing.withLockedValue({ $0 }) { end = .serverClosed }
            if await activity.wentIdle { end = .idleTimeout }
            if transport.shutdown.isShuttingDown, end == .clientClosed || end == .error { end = .shutdown }
            switch transport.record.verdict {
            case .notReading: end = .notReading
            case .protocolViolation: end = .protocolError
            case nil: break
            }
            input.yield(.ended(end))
        }

        // Awaits transcriptions in request order, so the core sees results in that order.
        let deliverer = Task {
            for await (id, task) in submissions {
                let result = await task.result
                if let opened = openedAt.withLockedValue({ $0 }) {
                    let due = opened &+ Self.quietAfterOpened
                    let now = JournalWriter.monotonicNow()
                    if now < due { try? await Task.sleep(nanoseconds: due - now) }
                }
                input.yield(.transcribed(id: id, result))
            }
        }

        var ended = false
        var deadlinePassed = false
        for await event in inputs {
            var effects: [SessionEffect] = []
            switch event {
            case .record(let record):
                // The reader waits on the gate until this record is handled, skipped or not.
                defer { gate.handled(bytes: record.payload.count) }
                // After a storage failure nothing is kept or answered: the client was told.
                guard storageFailure == nil else { continue }
                append(record.type, record.receivedAt, record.payload)
                effects = core.handle(record)
                journalQueuedBytes += record.payload.count
                if journalQueuedBytes >= configuration.maxQueuedJournalBytes, let journal {
                    // The journal writer queues without limit; waiting for it here bounds its queue
                    // (the gate then holds the reader, and TCP the client).
                    try? await journal.flush()
                    journalQueuedBytes = 0
                }
            case .shutdownDeadline:
                deadlinePassed = true
                gate.openForGood()
                transport.drop()
            case .storageFailed(let error):
                await endForStorage(error, outbound: outbound, closing: closing)
            case .ended(let end):
                ended = true
                socketOpen = false
                let receivedAt = wallClockMicroseconds()
                let payload = Array("{\"reason\":\"\(end.rawValue)\"}".utf8)
                if storageFailure == nil {
                    if journal == nil { openJournal() }
                    append(.transportClosed, receivedAt, payload)
                    effects = core.handle(JournalRecord(type: .transportClosed, sequence: 0, receivedAt: receivedAt, payload: payload))
                }
            case .transcribed(let id, let result):
                pending -= 1
                gate.transcriptionDone()
                let transcription: Transcription
                switch result {
                case .success(let value):
                    transcription = value
                case .failure(let error):
                    // Keep the order going; the utterance is left without text (a replay will show the difference).
                    logger.error("speech recognition failed", metadata: ["utterance": "\(id)", "error": "\(error)"])
                    transcription = Transcription(text: "", language: "", languageProbability: 0, noSpeechProbability: 1,
                                                  averageLogProbability: 0, words: [])
                }
                effects = core.apply(transcription, to: id)
            }
            for effect in effects {
                switch effect {
                case .send(let text):
                    await send(text, as: .outbound, outbound: outbound)
                case .event(let text):
                    await send(text, as: .outboundEvent, outbound: outbound)
                case let .identified(sessionId, details):
                    if self.sessionId == nil {
                        self.sessionId = sessionId
                        negotiated = details
                        openJournal()
                        openedAt.withLockedValue { $0 = JournalWriter.monotonicNow() }
                    }
                case .transcribe(let request):
                    guard let pool else { continue }
                    pending += 1
                    gate.transcriptionQueued()
                    submit.yield((request.id, Task { try await pool.transcribe(request.samples, language: request.language) }))
                case .closeSocket:
                    if socketOpen {
                        serverClosing.withLockedValue { $0 = true }
                        socketOpen = false
                        closing.arm()
                        try? await outbound.close(.normalClosure, reason: nil)
                    }
                }
            }
            // A session whose journal failed derives nothing more, and one past the shutdown
            // deadline waits no longer: their remaining transcriptions are not waited for.
            if ended && (pending == 0 || storageFailure != nil || deadlinePassed) { break }
        }
        submit.finish()
        input.finish()
        gate.openForGood()
        _ = await reader.value
        if pending > 0 {
            logger.warning("shutdown deadline passed before every utterance was transcribed; the journal is sealed and `tapedeck regenerate` writes the CSV from it",
                           metadata: ["outstanding": "\(pending)"])
        } else {
            await deliverer.value
        }
        return await finish()
    }

    /// Sends and journals a protocol reply (`.outbound`) or a derived event (`.outboundEvent`).
    private func send(_ text: String, as type: RecordType, outbound: WebSocketOutboundWriter) async {
        guard socketOpen else { return }
        do {
            try await outbound.write(.text(text))
            append(type, wallClockMicroseconds(), Array(text.utf8))
        } catch {
            socketOpen = false  // the client is gone; derivation goes on for the journal and CSV
        }
    }

    private func append(_ type: RecordType, _ receivedAt: Int64, _ payload: [UInt8]) {
        guard storageFailure == nil, !storageFailing else { return }
        if firstReceivedAt == nil { firstReceivedAt = receivedAt }
        if let journal {
            journal.append(type, receivedAt: receivedAt, payload: payload)
            return
        }
        buffered.append((type, receivedAt, payload))
        bufferedBytes += payload.count
        // A client that never identifies its session still gets journaled, once it sends enough.
        if buffered.count >= 64 || bufferedBytes >= 1 << 20 { openJournal() }
    }

    private func openJournal() {
        guard journal == nil, storageFailure == nil, !storageFailing else { return }
        let id = sessionId ?? facts.headers["audiohook-session-id"] ?? "unidentified-\(UUID().uuidString.lowercased())"
        let start = firstReceivedAt ?? wallClockMicroseconds()
        let layout = JournalLayout(root: configuration.journalDirectory)
        let day = JournalLayout.day(microseconds: start)
        let base = (try? JournalLayout.validate(id)) != nil ? id : "sid-" + SHA256Digest.hash(Array(id.utf8)).hexString.prefix(24)
        let header = SessionHeader(server: TapedeckVersion.current, facts: facts, sessionId: id, negotiated: negotiated, components: components)
        let failed: @Sendable (JournalError) -> Void = { [inputs] error in inputs?.yield(.storageFailed(error)) }
        // A reconnect reusing its session id gets a sibling file (`-2`, `-3`…); any other
        // failure is the disk's, and retrying into more siblings would not help.
        for attempt in 1...100 {
            let name = attempt == 1 ? base : "\(base)-\(attempt)"
            do {
                let url = try layout.url(organization: facts.organization, day: day, sessionId: name)
                let writer = try AsyncJournalWriter(url: url, sessionId: id, policy: configuration.journalSync, key: configuration.journalKey,
                                                    onFailure: failed)
                writer.append(.sessionHeader, receivedAt: start, payload: header.encoded())
                for (type, time, payload) in buffered { writer.append(type, receivedAt: time, payload: payload) }
                buffered = []
                bufferedBytes = 0
                journal = writer
                journalURL = url
                self.header = header
                return
            } catch JournalError.alreadyExists {
                continue
            } catch let error as JournalError {
                return failStorage(error)
            } catch {
                return failStorage(.io(path: configuration.journalDirectory.path, operation: "create journal", errno: EIO))
            }
        }
        failStorage(.io(path: configuration.journalDirectory.path, operation: "name a journal (100 sessions reuse \(base))", errno: EEXIST))
    }

    /// Records the failure (once) and lets the main loop end the session; buffered records
    /// are released at once.
    private func failStorage(_ error: JournalError) {
        guard storageFailure == nil, !storageFailing else { return }
        storageFailing = true
        buffered = []
        bufferedBytes = 0
        inputs?.yield(.storageFailed(error))
    }

    /// The journal cannot be written: a session we cannot keep is ended at once with the
    /// protocol's error (seed `error` then close 1011; AudioHook `disconnect` reason `error`),
    /// rather than carried on with nothing recorded. New sessions are refused until the disk recovers.
    private func endForStorage(_ error: JournalError, outbound: WebSocketOutboundWriter, closing: CloseWatchdog) async {
        guard storageFailure == nil else { return }
        storageFailure = error
        buffered = []
        bufferedBytes = 0
        storage.reportFailure(error)
        logger.error("the session's journal cannot be written: ending the session", metadata: ["error": "\(error)"])
        let message = "the server cannot record this session (journal storage unavailable); try again later"
        for case .send(let text) in core.serverFailure(message) where socketOpen {
            try? await outbound.write(.text(text))
        }
        if socketOpen {
            socketOpen = false
            serverClosing.withLockedValue { $0 = true }
            closing.arm()
            try? await outbound.close(.unexpectedServerError, reason: "journal storage unavailable")
        }
    }

    private func finish() async -> URL? {
        do {
            try await journal?.close(receivedAt: wallClockMicroseconds())
        } catch {
            logger.error("cannot close the session journal", metadata: ["error": "\(error)"])
        }
        // A journal that failed holds only part of the session, and one cut short by the
        // shutdown deadline lacks transcriptions: no CSV from either (regenerate writes it from
        // the journal once the disk is repaired or the server is back).
        if let header, let journalURL, storageFailure == nil, pending == 0 {
            do {
                resultURL = try finishSession(core, header, journalURL)
            } catch {
                logger.error("cannot write the session's CSV files; `tapedeck regenerate` can write them from the journal",
                             metadata: ["error": "\(error)"])
            }
        }
        return journalURL
    }
}

/// Last-activity bookkeeping for the idle timeout.
private actor ActivityClock {
    private var last = JournalWriter.monotonicNow()
    private(set) var wentIdle = false
    func touch() { last = JournalWriter.monotonicNow() }
    func idleNanoseconds() -> UInt64 { JournalWriter.monotonicNow() &- last }
    func markIdle() { wentIdle = true }
}
