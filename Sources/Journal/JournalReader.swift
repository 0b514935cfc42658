import Foundation

/// Where and why a journal stops being trustworthy.
public struct JournalDamage: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The last block ends past the end of the file: the writer died mid-write.
        case tornTail = "torn tail"
        /// Bytes do not decode or fail a checksum (LZ4 content checksum or record CRC-32C).
        case corrupt
        /// Every checksum holds but the records do not: sequence gaps, a chain that does not
        /// match the footer, a bad HMAC, data after the footer. Someone rewrote the file.
        case tampered
    }

    public var kind: Kind
    /// File offset of the block where the problem starts.
    public var offset: Int
    public var reason: String

    public var description: String { "\(kind.rawValue) at byte \(offset): \(reason)" }
}

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
        let (header, firstBlock) = try JournalFileHeader.decode(bytes)
        var result = JournalScan(header: header, recordCount: 0, blockCount: 0, footer: nil, damage: nil,
                                 goodLength: firstBlock, fileLength: bytes.count,
                                 chain: HashChain(sessionId: header.sessionId))
        let decoder = try LZ4Frames.Decoder()
        let hasher = ChainHasher(chain: result.chain)
        defer { hasher.finish() }
        var offset = firstBlock
        var recordCount: UInt64 = 0
        var pendingFooter: (JournalFooter, Int)?
        while offset < bytes.count {
            if pendingFooter != nil {
                result.damage = JournalDamage(kind: .tampered, offset: offset, reason: "data follows the footer")
                break
            }
            var content: [UInt8] = []
            let frameLength: Int
            switch decoder.decodeFrame(bytes, at: offset, into: &content) {
            case .success(let n): frameLength = n
            case .failure(.truncated):
                result.damage = JournalDamage(kind: .tornTail, offset: offset,
                                              reason: "the block ends beyond the end of the file (\(bytes.count - offset) bytes present)")
                result.chain = hasher.finish()
                return result
            case .failure(.corrupt(let why)):
                result.damage = JournalDamage(kind: .corrupt, offset: offset, reason: "block does not decode: \(why)")
                result.chain = hasher.finish()
                return result
            }
            // Check the whole block before handing out any of it, so a block is all or nothing.
            var records: [JournalRecord] = []
            var ranges: [Range<Int>] = []
            var blockDamage: JournalDamage?
            var footer: JournalFooter?
            var expected = recordCount
            content.withUnsafeBytes { raw in
                var position = 0
                while position < raw.count {
                    switch RecordCodec.decode(raw, at: position) {
                    case .failure(let failure):
                        blockDamage = JournalDamage(kind: .corrupt, offset: offset,
                                                    reason: "record at block byte \(position): \(failure)")
                        return
                    case .success(let (record, next)):
                        if footer != nil {
                            blockDamage = JournalDamage(kind: .tampered, offset: offset, reason: "a record follows the footer")
                            return
                        }
                        guard record.sequence == expected else {
                            blockDamage = JournalDamage(kind: .tampered, offset: offset,
                                                        reason: "record sequence \(record.sequence) where \(expected) was expected (a record was removed, added or reordered)")
                            return
                        }
                        if record.type == .sessionFooter {
                            guard let decoded = JournalFooter.decode(record.payload) else {
                                blockDamage = JournalDamage(kind: .corrupt, offset: offset, reason: "footer payload is not valid JSON")
                                return
                            }
                            footer = decoded
                        } else {
                            expected += 1
                            ranges.append(position..<next)
                            records.append(record)
                        }
                        position = next
                    }
                }
            }
            if let blockDamage {
                result.damage = blockDamage
                result.chain = hasher.finish()
                return result
            }
            hasher.append(content, ranges: ranges)
            for record in records { try body(record) }
            recordCount = expected
            result.recordCount = expected
            result.blockCount += 1
            offset += frameLength
            result.goodLength = offset
            if let footer { pendingFooter = (footer, offset - frameLength) }
        }
        result.chain = hasher.finish()
        if let (footer, footerOffset) = pendingFooter {
            result.footer = footer
            if result.damage == nil, let problem = check(footer, chain: result.chain, key: key) {
                result.damage = JournalDamage(kind: .tampered, offset: footerOffset, reason: problem)
            }
        }
        return result
    }

    private static func check(_ footer: JournalFooter, chain: HashChain, key: JournalKey?) -> String? {
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

