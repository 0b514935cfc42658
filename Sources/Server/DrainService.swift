import Dispatch
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// Runs the node's drain beside the application in one service group. `tapedeck serve` runs
/// the group *without* ServiceLifecycle's own shutdown signals: those would quiesce the HTTP
/// server at once (the listening socket closes, so a balancer sees refused connections rather
/// than 503s, and every session is closed with 1001). This service traps SIGTERM/SIGINT
/// instead, drives `NodeDrain`, and returns when the drain is over; it is configured to shut
/// the group down gracefully then, which is when the application's own bounded shutdown runs.
public struct DrainService: Service {
    let drain: NodeDrain
    let settings: NodeDrain.Settings
    let trapsSignals: Bool
    let logger: Logger

    /// `trapsSignals`: false in tests, which call `drain.signal()` themselves.
    public init(drain: NodeDrain, settings: NodeDrain.Settings, trapsSignals: Bool = true, logger: Logger) {
        (self.drain, self.settings, self.trapsSignals, self.logger) = (drain, settings, trapsSignals, logger)
    }

    /// The service group entry for this service: its end shuts the group down gracefully.
    public var configuration: ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: self, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "drain")
    }

    /// `tapedeck serve`: the application and its drain in one service group, with the signals
    /// trapped by the drain rather than by the group.
    public static func run(_ app: some Service, drain: NodeDrain, settings: NodeDrain.Settings, logger: Logger) async throws {
        let service = DrainService(drain: drain, settings: settings, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: app), service.configuration], logger: logger))
        try await group.run()
    }

    public func run() async throws {
        let trap = trapsSignals ? SignalTrap(signals: [SIGTERM, SIGINT], drain: drain) : nil
        defer { trap?.release() }
        let drain = self.drain
        await withGracefulShutdownHandler {
            await drain.run(settings: settings, logger: logger)
        } onGracefulShutdown: {
            drain.stop()
        }
        // Cancelled (not drained): the group is already going down, and a graceful shutdown
        // asked for now would only find the server closed.
        try Task.checkCancellation()
    }
}

/// SIGTERM/SIGINT as drain signals, on a dispatch queue. Their default action (exit) stays off
/// after the drain too: the final shutdown is bounded by the shutdown timeout, and exiting in
/// the middle of it would leave journals unsealed.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], drain: NodeDrain) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { drain.signal() }
            source.resume()
            return source
        }
    }

    func release() {
        for source in sources { source.cancel() }
    }
}
