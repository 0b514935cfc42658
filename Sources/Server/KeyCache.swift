import ControlPlane
import Foundation
import Logging
import Synchronization

/// A node's copy of the cluster's keys (PostgreSQL control plane). Filled at start, changed by
/// the notifications `KeyStore` sends on every create, rotate and revoke, and read afresh
/// whenever the notification connection comes back (changes may have been missed meanwhile).
/// A key another node created since the last read is fetched on first use. While PostgreSQL is
/// down, the keys held here keep authenticating: live calls are not the control plane's to stop.
final class KeyCache: Sendable {
    private struct State {
        var records: [String: KeyRecord] = [:]
        var lostSince: ContinuousClock.Instant?
        var listener: Task<Void, Never>?
    }
    private let state = Mutex(State())
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    var lostSince: ContinuousClock.Instant? { state.withLock { $0.lostSince } }

    func start(backend: any SQLBackend, notifications: any SQLNotifications, channel: String) async throws {
        try await reload(from: backend)
        let listener = Task { [weak self] in
            await notifications.listen(channel: channel, onListening: { [weak self] in
                guard let self else { return }
                // Read everything again: changes made before this LISTEN took effect (since the
                // load above, or while the connection was lost) sent notifications nobody heard.
                do { try await self.reload(from: backend) } catch {
                    self.logger.warning("keys not reloaded after listening", metadata: ["error": "\(error)"])
                    return
                }
                self.state.withLock { $0.lostSince = nil }
            }, onLost: { [weak self] in
                self?.notificationsLost()
            }, onNotification: { [weak self] id in
                await self?.refresh(id: id, from: backend)
            })
        }
        state.withLock { $0.listener = listener }
    }

    func stop() {
        state.withLock { $0.listener?.cancel() }
    }

    /// Marks notifications as lost (the listener's connection dropped).
    func notificationsLost() {
        state.withLock { state in if state.lostSince == nil { state.lostSince = .now } }
    }

    /// The key's record: from memory, or fetched (and kept) when this node has not seen it.
    /// Nil when it is unknown or PostgreSQL cannot be asked.
    func record(id: String, from backend: any SQLBackend) async -> KeyRecord? {
        if let record = state.withLock({ $0.records[id] }) { return record }
        guard let fetched = try? await KeyRecord.fetch(id: id, from: backend) else { return nil }
        state.withLock { $0.records[id] = fetched }
        return fetched
    }

    /// Reads one key again (a notification named it).
    func refresh(id: String, from backend: any SQLBackend) async {
        do {
            let fetched = try await KeyRecord.fetch(id: id, from: backend)
            state.withLock { $0.records[id] = fetched }
        } catch {
            // Safer to forget a key whose change could not be read than to keep honouring it.
            state.withLock { _ = $0.records.removeValue(forKey: id) }
            logger.warning("key change not read; the key is refused until it can be", metadata: ["key": "\(id)", "error": "\(error)"])
        }
    }

    private func reload(from backend: any SQLBackend) async throws {
        let rows = try await backend.query("SELECT \(KeyRecord.columns) FROM api_key", [])
        var records: [String: KeyRecord] = [:]
        for row in rows { records[try row.text("id")] = try KeyRecord(row) }
        state.withLock { $0.records = records }
    }
}
