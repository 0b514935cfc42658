import Foundation

/// One pass over a journal's blocks, a block at a time, with every check `JournalReader.scan`
/// makes. It holds no bytes itself, so the push form (`scan`, over any buffer) and the pull form
/// (`JournalCursor`, over a mapped file) share one walk.
struct JournalWalk {
    private(set) var result: JournalScan
    private let key: JournalKey?
    private let decoder: LZ4Frames.Decoder
    private let hasher: ChainHasher
    private var offset: Int
    private var expected: UInt64 = 0
    private var pendingFooter: (JournalFooter, Int)?
    private var done = false

    init(_ bytes: UnsafeRawBufferPointer, key: JournalKey?) throws {
        let (header, firstBlock) = try JournalFileHeader.decode(bytes)
        result = JournalScan(header: header, recordCount: 0, blockCount: 0, footer: nil, damage: nil,
                             goodLength: firstBlock, fileLength: bytes.count,
                             chain: HashChain(sessionId: header.sessionId))
        self.key = key
        decoder = try LZ4Frames.Decoder()
        hasher = ChainHasher(chain: result.chain)
        offset = firstBlock
    }

    /// The next intact block's records (possibly none, for a footer-only block), or nil once
    /// the walk has ended: at the end of the file, at the footer, or at the first damage.
    mutating func nextBlock(_ bytes: UnsafeRawBufferPointer) -> [JournalRecord]? {
        guard !done else { return nil }
        guard offset < bytes.count else { return end(checkingFooter: true) }
        if pendingFooter != nil {
            result.damage = JournalDamage(kind: .tampered, offset: offset, reason: "data follows the footer",
                                          length: bytes.count - offset)
            return end(checkingFooter: true)
        }
        // Check the whole block before handing out any of it, so a block is all or nothing.
        let block: JournalBlock
        switch JournalBlock.decode(bytes, at: offset, decoder: decoder) {
        case .success(let decoded): block = decoded
        case .failure(.recordAfterFooter):
            result.damage = JournalDamage(kind: .tampered, offset: offset, reason: "a record follows the footer")
            return end(checkingFooter: false)
        case .failure(let failure):
            result.damage = JournalReader.unreadable(bytes, at: offset, failure: failure, expected: expected, decoder: decoder)
            return end(checkingFooter: false)
        }
        if let problem = JournalReader.sequenceProblem(block, expected: expected) {
            result.damage = JournalDamage(kind: .tampered, offset: offset, reason: problem)
            return end(checkingFooter: false)
        }
        hasher.append(block.content, ranges: block.ranges)
        if let last = block.records.last {
            expected = last.sequence + 1
            result.lastReceivedAt = last.receivedAt
        }
        result.recordCount = expected
        result.blockCount += 1
        offset += block.length
        result.goodLength = offset
        if let footer = block.footer { pendingFooter = (footer, offset - block.length) }
        return block.records
    }

    /// Damage inside the blocks means the footer (if any) was never reached intact: it is
    /// checked only when the walk got to the end of the file or past the footer.
    private mutating func end(checkingFooter: Bool) -> [JournalRecord]? {
        done = true
        result.chain = hasher.finish()
        if checkingFooter, let (footer, footerOffset) = pendingFooter {
            result.footer = footer
            if result.damage == nil, let problem = JournalReader.check(footer, chain: result.chain, key: key) {
                result.damage = JournalDamage(kind: .tampered, offset: footerOffset, reason: problem)
            }
        }
        return nil
    }
}

/// Reads a journal record by record, when the reader asks: the pull form of
/// `JournalReader.scan`, for a consumer that cannot take records inside a callback (an
/// asynchronous session driver). Only the current block's records are held in memory.
public final class JournalCursor {
    private let data: Data
    private var walk: JournalWalk
    private var block: [JournalRecord] = []
    private var nextInBlock = 0

    public init(url: URL, key: JournalKey? = nil) throws {
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw JournalError.io(path: url.path, operation: "read", errno: (error as NSError).code == 260 ? ENOENT : EIO)
        }
        walk = try data.withUnsafeBytes { try JournalWalk($0, key: key) }
    }

    /// The next intact record, or nil once the read has ended (see `result`).
    public func next() -> JournalRecord? {
        while nextInBlock == block.count {
            guard let records = data.withUnsafeBytes({ walk.nextBlock($0) }) else { return nil }
            block = records
            nextInBlock = 0
        }
        defer { nextInBlock += 1 }
        return block[nextInBlock]
    }

    /// What the read found so far; complete once `next()` has returned nil.
    public var result: JournalScan { walk.result }
}
