import Foundation
import HummingbirdWebSocket
import Journal
import Pipeline
import Logging
import NIOCore
import ServiceLifecycle

/// Why a session's transport ended, as journaled in its transport-closed record.
enum TransportEnd: String {
    case clientClosed = "client closed"
    case serverClosed = "server closed"
    case idleTimeout = "idle timeout"
    case shutdown = "server shutdown"
    case error = "transport error"
}

/// Drives one WebSocket connection: journals every inbound frame before the core sees it and
/// every outbound message as sent, and closes the journal however the connection ends.
final class LiveSession<Core: SessionCore>: @unchecked Sendable {
    private let facts: ConnectionFacts
    private let configuration: ServerConfiguration
    private let components: [String: String]
    private let logger: Logger
    private var core: Core
    private var journal: AsyncJournalWriter?
    private var buffered: [(RecordType, Int64, [UInt8])] = []
    private var bufferedBytes = 0
    private var sessionId: String?
    private var negotiated = "{}"
    private var firstReceivedAt: Int64?
    private(set) var journalURL: URL?

    init(facts: ConnectionFacts, configuration: ServerConfiguration, components: [String: String], logger: Logger) {
        self.facts = facts
        self.configuration = configuration
        self.components = components
        self.logger = logger
        self.core = Core(facts: facts)
    }

    /// Runs until the socket closes; returns the journal file.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async -> URL? {
        let activity = ActivityClock()
        let idle = Task { [configuration] in
            let limit = UInt64(configuration.idleTimeoutSeconds * 1e9)
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: min(limit, 1_000_000_000))
                if await activity.idleNanoseconds() >= limit {
                    await activity.markIdle()
                    try? await outbound.close(.goingAway, reason: "idle timeout")
                    return
                }
            }
        }
        defer { idle.cancel() }

        var end = TransportEnd.clientClosed
        var closing = false
        do {
            try await withGracefulShutdownHandler {
                for try await message in inbound.messages(maxSize: configuration.maxFrameSize) {
                    await activity.touch()
                    let receivedAt = wallClockMicroseconds()
                    let record: JournalRecord
                    switch message {
                    case .text(let text):
                        record = JournalRecord(type: .inboundText, sequence: 0, receivedAt: receivedAt, payload: Array(text.utf8))
                    case .binary(let buffer):
                        record = JournalRecord(type: .inboundBinary, sequence: 0, receivedAt: receivedAt, payload: Array(buffer.readableBytesView))
                    }
                    append(record.type, receivedAt, record.payload)
                    for effect in core.handle(record) {
                        if try await perform(effect, outbound: outbound) { closing = true }
                    }
                    if closing {
                        end = .serverClosed
                        try await outbound.close(.normalClosure, reason: nil)
                        break
                    }
                }
            } onGracefulShutdown: {
                Task { try? await outbound.close(.goingAway, reason: "server shutting down") }
            }
        } catch {
            end = .error
            logger.info("stream ended with an error", metadata: ["error": "\(error)"])
        }
        if await activity.wentIdle { end = .idleTimeout }
        if Task.isShuttingDownGracefully, end == .clientClosed || end == .error { end = .shutdown }
        return await finish(end)
    }

    /// Performs one effect; returns true when the socket should close.
    private func perform(_ effect: SessionEffect, outbound: WebSocketOutboundWriter) async throws -> Bool {
        switch effect {
        case .send(let text):
            try await outbound.write(.text(text))
            append(.outbound, wallClockMicroseconds(), Array(text.utf8))
            return false
        case let .identified(sessionId, details):
            if self.sessionId == nil {
                self.sessionId = sessionId
                negotiated = details
                openJournal()
            }
            return false
        case .closeSocket:
            return true
        }
    }

    private func append(_ type: RecordType, _ receivedAt: Int64, _ payload: [UInt8]) {
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
        guard journal == nil else { return }
        let id = sessionId ?? facts.headers["audiohook-session-id"] ?? "unidentified-\(UUID().uuidString.lowercased())"
        let start = firstReceivedAt ?? wallClockMicroseconds()
        let layout = JournalLayout(root: configuration.journalDirectory)
        let day = JournalLayout.day(microseconds: start)
        let base = (try? JournalLayout.validate(id)) != nil ? id : "sid-" + SHA256Digest.hash(Array(id.utf8)).hexString.prefix(24)
        let header = SessionHeader(server: TapedeckVersion.current, facts: facts, sessionId: id, negotiated: negotiated, components: components)
        for attempt in 1...100 {
            let name = attempt == 1 ? base : "\(base)-\(attempt)"
            do {
                let url = try layout.url(organization: facts.organization, day: day, sessionId: name)
                let writer = try AsyncJournalWriter(url: url, sessionId: id, policy: configuration.journalSync, key: configuration.journalKey)
                writer.append(.sessionHeader, receivedAt: start, payload: header.encoded())
                for (type, time, payload) in buffered { writer.append(type, receivedAt: time, payload: payload) }
                buffered = []
                bufferedBytes = 0
                journal = writer
                journalURL = url
                return
            } catch JournalError.alreadyExists {
                continue  // a reconnect reusing its session id gets a sibling file
            } catch {
                logger.error("cannot create the session journal", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    private func finish(_ end: TransportEnd) async -> URL? {
        let receivedAt = wallClockMicroseconds()
        let payload = Array("{\"reason\":\"\(end.rawValue)\"}".utf8)
        if journal == nil { openJournal() }
        append(.transportClosed, receivedAt, payload)
        // The core sees the close too (its replies cannot be sent any more, but it may finalize).
        _ = core.handle(JournalRecord(type: .transportClosed, sequence: 0, receivedAt: receivedAt, payload: payload))
        do {
            try await journal?.close(receivedAt: wallClockMicroseconds())
        } catch {
            logger.error("cannot close the session journal", metadata: ["error": "\(error)"])
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
