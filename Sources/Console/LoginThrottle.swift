import Synchronization

/// Failed logins per email and peer address: after `limit` failures within `window` seconds,
/// further tries for that pair are refused, without checking the password, until the oldest
/// failure leaves the window. Keyed on the pair so that one attacker cannot lock a user out
/// from everywhere, and one address cannot guess at one account indefinitely.
public final class LoginThrottle: Sendable {
    public let limit: Int
    public let window: Double
    private let now: @Sendable () -> Double
    private let failures = Mutex([String: [Double]]())

    public init(limit: Int = 5, window: Double = 15 * 60, now: @escaping @Sendable () -> Double = { Double(ConsoleClock.microseconds()) / 1e6 }) {
        self.limit = limit
        self.window = window
        self.now = now
    }

    static func key(email: String, peer: String) -> String { "\(UserStore.normalize(email: email))\u{0}\(peer)" }

    /// Seconds until this pair may try again; nil when it may try now.
    public func retryAfter(email: String, peer: String) -> Int? {
        let key = Self.key(email: email, peer: peer)
        let time = now()
        return failures.withLock { table -> Int? in
            let recent = (table[key] ?? []).filter { $0 > time - window }
            table[key] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            return max(1, Int((oldest + window - time).rounded(.up)))
        }
    }

    public func recordFailure(email: String, peer: String) {
        let key = Self.key(email: email, peer: peer)
        let time = now()
        failures.withLock { table in
            // Bounded memory under a spray of distinct emails: stale entries go first.
            if table.count > 10_000 { table = table.filter { $0.value.contains { $0 > time - window } } }
            table[key, default: []].append(time)
        }
    }

    public func recordSuccess(email: String, peer: String) {
        _ = failures.withLock { $0.removeValue(forKey: Self.key(email: email, peer: peer)) }
    }
}
