import ArgumentParser
import Console
import ControlPlane
import Foundation
import Hummingbird
import Journal
import Logging
import Pipeline
import Recognition
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the speech analytics server (WebSocket endpoint for the seed and AudioHook dialects).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "WebSocket path.") var path = "/v1/stream"
    @Option(help: "Journal directory.") var journal = "journal"
    @Option(help: "Data directory (API keys, master key).") var data = "data"
    @OptionGroup var controlPlane: ControlPlaneOptions
    @Option(help: "This node's name in the control plane's node registry and session index (default: the host name and port).") var node: String?
    @Option(help: "With a shared control plane: seconds without a heartbeat after which another node finishes a node's sessions.") var orphanAfter = 30.0
    @Option(help: "With a shared control plane: seconds the node's cached keys are trusted without hearing from PostgreSQL before /ready says 503.") var keyCacheSeconds = 300.0
    @Option(help: "Results directory (CSV files).") var results = "results"
    @Option(help: "TLS certificate chain (PEM) for wss://.") var tlsCert: String?
    @Option(help: "TLS private key (PEM) for wss://.") var tlsKey: String?
    @Option(help: "Journal sync policy: always, interval, interval:<seconds>:<bytes>, never.") var journalSync = "interval"
    @Option(help: "Server journal key file ('<key-id>:<hex secret>') to HMAC journal footers.") var journalKeyFile: String?
    @Option(help: "Largest WebSocket frame/message in bytes.") var maxFrameSize = 1 << 16
    @Option(help: "Seconds without client traffic before a session is closed.") var idleTimeout = 60.0
    @Option(help: "Most concurrent sessions; more are refused with 503.") var maxSessions = 256
    @Option(help: "Seconds a connection may take to send its HTTP request head (then 408 and closed).") var requestHeadTimeout = 10.0
    @Option(help: "Largest HTTP request head in bytes (larger: 431 and closed).") var maxHeaderBytes = 16 * 1024
    @Option(help: "Seconds a client may leave what we send unread before it is disconnected (1008).") var writeStallTimeout = 10.0
    @Option(help: "Seconds to wait for the client's reply to our close frame before dropping the connection.") var closeTimeout = 5.0
    @Option(help: "Seconds the last sessions get to finish once told to end (after the drain deadline, then again after the 1001 close); journals are sealed either way.") var shutdownTimeout = 10.0
    @Option(help: "Seconds a drain (SIGTERM/SIGINT) waits for open calls to end on their own before ending them politely (AudioHook disconnect 'completed', seed closed). A second signal ends them at once.") var drainDeadline = 300.0
    @Option(help: "Refuse new sessions and answer /ready 503 while the journal disk has fewer than this many MB free.") var minFreeDisk: UInt64 = 1024
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @OptionGroup var engine: EngineArguments
    @Option(help: "Utterances transcribed at the same time (default: one per CPU core).") var workers: Int?
    @Option(help: "Matrix threads per transcription.") var threads = 1
    @Option(help: "Numeric kernels: portable (OpenBLAS Haswell + AVX2: every journal replays on any x86-64-v3 machine) or native (the fastest this CPU has, e.g. AVX-512; replayable only where those run). Recorded in each journal header. Default: portable, or OPENBLAS_CORETYPE when set.")
    var kernels: KernelPolicy?
    @Flag(help: "Answer the protocol only: no speech recognition, analysis or CSV files.") var noTranscription = false
    @Option(help: "Refuse new sessions (503) while this many transcriptions are queued or running.") var maxBacklog = 64
    @Option(help: "Cores transcription may use, for admission (default: the workers, at most one per core).") var capacityCores: Double?
    @Option(help: "Share of those cores the open sessions may need before new ones are refused.") var capacityUtilization = 0.9
    @Option(help: "CPU-seconds a call second is assumed to cost until 30 s have been measured.") var assumedCallCost = 0.25
    @Option(help: "Refuse new sessions while transcription is this many seconds of work per core behind.") var maxBehind = 10.0
    @Option(help: "Least Retry-After (seconds) sent with a 503.") var retryAfter = 15
    @Option(help: "Seconds after a client's close within which closed is sent; later events are not sent live.") var closeLateness = 1.5
    @Flag(help: "closed waits for every transcription, however long (no close lateness).") var closeWaitsForResults = false

    func validate() throws {
        guard SyncPolicy(argument: journalSync) != nil else { throw ValidationError("--journal-sync must be always, interval, interval:<seconds>:<bytes> or never") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard (1...65535).contains(port) || port == 0 else { throw ValidationError("--port must be 1-65535") }
        guard maxFrameSize >= 1024 else { throw ValidationError("--max-frame-size must be at least 1024") }
        guard (1...64).contains(workers ?? 1), (1...64).contains(threads) else { throw ValidationError("--workers and --threads must be 1-64") }
        guard maxBacklog >= 1 else { throw ValidationError("--max-backlog must be at least 1") }
        guard (capacityCores ?? 1) > 0, capacityUtilization > 0, assumedCallCost >= 0, maxBehind > 0, retryAfter >= 1 else {
            throw ValidationError("--capacity-cores, --capacity-utilization, --max-behind and --retry-after must be positive, --assumed-call-cost not negative")
        }
        guard orphanAfter > 0, keyCacheSeconds > 0 else { throw ValidationError("--orphan-after and --key-cache-seconds must be positive numbers of seconds") }
        guard closeLateness >= 0 else { throw ValidationError("--close-lateness must be 0 or more seconds") }
        guard maxHeaderBytes >= 1024 else { throw ValidationError("--max-header-bytes must be at least 1024") }
        for (name, seconds) in [("--request-head-timeout", requestHeadTimeout), ("--write-stall-timeout", writeStallTimeout),
                                ("--close-timeout", closeTimeout), ("--shutdown-timeout", shutdownTimeout)] where !(seconds > 0) {
            throw ValidationError("\(name) must be a positive number of seconds")
        }
        guard drainDeadline >= 0, drainDeadline.isFinite else { throw ValidationError("--drain-deadline must be 0 or more seconds (0: end open calls politely at once)") }
        guard minFreeDisk <= UInt64.max >> 20 else { throw ValidationError("--min-free-disk is in MB; \(minFreeDisk) is more than any disk") }
    }

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.streamPath = path
        configuration.journalDirectory = URL(fileURLWithPath: journal)
        configuration.dataDirectory = URL(fileURLWithPath: data)
        configuration.resultsDirectory = URL(fileURLWithPath: results)
        configuration.tlsCertificate = tlsCert
        configuration.tlsPrivateKey = tlsKey
        configuration.journalSync = SyncPolicy(argument: journalSync) ?? .default
        configuration.journalKey = try journalKeyFile.map(JournalKeyFile.load)
        configuration.maxFrameSize = maxFrameSize
        configuration.idleTimeoutSeconds = idleTimeout
        configuration.maxConcurrentSessions = maxSessions
        configuration.maxTranscriptionBacklog = maxBacklog
        configuration.admission.cores = capacityCores
        configuration.admission.utilization = capacityUtilization
        configuration.admission.assumedCostPerCallSecond = assumedCallCost
        configuration.admission.maxBacklogSeconds = maxBehind
        configuration.admission.retryAfterSeconds = retryAfter
        configuration.closeLatenessSeconds = closeWaitsForResults ? nil : closeLateness
        configuration.requestHeadTimeoutSeconds = requestHeadTimeout
        configuration.maxRequestHeadBytes = maxHeaderBytes
        configuration.writeStallTimeoutSeconds = writeStallTimeout
        configuration.closeReplyTimeoutSeconds = closeTimeout
        configuration.shutdownTimeoutSeconds = shutdownTimeout
        configuration.drainDeadlineSeconds = drainDeadline
        configuration.minFreeJournalBytes = minFreeDisk << 20

        var logger = Logger(label: "tapedeck")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let location = try controlPlane.location(data: data)
        // Nodes sharing a control plane share keys and users, and journals signed by one are
        // verified by all: each must be given the same keys, never make its own.
        if location.isShared, configuration.journalKey == nil {
            throw ServerError.configuration("--journal-key-file is required with a shared control plane (\(location.displayName)): provision one journal key and give it to every node")
        }
        let opened = try await controlPlane.open(data: data, cacheKeys: true)
        let store = opened.keys
        let nodeName = node ?? "\(ProcessInfo.processInfo.hostName):\(port)"
        // A cluster keeps each session's CSVs in the control plane too (export and downloads from any node).
        let csvs = location.isShared ? try await SessionCSVs(backend: opened.backends.main) : nil
        // Opened once: each store migrates its tables when it is opened.
        let sessionIndex = try await opened.sessionIndex()
        let registry = try await opened.nodes()
        // A cluster keeps each journal in the control plane too: block by block as it is written
        // (the shipper, below), and whole once this node seals one by recovery.
        let blocks = location.isShared ? try await JournalBlocks(backend: opened.backends.main) : nil
        let index = NodeIndexing(index: sessionIndex, registry: registry, node: nodeName,
                                 journalRoot: configuration.journalDirectory, resultsRoot: configuration.resultsDirectory,
                                 journalKey: configuration.journalKey, csvs: csvs, blocks: blocks, logger: logger)
        logger.notice("control plane ready", metadata: ["control-plane": "\(location.displayName)", "node": "\(nodeName)"])
        if try await store.list().allSatisfy({ $0.revokedAt != nil }) {
            logger.notice("no active API keys yet: create one with `tapedeck keys create --org NAME --data \(data)`")
        }
        var consoleSettings = Console.Settings()
        consoleSettings.tls = tlsCert != nil
        consoleSettings.streamPath = configuration.streamPath
        consoleSettings.resultsDirectory = configuration.resultsDirectory
        consoleSettings.journalDirectory = configuration.journalDirectory
        consoleSettings.journalKey = configuration.journalKey
        consoleSettings.csvs = csvs
        if location.isShared { (consoleSettings.sessionIndex, consoleSettings.journalBlocks) = (sessionIndex, blocks) }
        // Before any journal is written: the journal's fsync timer reads the process-wide system once.
        let metrics = ServerMetrics()
        metrics.bootstrapProcessWide()
        let live = LiveSessions()
        // The node registry's heartbeat, from before the speech model loads and before this node
        // finishes anything: a restarted node whose slow start let its heartbeat go stale would
        // look dead, and another node would take the calls it is about to finish itself. It
        // renews the leases on the sessions this node has claimed to finish, writes index rows
        // spooled while the control plane was unreachable, and tells the registry when the node
        // is draining.
        let drain = NodeDrain()
        let address = "\(host):\(port)"
        let lease = Int64(orphanAfter * 1e6)
        let heartbeat = Task {
            while !Task.isCancelled {
                await index.heartbeat(sessions: live.count, draining: drain.isDraining, address: address)
                do { try await sessionIndex.renewLeases(of: nodeName, until: wallClockMicroseconds() + lease) } catch {
                    logger.warning("claims on sessions being finished not renewed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(nanoseconds: 5_000_000_000)
            }
        }
        defer { heartbeat.cancel() }
        let console = Console(keys: store, users: try await opened.users(),
                              live: live, settings: consoleSettings, logger: logger)
        var environment = SessionEnvironment.protocolOnly
        var pool: RecognitionWorkerPool?
        var derive: (@Sendable (URL) async throws -> Void)?
        if !noTranscription {
            let name = engine.model ?? "base"
            let recognizer = try engine.recognizer(model: name, threads: threads)
            let workerCount = workers ?? ProcessInfo.processInfo.activeProcessorCount
            pool = RecognitionWorkerPool(recognizer: recognizer, workers: workerCount)
            environment = SessionEnvironment(engine: recognizer.identity, analyzer: try engine.analyzer())
            logger.notice("speech engine ready", metadata: ["engine": "\(recognizer.identity)", "workers": "\(workerCount)", "threads": "\(threads)"])
            let regenerator = Regenerator(environment: environment, recognizer: recognizer,
                                          projector: Projector(root: configuration.resultsDirectory), cache: nil, key: configuration.journalKey)
            derive = { journal in _ = try await regenerator.regenerate(journal) }
        }
        // Sessions this node was serving when it last stopped without sealing them.
        let orphans = try await OrphanRecovery.run(index: sessionIndex, indexing: index,
                                                   journalRoot: configuration.journalDirectory, key: configuration.journalKey,
                                                   leaseMicroseconds: lease, derive: derive, logger: logger)
        if !orphans.isEmpty {
            logger.notice("finished sessions left open by the last run", metadata: ["sessions": "\(orphans.count)"])
        }
        // In a cluster every node ships its journals' blocks as they are written, and sweeps for
        // the sessions of nodes that stopped heartbeating.
        var shipper: BlockShipper?
        var sweeper: Sweeper?
        if let blocks {
            shipper = BlockShipper(blocks: blocks, journalRoot: configuration.journalDirectory, logger: logger)
            sweeper = Sweeper(index: sessionIndex, registry: registry, blocks: blocks, indexing: index,
                              journalRoot: configuration.journalDirectory, key: configuration.journalKey,
                              orphanAfterSeconds: orphanAfter, derive: derive, logger: logger)
        }
        let ship = shipper.map { shipper in { @Sendable (journal: URL, offset: Int, bytes: [UInt8]) in shipper.ship(journal: journal, offset: offset, bytes: bytes) } }
        let scheme = tlsCert == nil ? "ws" : "wss"
        let announced = (logger, configuration)
        let app = try TapedeckServer.makeApplication(
            configuration: configuration, store: store, environment: environment, recognition: pool,
            verifySignature: SignatureCheck.verifier(logger: logger), logger: logger,
            onServerRunning: { channel in
                let (logger, configuration) = announced
                let bound = channel.localAddress?.port ?? configuration.port
                logger.notice("listening on \(scheme)://\(configuration.host):\(bound)\(configuration.streamPath)")
            },
            metrics: metrics, live: live, indexing: index, shipJournal: ship, drain: drain,
            controlPlaneProblem: { [keyCacheSeconds] in
                // Keys keep working from memory while PostgreSQL is away; past this long a
                // revocation may have been missed, so the balancer should stop sending calls here.
                guard let since = store.notificationsLostSince else { return nil }
                let away = ContinuousClock.now - since
                guard away > .seconds(keyCacheSeconds) else { return nil }
                return "control plane unreachable for \(away.components.seconds) s (keys cached for \(Int(keyCacheSeconds)) s)"
            },
            addRoutes: { router in console.addRoutes(to: router, peer: { $0.remoteAddress?.ipAddress ?? "unknown" }) })
        // Its own task, not the heartbeat's: finishing a long call takes a while, and a node
        // whose heartbeat waited for it would look dead to the others.
        let sweeping = Task {
            while !Task.isCancelled {
                shipper?.retry()
                if let sweeper {
                    do { _ = try await sweeper.sweep() } catch { logger.warning("sweep for lost nodes' sessions failed", metadata: ["error": "\(error)"]) }
                }
                try? await Task.sleep(nanoseconds: 5_000_000_000)
            }
        }
        defer { sweeping.cancel() }
        // SIGTERM/SIGINT drain first; the graceful shutdown, which closes what is left with
        // 1001, comes when the drain is over.
        try await DrainService.run(app, drain: drain, settings: .init(deadlineSeconds: drainDeadline, finalWaitSeconds: shutdownTimeout),
                                   logger: logger)
        sweeping.cancel()
        heartbeat.cancel()
        // A clean exit marks the node stopped, but never waits long for a control plane that is down.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await index.stopped(address: address) }
            group.addTask { try? await Task.sleep(nanoseconds: 5_000_000_000) }
            await group.next()
            group.cancelAll()
        }
        await opened.close()
    }
}
