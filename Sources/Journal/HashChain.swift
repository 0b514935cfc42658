/// The SHA-256 hash chain over a session's records: each link commits to every record before it,
/// so deleting, reordering or editing a record changes the head that the footer seals.
/// `h0 = SHA-256("tapedeck-journal-chain-v1" | sessionId)`, `h(n) = SHA-256(h(n-1) | encoded record n)`,
/// where an encoded record is its exact on-disk bytes, CRC included.
public struct HashChain: Equatable, Sendable {
    public private(set) var head: [UInt8]
    public private(set) var count: UInt64

    public init(sessionId: String) {
        head = SHA256Digest.hash(Array("tapedeck-journal-chain-v1".utf8) + Array(sessionId.utf8))
        count = 0
    }

    public mutating func append(encodedRecord: UnsafeRawBufferPointer) {
        head = SHA256Digest.hash(head, encodedRecord)
        count += 1
    }
}

/// A server key that authenticates footers, so a journal cannot be rewritten end to end
/// by someone without the key. Only `id` is ever written to disk or logs.
public struct JournalKey: Sendable {
    public var id: String
    public var secret: [UInt8]

    public init(id: String, secret: [UInt8]) {
        self.id = id
        self.secret = secret
    }

    func seal(chainHead: [UInt8], count: UInt64) -> [UInt8] {
        var message = chainHead
        withUnsafeBytes(of: count.bigEndian) { message.append(contentsOf: $0) }
        return HMACSHA256.authenticate(message, key: secret)
    }
}
