import Foundation
import Pipeline
import Recognition
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Builds the Hummingbird application: the stream endpoint and a health check.
public enum TapedeckServer {
    /// The product: sessions transcribed on `recognition`, analysed, and written as CSV under
    /// the configuration's results directory when they end.
    public static func makeApplication(
        configuration: ServerConfiguration,
        store: KeyStore,
        environment: SessionEnvironment,
        recognition: RecognitionWorkerPool?,
        verifySignature: @escaping @Sendable (Request, [UInt8], String) -> Bool,
        logger: Logger = Logger(label: "tapedeck"),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        onSessionEnd: @escaping @Sendable (URL?) async -> Void = { _ in },
        addRoutes: (Router<WebRequestContext>) -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let projector = Projector(root: configuration.resultsDirectory)
        return try makeApplication(
            configuration: configuration, store: store, core: SessionReducer.self, environment: environment, recognition: recognition,
            project: { reducer, header, journal in
                // A protocol-only server (`--no-transcription`) derives nothing worth a CSV;
                // `tapedeck regenerate` writes them from the journals later.
                guard environment.engine != nil else { return nil }
                let session = DerivedSession(header: header, reducer: reducer)
                return session.producesCSV ? try projector.write(session, journal: journal) : nil
            },
            verifySignature: verifySignature, logger: logger, onServerRunning: onServerRunning, onSessionEnd: onSessionEnd,
            addRoutes: addRoutes)
    }

    public static func makeApplication<Core: SessionCore>(
        configuration: ServerConfiguration,
        store: KeyStore,
        core: Core.Type,
        environment: SessionEnvironment = .protocolOnly,
        recognition: RecognitionWorkerPool? = nil,
        project: @escaping @Sendable (Core, SessionHeader, URL) throws -> URL? = { _, _, _ in nil },
        verifySignature: @escaping @Sendable (Request, [UInt8], String) -> Bool,
        logger: Logger = Logger(label: "tapedeck"),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        onSessionEnd: @escaping @Sendable (URL?) async -> Void = { _ in },
        addRoutes: (Router<WebRequestContext>) -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let authenticator = Authenticator(store: store, verifySignature: verifySignature)
        let sessions = SessionSlots(limit: configuration.maxConcurrentSessions)
        let shutdown = ShutdownSignal()
        let storage = StorageHealth(directory: configuration.journalDirectory)

        let router = Router(context: WebRequestContext.self)
        // Liveness: the process answers. Readiness: it can take a session and keep it.
        router.get("/health") { _, _ in "ok\n" }
        router.get("/ready") { _, _ -> Response in
            let readiness = Readiness(journal: await storage.probe(), transcription: environment.engine != nil,
                                      backlog: recognition?.pending, backlogLimit: configuration.maxTranscriptionBacklog,
                                      sessions: sessions.current, sessionLimit: configuration.maxConcurrentSessions)
            return readiness.response
        }
        // Other HTTP pages on the same port (the operator console), mounted by the caller.
        addRoutes(router)

        let streamRouter = Router(context: StreamRequestContext.self)
        streamRouter.ws(RouterPath(configuration.streamPath)) { request, context in
            switch authenticator.authenticate(request) {
            case .refused(let reason):
                // The reason is for the server log; the client only learns "401".
                context.logger.notice("refused stream connection", metadata: ["reason": "\(reason)", "peer": "\(context.channel.remoteAddress?.description ?? "?")"])
                UpgradeRefusals.shared.refuse(context.channel, with: .unauthorized)
                return .dontUpgrade
            case .accepted:
                if let problem = storage.problem {
                    context.logger.error("journal storage unavailable: refusing a new session", metadata: ["problem": "\(problem)"])
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
                // more upgrades than there are sessions.
                guard !shutdown.isShuttingDown, let slot = sessions.reserve() else {
                    UpgradeRefusals.shared.refuse(context.channel, with: .serviceUnavailable)
                    return .dontUpgrade
                }
                context.slot.hold(slot, until: context.channel)
                return .upgrade([:])
            }
        } onUpgrade: { inbound, outbound, context in
            guard let slot = context.requestContext.slot.take(), slot.claim() else { return }
            defer { slot.release() }
            guard case .accepted(_, let facts) = authenticator.authenticate(context.request) else { return }
            var sessionLogger = context.logger
            sessionLogger[metadataKey: "org"] = "\(facts.organization)"
            sessionLogger[metadataKey: "key"] = "\(facts.keyId)"
            let channel = context.requestContext.channel
            let transport = TransportControls(
                record: ConnectionRecords.shared.record(for: channel) ?? ConnectionRecord(),
                shutdown: shutdown,
                drop: { channel.close(promise: nil) })
            let session = LiveSession<Core>(facts: facts, configuration: configuration, environment: environment, pool: recognition,
                                            storage: storage, logger: sessionLogger, transport: transport, finishSession: project)
            let url = await session.run(inbound: inbound, outbound: outbound)
            await onSessionEnd(url)
        }

        let webSocket = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(additionalChannelHandlers: [RefusalStatusHandler()], idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds))),
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
