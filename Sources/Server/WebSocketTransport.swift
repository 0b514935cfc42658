import Foundation
import HummingbirdWebSocket
import Journal
import NIOCore
import NIOWebSocket
import Pipeline

/// A session's WebSocket as its driver sees it: whole messages in (assembled and size-checked,
/// stamped with their receive time), text out. Everything about the connection's life below
/// the session — the idle timeout, the graceful shutdown and its deadline, bounded closing,
/// what the channel handlers found — is decided here, and ends up as the transport-closed
/// record's reason.
///
/// An actor, because its reader (`receive`) and the driver's sends run on different tasks;
/// the socket's own reading and writing are independent, so they interleave at suspensions.
actor WebSocketTransport: SessionTransport {
    private let outbound: WebSocketOutboundWriter
    private var frames: WebSocketInboundStream.AsyncIterator
    private var assembler: MessageAssembler
    private let configuration: ServerConfiguration
    private let controls: TransportControls
    private let clock: any SessionClock
    private let closing: CloseWatchdog
    private var lastActivity: UInt64
    private var wentIdle = false
    private var serverClosing = false
    private var ended = false
    private var idle: Task<Void, Never>?
    private var shutdownRegistration: Int?
    private var deadline: Task<Void, Never>?

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, configuration: ServerConfiguration,
         controls: TransportControls, clock: any SessionClock) {
        self.outbound = outbound
        frames = inbound.makeAsyncIterator()
        assembler = MessageAssembler(maxSize: configuration.maxFrameSize)
        self.configuration = configuration
        self.controls = controls
        self.clock = clock
        closing = CloseWatchdog(timeoutSeconds: min(configuration.closeReplyTimeoutSeconds, configuration.shutdownTimeoutSeconds),
                                drop: controls.drop)
        lastActivity = clock.monotonicNanoseconds()
    }

    /// Starts the idle timer and listens for the server's shutdown; `control` hears the
    /// shutdown deadline, after which the connection is dropped.
    func start(control: SessionControl) {
        let limit = UInt64(configuration.idleTimeoutSeconds * 1e9)
        idle = Task { [weak self, clock] in
            while !Task.isCancelled {
                await clock.sleep(nanoseconds: min(limit, 1_000_000_000))
                guard let self, await self.closeIfIdle(limit: limit) == false else { return }
            }
        }
        shutdownRegistration = controls.shutdown.onShutdown { [weak self] in
            Task { await self?.shutDown(control: control) }
        }
    }

    /// Stops the timers; the session is over.
    func stop() {
        idle?.cancel()
        deadline?.cancel()
        controls.shutdown.remove(shutdownRegistration)
    }

    func receive() async -> JournalRecord {
        var end = TransportEnd.clientClosed
        do {
            lastActivity = clock.monotonicNanoseconds()
            while let frame = try await nextFrame() {
                lastActivity = clock.monotonicNanoseconds()
                guard let message = try assembler.add(frame) else { continue }
                switch message {
                case .text(let bytes):
                    return JournalRecord(type: .inboundText, sequence: 0, receivedAt: clock.wallMicroseconds(), payload: bytes)
                case .binary(let bytes):
                    return JournalRecord(type: .inboundBinary, sequence: 0, receivedAt: clock.wallMicroseconds(), payload: bytes)
                }
            }
        } catch let violation as MessageRuleViolation {
            end = .protocolError
            await close(violation.closeCode, reason: violation.description)
            while (try? await nextFrame()) != nil {}  // until the client's close reply (or the drop)
        } catch {
            end = .error
        }
        ended = true
        closing.finished()
        if serverClosing { end = .serverClosed }
        if wentIdle { end = .idleTimeout }
        if controls.shutdown.isShuttingDown, end == .clientClosed || end == .error { end = .shutdown }
        switch controls.record.verdict {
        case .notReading: end = .notReading
        case .protocolViolation: end = .protocolError
        case nil: break
        }
        return end.record(at: clock.wallMicroseconds())
    }

    /// An actor cannot await a mutating method on its own stored iterator; it awaits a copy,
    /// on its own isolation (so the iterator never leaves the actor), and keeps it.
    private func nextFrame() async throws -> WebSocketDataFrame? {
        var iterator = frames
        defer { frames = iterator }
        return try await iterator.next(isolation: self)
    }

    func send(_ message: OutboundMessage) async -> Bool {
        guard !ended else { return false }
        do {
            try await outbound.write(.text(message.text))
            return true
        } catch {
            return false
        }
    }

    func closeForServerFailure(reason: String) async {
        serverClosing = true
        await close(.unexpectedServerError, reason: reason)
    }

    /// Returns whether the connection was closed for idleness.
    private func closeIfIdle(limit: UInt64) async -> Bool {
        guard !ended, clock.monotonicNanoseconds() &- lastActivity >= limit else { return ended }
        wentIdle = true
        await close(.goingAway, reason: "idle timeout")
        return true
    }

    /// Closes with 1001; once the shutdown timeout has passed, the driver stops waiting for
    /// transcriptions and the connection is dropped, whether the client answered or not.
    private func shutDown(control: SessionControl) async {
        let (drop, clock, seconds) = (controls.drop, clock, max(0, configuration.shutdownTimeoutSeconds))
        deadline = Task {
            await clock.sleep(nanoseconds: UInt64(seconds * 1e9))
            guard !Task.isCancelled else { return }
            control.shutdownDeadline()
            drop()
        }
        await close(.goingAway, reason: "server shutting down")
    }

    /// Sends our close frame with the watchdog armed first: that write never finishes for a
    /// client that does not read, and the watchdog drops such a connection.
    private func close(_ code: WebSocketErrorCode, reason: String) async {
        closing.arm()
        try? await outbound.close(code, reason: reason)
    }
}
