/// Finds the intact blocks after a damaged region, so that corruption in the middle of a file is
/// told apart from a torn tail and nobody cuts intact blocks believing they were garbage.
///
/// Every block is a standard LZ4 frame that starts with the frame magic; after damage the reader
/// looks for the next offset holding the magic where a whole block decodes, passes every checksum,
/// and continues the sequence. Random bytes cannot pass the frame's header checksum, its xxHash-32
/// content checksum and every record's CRC-32C together by chance.
enum JournalResync {
    private static let magic: [UInt8] = [0x04, 0x22, 0x4D, 0x18]  // LZ4Frames.frameMagic, little-endian

    /// The first block at or after `start` that decodes, has consecutive sequence numbers, and
    /// starts at sequence `expected` or later.
    static func nextIntactBlock(_ bytes: UnsafeRawBufferPointer, from start: Int, expected: UInt64,
                                decoder: LZ4Frames.Decoder) -> (offset: Int, block: JournalBlock)? {
        var candidate = start
        while candidate + magic.count <= bytes.count {
            if bytes[candidate] == magic[0], bytes[candidate + 1] == magic[1],
               bytes[candidate + 2] == magic[2], bytes[candidate + 3] == magic[3],
               case .success(let block) = JournalBlock.decode(bytes, at: candidate, decoder: decoder),
               block.isContiguous, let first = block.firstSequence, first >= expected {
                return (candidate, block)
            }
            candidate += 1
        }
        return nil
    }

    /// Describes everything from an intact block found after damage to the end of the file.
    static func remainder(_ bytes: UnsafeRawBufferPointer, at start: Int, first: JournalBlock,
                          decoder: LZ4Frames.Decoder) -> IntactRemainder {
        let firstSequence = first.firstSequence ?? 0
        var result = IntactRemainder(offset: start, blocks: 0, records: 0, sequences: firstSequence..<firstSequence,
                                     footer: nil, furtherDamagedRegions: 0, furtherDamagedBytes: 0)
        var offset = start
        var block = first
        var expected = firstSequence
        while true {
            result.blocks += 1
            result.records += UInt64(block.records.count)
            if let next = block.nextSequence {
                expected = next
                result.sequences = result.sequences.lowerBound..<next
            }
            if let footer = block.footer { result.footer = footer }
            offset += block.length
            guard offset < bytes.count else { break }
            if block.footer != nil {
                // Bytes after a footer belong to no session record.
                result.furtherDamagedRegions += 1
                result.furtherDamagedBytes += bytes.count - offset
                break
            }
            if case .success(let next) = JournalBlock.decode(bytes, at: offset, decoder: decoder),
               next.isContiguous, next.firstSequence == expected {
                block = next
                continue
            }
            guard let (found, next) = nextIntactBlock(bytes, from: offset, expected: expected, decoder: decoder) else {
                result.furtherDamagedRegions += 1
                result.furtherDamagedBytes += bytes.count - offset
                break
            }
            result.furtherDamagedRegions += 1
            result.furtherDamagedBytes += found - offset
            offset = found
            block = next
        }
        return result
    }
}

extension JournalBlock {
    /// Sequence numbers inside the block run without gaps, the footer's last.
    var isContiguous: Bool {
        // A forged sequence near the top of the range must not overflow the arithmetic below.
        guard let first = firstSequence, first < UInt64.max - UInt64(records.count) else { return false }
        for (i, record) in records.enumerated() where record.sequence != first + UInt64(i) { return false }
        if let footerSequence { return footerSequence == first + UInt64(records.count) }
        return true
    }
}
