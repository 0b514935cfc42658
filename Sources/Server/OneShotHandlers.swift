/// Handlers waiting for something that happens once (the server's shutdown, a drain's
/// deadline): they run in the order they were registered, outside the owner's lock, and one
/// registered after it happened is told so, to run at once. Kept inside its owner's `Mutex`.
struct OneShotHandlers {
    private(set) var fired = false
    private var nextId = 0
    private var handlers: [Int: @Sendable () -> Void] = [:]

    /// The handler's id, or nil when it has already happened: the caller runs `handler` itself.
    mutating func add(_ handler: @escaping @Sendable () -> Void) -> Int? {
        guard !fired else { return nil }
        nextId += 1
        handlers[nextId] = handler
        return nextId
    }

    mutating func remove(_ id: Int?) {
        guard let id else { return }
        handlers.removeValue(forKey: id)
    }

    /// Marks it happened and hands back the handlers to run, in order; empty the second time.
    mutating func fire() -> [@Sendable () -> Void] {
        guard !fired else { return [] }
        fired = true
        defer { handlers = [:] }
        return handlers.sorted { $0.key < $1.key }.map(\.value)
    }
}
