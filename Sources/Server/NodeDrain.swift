import Logging
import Synchronization

/// The node's drain, for rolling upgrades and scale-in (issue 17): on the first SIGTERM/SIGINT
/// the server stops taking sessions (`/ready` 503 "draining", new upgrades 503 with
/// `Retry-After`, so the balancer sends new calls elsewhere) but keeps serving the calls it has,
/// and the process exits once they have all ended. A call still open at the drain deadline is
/// ended politely by its protocol (`ServerDecision.drainDeadline`: AudioHook `disconnect` reason
/// `completed`, seed `closed`) and gets the shutdown timeout to finish; after that the server's
/// graceful shutdown closes whatever is left with 1001, as a plain shutdown always has.
///
/// Signals: the first begins the drain, a second ends the open calls politely at once, a third
/// stops waiting for them (straight to the final shutdown).
///
/// Live only: what a drain decides about one session reaches its reducer as a journaled record.
public final class NodeDrain: Sendable {
    public enum Phase: String, Sendable {
        /// Taking sessions.
        case serving
        /// Refusing new sessions, serving the open ones.
        case draining
        /// The deadline came: open sessions have been told to end.
        case ending
    }

    public struct Settings: Sendable {
        /// Seconds from the first signal until open sessions are ended politely.
        public var deadlineSeconds: Double
        /// Seconds the sessions ended politely get to finish before the final shutdown.
        public var finalWaitSeconds: Double
        public init(deadlineSeconds: Double, finalWaitSeconds: Double) {
            (self.deadlineSeconds, self.finalWaitSeconds) = (deadlineSeconds, finalWaitSeconds)
        }
    }

    enum Event: Sendable {
        case begin, endNow, stopWaiting, sessionEnded, deadline, finalWaitOver, stop
    }

    private struct State {
        var phase = Phase.serving
        var signals = 0
        /// Each open session's polite end, run at the deadline.
        var handlers = OneShotHandlers()
        var openSessions: @Sendable () -> Int = { 0 }
    }

    private let state = Mutex(State())
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    public init() {
        (events, continuation) = AsyncStream<Event>.makeStream()
    }

    public var phase: Phase { state.withLock { $0.phase } }
    public var isDraining: Bool { phase != .serving }

    /// What SIGTERM/SIGINT does (see the type's comment). Takes effect at once: `/ready` and the
    /// upgrade check see the new phase before this returns.
    public func signal() {
        let event = state.withLock { state -> Event in
            state.signals += 1
            switch state.signals {
            case 1:
                state.phase = .draining
                return .begin
            case 2: return .endNow
            default: return .stopWaiting
            }
        }
        continuation.yield(event)
    }

    // MARK: Sessions

    /// The server's session count, read while draining to know when the last call has ended.
    func watch(openSessions: @escaping @Sendable () -> Int) {
        state.withLock { $0.openSessions = openSessions }
    }

    /// A session has ended (its slot is free): the drain may be over.
    func sessionEnded() {
        // Only a drain listens; while serving, the events would pile up unread.
        guard isDraining else { return }
        continuation.yield(.sessionEnded)
    }

    /// Registers how to end one session politely; runs it at once (and returns nil) when the
    /// deadline has already come.
    func onDeadline(_ handler: @escaping @Sendable () -> Void) -> Int? {
        let id = state.withLock { $0.handlers.add(handler) }
        if id == nil { handler() }
        return id
    }

    func remove(_ id: Int?) {
        state.withLock { $0.handlers.remove(id) }
    }

    /// The service group is shutting down for another reason: the drain waits no longer.
    func stop() { continuation.yield(.stop) }

    // MARK: The drain

    /// Waits for the first signal, then drains; returns when the process should go on to its
    /// final shutdown (at once if the group stops before any signal). Runs once.
    func run(settings: Settings, logger: Logger) async {
        var events = self.events.makeAsyncIterator()
        waiting: while let event = await events.next() {
            switch event {
            case .begin: break waiting
            case .stop: return
            default: continue
            }
        }
        let open = state.withLock { $0.openSessions }
        logger.notice("draining: new sessions are refused (503), open ones are served until they end",
                      metadata: ["open": "\(open())", "deadline": "\(settings.deadlineSeconds) s"])
        let deadline = timer(seconds: settings.deadlineSeconds, then: .deadline)
        defer { deadline.cancel() }
        draining: while open() > 0 {
            switch await events.next() {
            case .sessionEnded?, .begin?, .finalWaitOver?: continue
            case .deadline?, .endNow?: break draining
            case .stopWaiting?, .stop?, nil: return
            }
        }
        guard open() > 0 else {
            logger.notice("drained: every session has ended")
            return
        }
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            state.phase = .ending
            return state.handlers.fire()
        }
        logger.notice("drain deadline: ending the open sessions politely", metadata: ["open": "\(open())"])
        for handler in handlers { handler() }
        let finalWait = timer(seconds: settings.finalWaitSeconds, then: .finalWaitOver)
        defer { finalWait.cancel() }
        while open() > 0 {
            switch await events.next() {
            case .sessionEnded?, .begin?, .endNow?, .deadline?: continue
            case .finalWaitOver?, .stopWaiting?, .stop?, nil:
                logger.warning("sessions still open after the drain deadline and the shutdown timeout: closing them", metadata: ["open": "\(open())"])
                return
            }
        }
        logger.notice("drained: every session has ended")
    }

    private func timer(seconds: Double, then event: Event) -> Task<Void, Never> {
        let continuation = self.continuation
        return Task {
            try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
            if !Task.isCancelled { continuation.yield(event) }
        }
    }
}
