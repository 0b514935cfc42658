import Synchronization
import NIOCore

/// The session limit. A slot is reserved when the upgrade is granted, so a burst beyond the
/// limit gets 503s, never a 101 followed by a close; the session takes the slot over when it
/// starts, and a connection that closes before that gives it back.
final class SessionSlots: Sendable {
    private let count = Mutex(0)
    let limit: Int
    /// Hears every slot given back (a draining server waits for the last one).
    private let onFree: @Sendable () -> Void
    init(limit: Int, onFree: @escaping @Sendable () -> Void = {}) { (self.limit, self.onFree) = (limit, onFree) }

    var current: Int { count.withLock { $0 } }

    /// A slot while fewer than the limit (and `capacity`, what admission says the machine
    /// carries now) are taken.
    func reserve(capacity: Int = .max) -> SessionSlot? {
        let granted = count.withLock { count -> Bool in
            guard count < min(limit, capacity) else { return false }
            count += 1
            return true
        }
        return granted ? SessionSlot(owner: self) : nil
    }

    fileprivate func free() {
        count.withLock { $0 -= 1 }
        onFree()
    }
}

/// One reserved session place; given back exactly once.
final class SessionSlot: Sendable {
    private enum State { case reserved, claimed, freed }
    private let state = Mutex(State.reserved)
    private let owner: SessionSlots

    fileprivate init(owner: SessionSlots) { self.owner = owner }

    /// The session takes the slot; false when the connection already gave it back.
    func claim() -> Bool {
        state.withLock { state in
            guard state == .reserved else { return false }
            state = .claimed
            return true
        }
    }

    /// Gives the slot back unless a session has claimed it (its end frees it).
    func releaseIfUnclaimed() {
        let free = state.withLock { state -> Bool in
            guard state == .reserved else { return false }
            state = .freed
            return true
        }
        if free { owner.free() }
    }

    /// The session has ended.
    func release() {
        let free = state.withLock { state -> Bool in
            guard state != .freed else { return false }
            state = .freed
            return true
        }
        if free { owner.free() }
    }
}

/// Carries the slot from the upgrade decision to the session, inside the request context.
final class SlotHandOver: Sendable {
    private let slot = Mutex<SessionSlot?>(nil)

    func hold(_ slot: SessionSlot, until channel: any Channel) {
        self.slot.withLock { $0 = slot }
        channel.closeFuture.whenComplete { _ in slot.releaseIfUnclaimed() }
    }

    func take() -> SessionSlot? { slot.withLock { value in defer { value = nil }; return value } }
}
