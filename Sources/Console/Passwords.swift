import HummingbirdBcrypt
import NIOPosix

/// bcrypt password hashes. Hashing is deliberately slow (cost 12 is about a quarter second), so
/// it runs on NIO's blocking thread pool, never on the threads that serve live calls.
public struct Passwords: Sendable {
    public let cost: UInt8
    /// Checked when the email is unknown, so a login for a missing user costs what a real one does.
    private let decoy: String

    public init(cost: UInt8 = 12) {
        self.cost = cost
        decoy = Bcrypt.hash(Tokens.random(), cost: cost)
    }

    /// bcrypt reads at most 72 bytes; longer passwords would be silently cut, so they are refused.
    public static func check(_ password: String) throws {
        if password.count < 10 { throw ConsoleError.weakPassword("use at least 10 characters") }
        if password.utf8.count > 72 { throw ConsoleError.weakPassword("use at most 72 bytes (bcrypt's limit)") }
    }

    public func hash(_ password: String) throws -> String { try Self.hash(password, cost: cost) }

    public static func hash(_ password: String, cost: UInt8 = 12) throws -> String {
        try check(password)
        return Bcrypt.hash(password, cost: cost)
    }

    /// A password that is safe to print once: 20 characters from a 56-letter alphabet (116 bits).
    public static func generate() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    func verify(_ password: String, hash: String?) async -> Bool {
        let candidate = hash ?? decoy
        let matches = (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: candidate) }) ?? false
        return matches && hash != nil
    }
}
