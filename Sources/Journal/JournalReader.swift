import Foundation

/// The result of reading a journal from start to end.
public struct JournalScan: Sendable {
    public var header: JournalFileHeader
    /// Records before the footer that decoded cleanly, in order.
    public var recordCount: UInt64
    public var blockCount: Int
    public var footer: JournalFooter?
    /// The first problem found; reading stops there.
    public var damage: JournalDamage?
    /// Length of the file prefix made of the header and intact blocks.
    public var goodLength: Int
    public var fileLength: Int
    /// The hash chain over the records that decoded cleanly.
    public var chain: HashChain
    /// Receive time of the last intact record before the footer (nil when there is none).
    public var lastReceivedAt: Int64?

    /// True when the footer was found, nothing is damaged, and (if a key was given) the HMAC holds.
    public var isSealedAndIntact: Bool { footer != nil && damage == nil }
}

/// Reads journals: streams records back in order, checking every checksum, the sequence,
/// the hash chain and the footer on the way.
public enum JournalReader {
    /// Reads `url`, calling `body` for every intact record before the footer.
    /// `key`, when given, checks the footer's HMAC; without one an HMAC is reported but not checked.
    @discardableResult
    public static func scan(_ url: URL, key: JournalKey? = nil,
                            body: (JournalRecord) throws -> Void = { _ in }) throws -> JournalScan {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw JournalError.io(path: url.path, operation: "read", errno: (error as NSError).code == 260 ? ENOENT : EIO)
        }
        return try data.withUnsafeBytes { bytes in
            try scan(bytes: bytes, key: key, body: body)
        }
    }

    static func scan(bytes: UnsafeRawBufferPointer, key: JournalKey?,
                     body: (JournalRecord) throws -> Void) throws -> JournalScan {
        var walk = try JournalWalk(bytes, key: key)
        while let block = walk.nextBlock(bytes) {
            for record in block { try body(record) }
        }
        return walk.result
    }

    static func sequenceProblem(_ block: JournalBlock, expected: UInt64) -> String? {
        var next = expected
        for record in block.records {
            guard record.sequence == next else {
                return "record sequence \(record.sequence) where \(next) was expected (a record was removed, added or reordered)"
            }
            next += 1
        }
        if let footerSequence = block.footerSequence, footerSequence != next {
            return "footer sequence \(footerSequence) where \(next) was expected (a record was removed, added or reordered)"
        }
        return nil
    }

    /// Describes a block that does not decode, looking past it for intact blocks: only when none
    /// follow is a block that runs past the end of the file a torn tail.
    static func unreadable(_ bytes: UnsafeRawBufferPointer, at offset: Int, failure: JournalBlock.Failure,
                                   expected: UInt64, decoder: LZ4Frames.Decoder) -> JournalDamage {
        let found = JournalResync.nextIntactBlock(bytes, from: offset + 1, expected: expected, decoder: decoder)
        let why: String
        switch failure {
        case .truncated where found == nil:
            return JournalDamage(kind: .tornTail, offset: offset,
                                 reason: "the block ends beyond the end of the file (\(bytes.count - offset) bytes present)",
                                 length: bytes.count - offset)
        case .truncated:
            why = "the block claims to run past the end of the file, but intact blocks follow it (a damaged length field)"
        case .corrupt(let text):
            why = text
        case .recordAfterFooter:
            why = "a record follows the footer"
        }
        guard let (resume, block) = found else {
            return JournalDamage(kind: .corrupt, offset: offset, reason: why, length: bytes.count - offset)
        }
        let remainder = JournalResync.remainder(bytes, at: resume, first: block, decoder: decoder)
        return JournalDamage(kind: .corrupt, offset: offset, reason: why, length: resume - offset,
                             lostSequences: expected..<(block.firstSequence ?? expected), intactAfter: remainder)
    }

    static func check(_ footer: JournalFooter, chain: HashChain, key: JournalKey?) -> String? {
        if footer.records != chain.count {
            return "footer counts \(footer.records) records but the file holds \(chain.count)"
        }
        if footer.chain != chain.head.hexString {
            return "hash chain head does not match the footer (a record was edited, removed or reordered)"
        }
        if let key, let hmac = footer.hmac {
            if footer.keyId != key.id {
                return "footer was sealed with key \"\(footer.keyId ?? "?")\", not with the given key \"\(key.id)\""
            }
            let expected = key.seal(chainHead: chain.head, count: chain.count)
            guard let stored = [UInt8](hexString: hmac), HMACSHA256.constantTimeEqual(stored, expected) else {
                return "footer HMAC does not verify under key \"\(key.id)\""
            }
        } else if key != nil, footer.hmac == nil {
            return "a journal key was given but the footer carries no HMAC"
        }
        return nil
    }

    /// Reads every intact record into memory (small journals, tests, tools).
    public static func readAll(_ url: URL, key: JournalKey? = nil) throws -> (JournalScan, [JournalRecord]) {
        var records: [JournalRecord] = []
        let scan = try scan(url, key: key) { records.append($0) }
        return (scan, records)
    }
}

