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

/// Counts live sessions so the server can refuse new ones (503) beyond its limit.
final class SessionCounter: Sendable {
    private let count = NIOLockedValueBox(0)
    let limit: Int
    init(limit: Int) { self.limit = limit }
    func tryEnter() -> Bool { count.withLockedValue { if $0 >= limit { return false }; $0 += 1; return true } }
    func leave() { count.withLockedValue { $0 -= 1 } }
    var current: Int { count.withLockedValue { $0 } }
}

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
        onSessionEnd: @escaping @Sendable (URL?) async -> Void = { _ in }
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
            verifySignature: verifySignature, logger: logger, onServerRunning: onServerRunning, onSessionEnd: onSessionEnd)
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
        onSessionEnd: @escaping @Sendable (URL?) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let authenticator = Authenticator(store: store, verifySignature: verifySignature)
        let sessions = SessionCounter(limit: configuration.maxConcurrentSessions)
        let storage = StorageHealth(directory: configuration.journalDirectory)

        let router = Router()
        // Liveness: the process answers. Readiness: it can take a session and keep it.
        router.get("/health") { _, _ in "ok\n" }
        router.get("/ready") { _, _ -> Response in
            let readiness = Readiness(journal: await storage.probe(), transcription: environment.engine != nil,
                                      backlog: recognition?.pending, backlogLimit: configuration.maxTranscriptionBacklog,
                                      sessions: sessions.current, sessionLimit: configuration.maxConcurrentSessions)
            return readiness.response
        }

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
                guard sessions.tryEnter() else {
                    UpgradeRefusals.shared.refuse(context.channel, with: .serviceUnavailable)
                    return .dontUpgrade
                }
                sessions.leave()  // counted for real once the session runs
                return .upgrade([:])
            }
        } onUpgrade: { inbound, outbound, context in
            guard case .accepted(_, let facts) = authenticator.authenticate(context.request) else { return }
            guard sessions.tryEnter() else { return }
            defer { sessions.leave() }
            var sessionLogger = context.logger
            sessionLogger[metadataKey: "org"] = "\(facts.organization)"
            sessionLogger[metadataKey: "key"] = "\(facts.keyId)"
            let session = LiveSession<Core>(facts: facts, configuration: configuration, environment: environment, pool: recognition,
                                            storage: storage, logger: sessionLogger, finishSession: project)
            let url = await session.run(inbound: inbound, outbound: outbound)
            await onSessionEnd(url)
        }

        let webSocket = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(additionalChannelHandlers: [RefusalStatusHandler()], idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds))),
            ws: .init(maxFrameSize: configuration.maxFrameSize, autoPing: .enabled(timePeriod: .seconds(30)))
        )
        var server = HTTPServerBuilder.http1WebSocketUpgrade(webSocketRouter: streamRouter, configuration: webSocket)
        if let certificate = configuration.tlsCertificate, let privateKey = configuration.tlsPrivateKey {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .file(privateKey))
            server = try .tls(server, tlsConfiguration: tls)
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
