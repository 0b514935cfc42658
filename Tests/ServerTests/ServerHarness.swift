import Foundation
import Hummingbird
import HummingbirdWSClient
import Logging
import NIOCore
import ServiceLifecycle
import TapedeckTesting
@testable import Journal
@testable import Server
import Pipeline
import Recognition

/// A real server on a loopback port, with its own journal and data directories.
// Unchecked: `configuration` is set before `start()`; `port`, `task` and `group` are written by
// `start()`/`stop()`, which a test calls in sequence, never concurrently.
final class ServerHarness: @unchecked Sendable {
    let root: URL
    let store: KeyStore
    var configuration = ServerConfiguration()
    let overloadCounters = OverloadCounters()
    /// The control plane's session index, when a test wants one written.
    var indexing: (any SessionIndexing)?
    /// `drain.signal()` is what SIGTERM does to `tapedeck serve`.
    let drain = NodeDrain()
    private(set) var port = 0
    private var task: Task<Void, Error>?
    private var group: ServiceGroup?
    private let ended = SessionEnds()

    init() async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tapedeck-server-\(UUID().uuidString)")
        configuration.journalDirectory = root.appendingPathComponent("journal")
        configuration.dataDirectory = root.appendingPathComponent("data")
        configuration.resultsDirectory = root.appendingPathComponent("results")
        configuration.port = 0
        // Suites not about overload run several sessions on one worker of a loaded machine:
        // capacity is never their limit and `closed` waits for every result (OverloadTests set
        // their own).
        configuration.admission.cores = 64
        configuration.closeLatenessSeconds = nil
        // Suites not about the free-space minimum run on whatever disk (or small tmpfs) they
        // get (DrainTests set their own).
        configuration.minFreeJournalBytes = 0
        store = try await KeyStore.open(dataDirectory: configuration.dataDirectory)
    }

    /// A seed `open` for 16 kHz PCM: enough to open a session on a server without an engine.
    static func seedOpen(id: String) -> String {
        #"{"type":"open","id":"\#(id)","seq":1,"parameters":{"media":[{"type":"audio","codec":"audio/pcm"}]}}"#
    }

    static func isOpened(_ payload: [UInt8]) -> Bool {
        String(decoding: payload, as: UTF8.self).contains(#""type":"opened""#)
    }

    /// The product server: transcription on `pool`, analysis, CSV files at session end.
    func start(environment: SessionEnvironment = .protocolOnly, pool: RecognitionWorkerPool? = nil,
               verifySignature: @escaping @Sendable (Request, [UInt8], String) -> Bool = { _, _, _ in false }) async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let ended = self.ended
        let app = try TapedeckServer.makeApplication(
            configuration: configuration, store: store, environment: environment, recognition: pool,
            verifySignature: verifySignature, logger: logger,
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            onSessionEnd: { url in await ended.add(url) }, overloadCounters: overloadCounters, indexing: indexing, drain: drain)
        run(app, logger: logger)
        for await p in stream { port = p; break }
    }

    /// Runs the application in a service group, as `tapedeck serve` does, so a test can shut it
    /// down gracefully.
    private func run(_ app: some Service, logger: Logger) {
        let drainService = DrainService(drain: drain, settings: .init(deadlineSeconds: configuration.drainDeadlineSeconds,
                                                                      finalWaitSeconds: configuration.shutdownTimeoutSeconds),
                                        trapsSignals: false, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: app), drainService.configuration], logger: logger))
        self.group = group
        task = Task { try await group.run() }
    }

    /// What SIGTERM does to `tapedeck serve`; returns once the server has finished.
    func shutDownGracefully() async {
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
    }

    /// Whether the server finished (the process would exit) within `seconds`: after a drain.
    func exits(within seconds: Double) async -> Bool {
        guard let task else { return true }
        return await finishes(within: seconds, Task { _ = try? await task.value })
    }

    func stop() async {
        await stopKeepingFiles()
        try? FileManager.default.removeItem(at: root)
    }

    /// Cancels the server (a graceful shutdown) and waits for it to finish.
    func stopKeepingFiles() async {
        task?.cancel()
        _ = try? await task?.value
    }

    var url: String { "ws://127.0.0.1:\(port)\(configuration.streamPath)" }

    /// Waits until `count` sessions have ended and their journals are closed.
    func endedSessions(_ count: Int) async -> [URL] {
        for _ in 0..<400 {
            let urls = await ended.urls
            if urls.count >= count { return urls }
            try? await Task.sleep(nanoseconds: 25_000_000)
        }
        return await ended.urls
    }

    /// Sends a bare upgrade request and returns the HTTP status code the server answered with.
    /// The blocking socket calls run on a thread of their own: on Linux the concurrency pool has
    /// one thread per core, and the server needs those to answer (two tests blocking them in
    /// `recv` at once would deadlock the whole test run).
    func upgradeStatus(path: String, headers: [String: String] = [:]) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try self.blockingUpgradeStatus(path: path, headers: headers) }) }
            thread.start()
        }
    }

    private func blockingUpgradeStatus(path: String, headers: [String: String]) throws -> Int {
        guard let fd = Loopback.connect(port: port) else { throw ServerError.io("connect failed") }
        defer { close(fd) }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = recv(fd, &buffer, buffer.count, 0)
        let text = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)
        let parts = text.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ServerError.io("no HTTP status in \(text.prefix(60))") }
        return status
    }
}

actor SessionEnds {
    var urls: [URL] = []
    func add(_ url: URL?) { if let url { urls.append(url) } }
}

extension ServerHarness {
    /// A plain HTTP/1.1 GET on a raw socket, read to the end (`Connection: close`), off the
    /// concurrency pool like `upgradeStatus`: the status, the response head and the body.
    func get(_ path: String) async throws -> (status: Int, head: String, body: String) {
        let port = self.port
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    guard let fd = Loopback.connect(port: port) else { throw ServerError.io("connect failed") }
                    defer { close(fd) }
                    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
                    _ = request.withCString { send(fd, $0, strlen($0), 0) }
                    var response: [UInt8] = []
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let n = recv(fd, &buffer, buffer.count, 0)
                        if n <= 0 { break }
                        response += buffer.prefix(n)
                    }
                    let text = String(decoding: response, as: UTF8.self)
                    let parts = text.split(separator: " ", maxSplits: 2)
                    guard parts.count >= 2, let status = Int(parts[1]) else { throw ServerError.io("no HTTP status in \(text.prefix(60))") }
                    guard let split = text.range(of: "\r\n\r\n") else { throw ServerError.io("no HTTP head in \(text.prefix(60))") }
                    return (status, String(text[..<split.lowerBound]), String(text[split.upperBound...]))
                })
            }.start()
        }
    }
}
