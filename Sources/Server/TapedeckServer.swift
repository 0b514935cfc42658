import Foundation
import Journal
import HTTPTypes
import Pipeline
import Recognition
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Builds the Hummingbird application: the stream endpoint and a health check.
public enum TapedeckServer {
    /// Derived events wait this long after `opened`: AudioHook clients (and the reference suite)
    /// expect the first server message after `opened` to be the answer to their first request.
    static let quietAfterOpened: UInt64 = 1_000_000_000

    /// The product: sessions transcribed on `recognition`, analysed, and written as CSV under
    /// the configuration's results directory when they end. Without an engine in `environment`
    /// (`--no-transcription`, and the transport tests) sessions are journaled and answered only.
    public static func makeApplication(
        configuration: ServerConfiguration,
        store: KeyStore,
        environment: SessionEnvironment = .protocolOnly,
        recognition: RecognitionWorkerPool? = nil,
        verifySignature: @escaping @Sendable (Request, [UInt8], String) -> Bool,
        logger: Logger = Logger(label: "tapedeck"),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        onSessionEnd: @escaping @Sendable (URL?) async -> Void = { _ in },
        overloadCounters: OverloadCounters = OverloadCounters(),
        metrics: ServerMetrics = ServerMetrics(),
        live: LiveSessions = LiveSessions(),
        indexing: (any SessionIndexing)? = nil,
        shipJournal: (@Sendable (_ journal: URL, _ offset: Int, _ bytes: [UInt8]) -> Void)? = nil,
        drain: NodeDrain = NodeDrain(),
        controlPlaneProblem: @escaping @Sendable () -> String? = { nil },
        addRoutes: (Router<WebRequestContext>) -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let projector = Projector(root: configuration.resultsDirectory)
        let project: SessionDriver.Project = { reducer, header, journal in
            // A protocol-only server derives nothing worth a CSV; `tapedeck regenerate` writes
            // them from the journals later.
            guard environment.engine != nil else { return nil }
            let session = DerivedSession(header: header, reducer: reducer)
            return session.producesCSV ? try projector.write(session, journal: journal) : nil
        }
        let authenticator = Authenticator(store: store, verifySignature: verifySignature)
        let sessions = SessionSlots(limit: configuration.maxConcurrentSessions, onFree: { drain.sessionEnded() })
        drain.watch(openSessions: { sessions.current })
        let shutdown = ShutdownSignal()
        let storage = StorageHealth(directory: configuration.journalDirectory, minimumFreeBytes: configuration.minFreeJournalBytes)
        let meter = recognition.map { CapacityMeter(pool: $0, settings: configuration.admission) }
        // A session closed before its last results gets its CSV as `regenerate` would write it.
        let rederive: Rederive = { url, transcriber in
            try await SessionRunner.run(url, environment: environment, key: configuration.journalKey, transcriber: transcriber)
        }
        let overload = SessionDriver.Overload(
            closeLateness: configuration.closeLatenessSeconds.map { UInt64(max(0, $0) * 1e9) },
            rederive: rederive, meter: meter, counters: overloadCounters)

        let router = Router(context: WebRequestContext.self)
        // Liveness: the process answers. Readiness: it can take a session and keep it.
        router.get("/health") { _, _ in "ok\n" }
        router.get("/ready") { _, _ -> Response in
            let (journal, space) = await storage.probe()
            let readiness = Readiness(drain: drain.phase, journal: journal, space: space, transcription: environment.engine != nil,
                                      backlog: recognition?.pending, backlogLimit: configuration.maxTranscriptionBacklog,
                                      sessions: sessions.current, sessionLimit: configuration.maxConcurrentSessions,
                                      admission: meter?.decide(), controlPlane: controlPlaneProblem())
            return readiness.response
        }
        // Prometheus text; counts only, nothing of any organization.
        router.get("/metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render(queueDepth: recognition?.pending, overload: overloadCounters))))
        }
        // Other HTTP pages on the same port (the operator console), mounted by the caller.
        addRoutes(router)

        let streamRouter = Router(context: StreamRequestContext.self)
        // Unauthenticated clients get their 401 before anything below learns of them.
        streamRouter.add(middleware: AuthenticationMiddleware(authenticator: authenticator))
        streamRouter.ws(RouterPath(configuration.streamPath)) { request, context in
            // A draining node takes no new calls; the balancer (which reads `/ready`) sends them
            // elsewhere, and a client that reaches us anyway is told when to try again.
            if drain.isDraining {
                context.logger.info("draining: refusing a new session")
                RetryAfterHints.shared.set(configuration.admission.retryAfterSeconds, for: context.channel)
                UpgradeRefusals.shared.refuse(context.channel, with: .serviceUnavailable)
                return .dontUpgrade
            }
            if let problem = storage.problem {
                context.logger.error("journal storage unavailable: refusing a new session", metadata: ["problem": "\(problem)"])
                UpgradeRefusals.shared.refuse(context.channel, with: .serviceUnavailable)
                return .dontUpgrade
            }
            if let space = storage.lowSpace {
                context.logger.error("journal disk below its free-space minimum: refusing a new session",
                                     metadata: ["problem": "\(space.problem ?? "")"])
                UpgradeRefusals.shared.refuse(context.channel, with: .serviceUnavailable)
                return .dontUpgrade
            }
            if let recognition, recognition.pending >= configuration.maxTranscriptionBacklog {
                context.logger.warning("speech recognition is behind: refusing a new session",
                                       metadata: ["queued": "\(recognition.pending)", "limit": "\(configuration.maxTranscriptionBacklog)"])
                UpgradeRefusals.shared.refuse(context.channel, with: .serviceUnavailable)
                return .dontUpgrade
            }
            // Reserved here, in the same decision as the 101, so a burst cannot be granted
            // more upgrades than there are sessions, or than the measured capacity carries.
            let admission = meter?.decide()
            guard !shutdown.isShuttingDown, let slot = sessions.reserve(capacity: admission?.maxSessions ?? .max) else {
                if let admission, sessions.current < configuration.maxConcurrentSessions, !shutdown.isShuttingDown {
                    overloadCounters.refusedForCapacity()
                    context.logger.warning("no capacity for another session: refusing it", metadata: ["why": "\(admission.reason)"])
                    RetryAfterHints.shared.set(admission.retryAfter, for: context.channel)
                }
                UpgradeRefusals.shared.refuse(context.channel, with: .serviceUnavailable)
                return .dontUpgrade
            }
            context.slot.hold(slot, until: context.channel)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let slot = context.requestContext.slot.take(), slot.claim() else { return }
            defer { slot.release() }
            guard let facts = context.requestContext.connection else { return }
            var sessionLogger = context.logger
            sessionLogger[metadataKey: "org"] = "\(facts.organization)"
            sessionLogger[metadataKey: "key"] = "\(facts.keyId)"
            let channel = context.requestContext.channel
            let controls = TransportControls(
                record: ConnectionRecords.shared.record(for: channel) ?? ConnectionRecord(),
                shutdown: shutdown,
                drop: { channel.close(promise: nil) })
            let clock = SystemClock()
            let control = SessionControl()
            let recorder = SessionJournal(
                settings: .init(root: configuration.journalDirectory, sync: configuration.journalSync, key: configuration.journalKey,
                                maxQueuedBytes: configuration.maxQueuedJournalBytes, onWritten: shipJournal),
                facts: facts, components: environment.components,
                onFailure: { error in
                    storage.reportFailure(error)
                    control.storageFailed(error)
                })
            // At the drain deadline the session is ended politely; `control` journals the decision.
            let drainRegistration = drain.onDeadline { control.drainDeadline() }
            defer { drain.remove(drainRegistration) }
            var observation = SessionObservation(metrics: metrics, live: live, organization: facts.organization,
                                                 dialect: facts.dialect, startedAt: Date())
            if let indexing {
                let startedAt = wallClockMicroseconds()
                observation.onIdentified = { sessionId, language in
                    guard let journal = await recorder.journalURL else { return }
                    await indexing.started(organization: facts.organization, sessionId: sessionId, dialect: facts.dialect,
                                           language: language, journal: journal, startedAt: startedAt)
                }
            }
            let transport = WebSocketTransport(inbound: inbound, outbound: outbound, configuration: configuration,
                                               controls: controls, clock: clock)
            let driver = SessionDriver(
                reducer: SessionReducer(facts: facts, environment: environment), transport: observation.transport(transport),
                transcriber: observation.transcriber(recognition.map(PoolTranscriber.init)), recorder: observation.recorder(recorder), clock: clock,
                scheduling: .concurrent(quietAfterIdentified: Self.quietAfterOpened),
                limits: .init(maxQueuedInboundBytes: configuration.maxQueuedInboundBytes,
                              maxQueuedTranscriptions: configuration.maxQueuedTranscriptions),
                control: control, logger: sessionLogger, project: project, overload: overload)
            // The connection's handler is cancelled on shutdown; the session must still drain its
            // transcriptions, journal the end and write its CSV, so it runs in its own task.
            let url = await Task {
                await transport.start(control: control)
                let outcome = try? await driver.run()
                await transport.stop()
                observation.ended(outcome?.end)
                return outcome?.journal?.url
            }.value
            if let url, let indexing { await indexing.ended(journal: url) }
            await onSessionEnd(url)
        }

        let webSocket = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(additionalChannelHandlers: [RefusalStatusHandler(onRefusal: { metrics.refused(status: $0) })], idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds))),
            ws: .init(maxFrameSize: configuration.maxFrameSize, autoPing: .enabled(timePeriod: .seconds(30)),
                      closeTimeout: .nanoseconds(Int64(configuration.closeReplyTimeoutSeconds * 1e9)))
        )
        let tls = try configuration.tlsCertificate.flatMap { certificate -> TLSConfiguration? in
            guard let privateKey = configuration.tlsPrivateKey else { return nil }
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .file(privateKey))
        }
        let limits = ConnectionLimits(configuration)
        let webSocketResponder = streamRouter.buildResponder()
        let server = HTTPServerBuilder { responder in
            let guarded = GuardedChannel(
                base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: webSocket),
                limits: limits, shutdown: shutdown)
            guard let tls else { return guarded }
            return try TLSChannel(guarded, tlsConfiguration: tls)
        }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tapedeck"),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }
}
