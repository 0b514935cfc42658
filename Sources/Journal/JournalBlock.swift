/// One block (LZ4 frame) decoded and checked on its own: frame, content checksum, every record's
/// CRC, and that the records fill it exactly. Sequence numbers are the reader's business, since
/// they depend on the blocks before.
struct JournalBlock {
    /// Bytes the frame occupies in the file.
    var length: Int
    /// The decompressed content; `ranges` locate each chained record (every one but the footer) in it.
    var content: [UInt8]
    var records: [JournalRecord]
    var ranges: [Range<Int>]
    var footer: JournalFooter?
    /// Sequence number of the footer record, when the block holds one.
    var footerSequence: UInt64?

    /// The sequence number this block starts at (its first record's, or its footer's).
    var firstSequence: UInt64? { records.first?.sequence ?? footerSequence }
    /// The sequence number the block after this one must start at.
    var nextSequence: UInt64? { records.last.map { $0.sequence + 1 } }

    enum Failure: Error, Equatable {
        /// The frame ends beyond the end of the file.
        case truncated
        /// The frame or a record in it fails to decode or a checksum.
        case corrupt(String)
        /// Every checksum holds but a record follows the footer inside the block.
        case recordAfterFooter
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int,
                       decoder: LZ4Frames.Decoder) -> Result<JournalBlock, Failure> {
        var content: [UInt8] = []
        let length: Int
        switch decoder.decodeFrame(bytes, at: offset, into: &content) {
        case .success(let n): length = n
        case .failure(.truncated): return .failure(.truncated)
        case .failure(.corrupt(let why)): return .failure(.corrupt("block does not decode: \(why)"))
        }
        var block = JournalBlock(length: length, content: content, records: [], ranges: [])
        var failure: Failure?
        content.withUnsafeBytes { raw in
            var position = 0
            while position < raw.count {
                switch RecordCodec.decode(raw, at: position) {
                case .failure(let why):
                    failure = .corrupt("record at block byte \(position): \(why)")
                    return
                case .success(let (record, next)):
                    if block.footer != nil {
                        failure = .recordAfterFooter
                        return
                    }
                    if record.type == .sessionFooter {
                        guard let footer = JournalFooter.decode(record.payload) else {
                            failure = .corrupt("footer payload is not valid JSON")
                            return
                        }
                        block.footer = footer
                        block.footerSequence = record.sequence
                    } else {
                        block.ranges.append(position..<next)
                        block.records.append(record)
                    }
                    position = next
                }
            }
        }
        if let failure { return .failure(failure) }
        return .success(block)
    }
}
