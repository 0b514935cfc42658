import Foundation
import Journal
import Logging
import Audio
import Recognition
import Synchronization

/// Signals from outside a running session: the server's shutdown deadline, a journal that can
/// no longer be written. Made before the driver, so the recorder's failure handler can hold it.
public final class SessionControl: Sendable {
    let inbox: AsyncStream<SessionDriver.Input>
    private let continuation: AsyncStream<SessionDriver.Input>.Continuation

    public init() {
        (inbox, continuation) = AsyncStream<SessionDriver.Input>.makeStream()
    }

    private let deadline = Mutex<(passed: Bool, handlers: [@Sendable () -> Void])>((false, []))

    /// The graceful shutdown's time is up: end without waiting for transcriptions any longer.
    public func shutdownDeadline() {
        let handlers = deadline.withLock { state in
            defer { state = (true, []) }
            return state.handlers
        }
        for handler in handlers { handler() }
        continuation.yield(.shutdownDeadline)
    }

    /// Calls `handler` once the shutdown deadline has passed (at once if it has), also after the
    /// session loop is over: a session completing its CSV from the journal stops waiting then.
    func onShutdownDeadline(_ handler: @escaping @Sendable () -> Void) {
        let passed = deadline.withLock { state -> Bool in
            if !state.passed { state.handlers.append(handler) }
            return state.passed
        }
        if passed { handler() }
    }
    /// The draining server's deadline: end the session politely (journaled as
    /// `ServerDecision.drainDeadline` before the reducer acts on it, so replay does the same).
    public func drainDeadline() { continuation.yield(.drainDeadline) }

    /// The journal cannot be written (full or read-only disk, I/O error).
    public func storageFailed(_ error: JournalError) { continuation.yield(.storageFailed(error)) }

    func yield(_ input: SessionDriver.Input) { continuation.yield(input) }
    func finish() { continuation.finish() }
}

/// Runs one session: the effect loop around `SessionReducer`. It keeps every inbound record
/// (through the recorder) before the reducer sees it and every outbound message as sent, opens
/// the journal once the session is identified, hands transcription requests to the transcriber
/// and applies their results in request order, and when the transport has ended and the last
/// result is in, seals the journal and projects the CSV.
///
/// Live, it runs over a WebSocket transport with the recognition pool (`.concurrent`); replay and
/// regenerate run it over a journal transport (`.lockstep`), which is what makes them re-derive
/// exactly what the live server derived.
public final class SessionDriver {
    public enum Scheduling: Sendable {
        /// Live: transcriptions run while reading goes on; each result is applied once it and
        /// every earlier one are in. Derived events wait `quietAfterIdentified` nanoseconds after
        /// the session opens: AudioHook clients (and the reference suite) expect the first server
        /// message after `opened` to answer their own first request.
        case concurrent(quietAfterIdentified: UInt64)
        /// Offline: each transcription is applied before the next record is read, and a failed
        /// one ends the run with its error.
        case lockstep
    }

    /// Bounds on what may queue inside a session before the transport is read no further.
    public struct Limits: Sendable {
        public var maxQueuedInboundBytes: Int
        public var maxQueuedTranscriptions: Int
        public init(maxQueuedInboundBytes: Int, maxQueuedTranscriptions: Int) {
            (self.maxQueuedInboundBytes, self.maxQueuedTranscriptions) = (maxQueuedInboundBytes, maxQueuedTranscriptions)
        }
        public static let unbounded = Limits(maxQueuedInboundBytes: .max, maxQueuedTranscriptions: .max)
    }

    public struct Outcome: Sendable {
        public var reducer: SessionReducer
        /// The session's journal, when it had a recorder that could create one.
        public var journal: SessionRecording?
        /// What `project` wrote (the session's CSV), if it ran and wrote anything.
        public var projected: URL?
        public var storageFailure: JournalError?
        /// Requests whose results were never applied: the shutdown deadline or a storage failure came first.
        public var abandonedTranscriptions = 0
        public var appliedTranscriptions = 0
        /// `closed` went out before the last results (the close lateness ran out); the CSV was
        /// then derived from the journal.
        public var closedEarly = false
        /// Derived events that were not sent live because they came after the close lateness.
        public var eventsWithheld = 0
        /// Derived events sent live.
        public var eventsSent = 0
        /// Inbound text and binary records handled.
        public var inbound = 0
        /// The session was ended politely at the server's drain deadline.
        public var endedForDrain = false
        /// The transport-closed record the session ended with.
        public var end: JournalRecord?
    }

    /// What the loop reacts to, from the transport reader, the transcriptions and `SessionControl`.
    enum Input: Sendable {
        case record(JournalRecord)
        case transcribed(id: Int, Result<Transcription, any Error>)
        case storageFailed(JournalError)
        case shutdownDeadline
        case closeLatenessPassed
        case drainDeadline
    }

    /// Live-only settings for a session under load.
    public struct Overload: Sendable {
        /// After the client's `close`, `closed` is sent within this many nanoseconds; events
        /// that would come later are not sent live (nil: `closed` waits for every result).
        public var closeLateness: UInt64?
        /// Derives the CSV of a session closed early from its journal (without it, such a
        /// session's CSV is left to `tapedeck regenerate`).
        public var rederive: Rederive?
        public var meter: (any SessionLoadMeter)?
        public var counters: OverloadCounters?
        public init(closeLateness: UInt64? = nil, rederive: Rederive? = nil, meter: (any SessionLoadMeter)? = nil,
                    counters: OverloadCounters? = nil) {
            (self.closeLateness, self.rederive, self.meter, self.counters) = (closeLateness, rederive, meter, counters)
        }
    }

    public typealias Project = @Sendable (SessionReducer, SessionHeader, URL) throws -> URL?

    private var reducer: SessionReducer
    private let transport: any SessionTransport
    private let transcriber: (any Transcriber)?
    private let recorder: (any SessionRecorder)?
    private let clock: any SessionClock
    private let scheduling: Scheduling
    private let control: SessionControl
    private let gate: InboundGate
    private let maxQueuedTranscriptions: Int
    private let logger: Logger
    private let project: Project?
    private let overload: Overload

    private var outcome: Outcome
    /// When the reducer first said the session is identified (it says so once per session).
    private var identifiedAt: UInt64?
    /// The client is gone (or we closed on it): nothing more is sent.
    private var clientGone = false
    private var ended = false
    private var deadlinePassed = false
    private var pending = 0
    private var closeTimerArmed = false
    /// Every live transcription, kept for the offline derivation of a session closed early.
    private var live: [Int: HandoverTranscriber.Live] = [:]
    private var submit: AsyncStream<(id: Int, due: UInt64?, task: Task<Transcription, any Error>)>.Continuation?

    public init(reducer: SessionReducer, transport: any SessionTransport, transcriber: (any Transcriber)?,
                recorder: (any SessionRecorder)? = nil, clock: any SessionClock = SystemClock(),
                scheduling: Scheduling, limits: Limits = .unbounded, control: SessionControl = SessionControl(),
                logger: Logger = Logger(label: "tapedeck.session"), project: Project? = nil, overload: Overload = Overload()) {
        self.reducer = reducer
        self.transport = transport
        self.transcriber = transcriber
        self.recorder = recorder
        self.clock = clock
        self.scheduling = scheduling
        self.control = control
        // The reader is held by bytes only; audio beyond the transcription bound waits in the
        // loop (`deferred`), so a `close` behind it is still read and answered on time.
        self.gate = InboundGate(maxBytes: limits.maxQueuedInboundBytes)
        self.maxQueuedTranscriptions = limits.maxQueuedTranscriptions
        self.logger = logger
        self.project = project
        self.overload = overload
        outcome = Outcome(reducer: reducer)
    }

    /// Runs the session to its end. Only `.lockstep` throws: a transcription that failed.
    public func run() async throws -> Outcome {
        switch scheduling {
        case .concurrent(let quiet): await runConcurrently(quiet: quiet)
        case .lockstep: try await runInLockstep()
        }
        return await finish()
    }

    // MARK: Scheduling

    private func runInLockstep() async throws {
        while !ended {
            try await handle(await transport.receive())
        }
    }

    private func runConcurrently(quiet: UInt64) async {
        let (submissions, submit) = AsyncStream<(id: Int, due: UInt64?, task: Task<Transcription, any Error>)>.makeStream()
        self.submit = submit
        let (transport, gate, control, clock) = (self.transport, self.gate, self.control, self.clock)
        let reader = Task {
            while true {
                await gate.waitForRoom()
                let record = await transport.receive()
                if record.type != .transportClosed { gate.received(bytes: record.payload.count) }
                control.yield(.record(record))
                if record.type == .transportClosed { return }
            }
        }
        // Awaits transcriptions in request order, so the reducer sees results in that order.
        let deliverer = Task {
            for await (id, due, task) in submissions {
                let result = await task.result
                if let due {
                    let now = clock.monotonicNanoseconds()
                    if now < due { await clock.sleep(nanoseconds: due - now) }
                }
                control.yield(.transcribed(id: id, result))
            }
        }
        // Audio received while this session's transcriptions are at their bound: handled, in
        // order, as they finish, or at once when anything else (a `close`, the end) comes after it.
        var deferred: [JournalRecord] = []
        for await input in control.inbox {
            switch input {
            case .record(let record):
                if record.type == .inboundBinary, !deferred.isEmpty || pending >= maxQueuedTranscriptions, !deadlinePassed {
                    deferred.append(record)
                    continue
                }
                for held in deferred { await handleCounted(held) }
                deferred = []
                await handleCounted(record)
            case .transcribed(let id, let result):
                pending -= 1
                await apply(result, to: id)
                while !deferred.isEmpty, pending < maxQueuedTranscriptions { await handleCounted(deferred.removeFirst()) }
            case .storageFailed(let error):
                await endForStorage(error)
            case .shutdownDeadline:
                deadlinePassed = true
                gate.openForGood()
            case .closeLatenessPassed:
                await closeNow()
            case .drainDeadline:
                // Audio received before the decision is handled (and journaled) before it.
                for held in deferred { await handleCounted(held) }
                deferred = []
                await endForDrain()
            }
            armCloseTimer()
            // A session whose journal failed derives nothing more, and one past the shutdown
            // deadline waits no longer: their remaining transcriptions are not waited for. One
            // closed early leaves them to its offline derivation.
            if ended && (pending == 0 || outcome.storageFailure != nil || deadlinePassed || outcome.closedEarly) { break }
        }
        submit.finish()
        control.finish()
        gate.openForGood()
        _ = await reader.value
        if pending > 0, outcome.closedEarly, !deadlinePassed, outcome.storageFailure == nil {
            logger.notice("the session was closed before its last transcriptions; its CSV is derived from the journal once they are in",
                          metadata: ["outstanding": "\(pending)"])
        } else if pending > 0 {
            outcome.abandonedTranscriptions = pending
            logger.warning("the session ended before every utterance was transcribed; the journal is sealed and `tapedeck regenerate` writes the CSV from it",
                           metadata: ["outstanding": "\(pending)"])
        } else {
            await deliverer.value
        }
    }

    /// Handles a record the reader passed through the gate; its bytes leave the gate's count.
    private func handleCounted(_ record: JournalRecord) async {
        defer { if record.type != .transportClosed { gate.handled(bytes: record.payload.count) } }
        try? await handle(record)
    }

    /// A live result, in request order. A failed transcription keeps the order going: the
    /// utterance is left without text (a replay shows the difference).
    private func apply(_ result: Result<Transcription, any Error>, to id: Int) async {
        let transcription: Transcription
        switch result {
        case .success(let value):
            transcription = value
        case .failure(let error):
            logger.error("speech recognition failed", metadata: ["utterance": "\(id)", "error": "\(error)"])
            transcription = Transcription(text: "", language: "", languageProbability: 0, noSpeechProbability: 1,
                                          averageLogProbability: 0, words: [])
        }
        outcome.appliedTranscriptions += 1
        try? await perform(reducer.reduce(.transcribed(id: id, transcription)))
    }

    // MARK: The effect loop

    private func handle(_ record: JournalRecord) async throws {
        switch record.type {
        case .transportClosed:
            ended = true
            clientGone = true
            outcome.end = record
        case .inboundText, .inboundBinary:
            outcome.inbound += 1
        default:
            break
        }
        // After a storage failure nothing is kept or answered: the client was told.
        guard outcome.storageFailure == nil else { return }
        await recorder?.append(record.type, receivedAt: record.receivedAt, payload: record.payload)
        let before = reducer.duration
        try await perform(reducer.reduce(.record(record)))
        if let meter = overload.meter, reducer.duration > before { meter.add(callSeconds: reducer.duration - before, utteranceSeconds: 0) }
    }

    // MARK: Drain

    /// The drain deadline (live only): the decision is journaled, then reduced, through the
    /// same path as an inbound record, so the journal holds it where the reducer saw it. Offline
    /// the journal transport hands the recorded decision to `handle` itself.
    private func endForDrain() async {
        guard !ended, !clientGone, !outcome.endedForDrain, outcome.storageFailure == nil else { return }
        outcome.endedForDrain = true
        logger.notice("drain deadline: ending the session politely")
        try? await handle(ServerDecision.drainDeadline.record(at: clock.wallMicroseconds()))
    }

    // MARK: Close lateness

    /// Starts the close lateness once the client's `close` waits for transcriptions (live only).
    private func armCloseTimer() {
        guard case .concurrent = scheduling, let lateness = overload.closeLateness, !closeTimerArmed,
              reducer.awaitsCloseAnswer, !clientGone else { return }
        closeTimerArmed = true
        let (clock, control) = (self.clock, self.control)
        Task {
            await clock.sleep(nanoseconds: lateness)
            control.yield(.closeLatenessPassed)
        }
    }

    /// The lateness ran out with results still to come: `closed` now, no more events live.
    private func closeNow() async {
        guard reducer.awaitsCloseAnswer, !clientGone, outcome.storageFailure == nil else { return }
        outcome.closedEarly = true
        logger.notice("answering close before the last transcriptions: their events are not sent live",
                      metadata: ["outstanding": "\(pending)"])
        try? await perform(reducer.reduce(.answerCloseNow))
    }

    private func perform(_ effects: [SessionEffect]) async throws {
        for effect in effects {
            switch effect {
            case .send(let text):
                await send(.reply(text))
            case .event(let text):
                if await send(.event(text)) { outcome.eventsSent += 1 }
            case let .identified(sessionId, details):
                guard identifiedAt == nil else { continue }
                identifiedAt = clock.monotonicNanoseconds()
                await recorder?.identified(sessionId: sessionId, negotiated: details)
            case .transcribe(let request):
                guard let transcriber else { continue }
                switch scheduling {
                case .lockstep:
                    let result = try await transcriber.transcribe(request)
                    outcome.appliedTranscriptions += 1
                    try await perform(reducer.reduce(.transcribed(id: request.id, result)))
                case .concurrent(let quiet):
                    pending += 1
                    let due = identifiedAt.map { $0 &+ quiet }
                    let task = Task { try await transcriber.transcribe(request) }
                    var placed = request
                    placed.samples = []
                    live[request.id] = .init(request: placed, task: task)
                    overload.meter?.add(callSeconds: 0, utteranceSeconds: Double(request.samples.count) / Double(AudioStage.outputRate))
                    submit?.yield((request.id, due, task))
                }
            case .violation(let what):
                logger.notice("protocol violation answered", metadata: ["violation": "\(what)"])
            }
        }
    }

    /// Sends and keeps a protocol reply or a derived event; whether it was sent.
    @discardableResult
    private func send(_ message: OutboundMessage) async -> Bool {
        guard !clientGone else { return false }
        guard await transport.send(message) else {
            clientGone = true  // derivation goes on for the journal and CSV
            return false
        }
        guard outcome.storageFailure == nil else { return true }
        let type: RecordType
        switch message {
        case .reply: type = .outbound
        case .event: type = .outboundEvent
        }
        await recorder?.append(type, receivedAt: clock.wallMicroseconds(), payload: Array(message.text.utf8))
        return true
    }

    /// The journal cannot be written: a session we cannot keep is ended at once with the
    /// protocol's error (seed `error` then close 1011; AudioHook `disconnect` reason `error`),
    /// rather than carried on with nothing recorded.
    private func endForStorage(_ error: JournalError) async {
        guard outcome.storageFailure == nil else { return }
        outcome.storageFailure = error
        await recorder?.abandon()
        logger.error("the session's journal cannot be written: ending the session", metadata: ["error": "\(error)"])
        let message = "the server cannot record this session (journal storage unavailable); try again later"
        for case .send(let text) in reducer.reduce(.serverFailure(message)) where !clientGone {
            if !(await transport.send(.reply(text))) { clientGone = true }
        }
        if !clientGone {
            clientGone = true
            await transport.closeForServerFailure(reason: "journal storage unavailable")
        }
    }

    private func finish() async -> Outcome {
        outcome.reducer = reducer
        outcome.journal = await recorder?.close(receivedAt: clock.wallMicroseconds())
        if let failure = outcome.journal?.failure {
            logger.error("cannot close the session journal", metadata: ["error": "\(failure)"])
        }
        // A journal that failed holds only part of the session, and one cut short by the
        // shutdown deadline lacks transcriptions: no CSV from either (regenerate writes it from
        // the journal once the disk is repaired or the server is back).
        if outcome.closedEarly {
            await completeFromJournal()
        } else if let project, let journal = outcome.journal, outcome.storageFailure == nil, outcome.abandonedTranscriptions == 0 {
            do {
                outcome.projected = try project(reducer, journal.header, journal.url)
            } catch {
                logger.error("cannot write the session's CSV files; `tapedeck regenerate` can write them from the journal",
                             metadata: ["error": "\(error)"])
            }
        }
        live = [:]
        return outcome
    }

    /// A session closed early gets its CSV the way `tapedeck regenerate` would write it: derived
    /// from the sealed journal, in lockstep, with the live results handed over.
    private func completeFromJournal() async {
        guard let journal = outcome.journal, journal.failure == nil, outcome.storageFailure == nil,
              outcome.abandonedTranscriptions == 0, let rederive = overload.rederive else {
            logger.warning("the session was closed early and its CSV is not derived now; `tapedeck regenerate` writes it from the journal")
            return
        }
        do {
            let run = try await rederive(journal.url, HandoverTranscriber(live: live, control: control))
            outcome.eventsWithheld = max(0, run.derivedEvents.count - outcome.eventsSent)
            overload.counters?.closedEarly(withholding: outcome.eventsWithheld)
            logger.notice("closed early: events not sent live, CSV derived from the journal",
                          metadata: ["withheld": "\(outcome.eventsWithheld)", "sent": "\(outcome.eventsSent)"])
            outcome.reducer = run.reducer
            if let project { outcome.projected = try project(run.reducer, run.header, journal.url) }
        } catch {
            logger.error("cannot derive the CSV of a session closed early; `tapedeck regenerate` can write it from the journal",
                         metadata: ["error": "\(error)"])
        }
    }
}
