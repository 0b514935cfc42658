/// Where and why a journal stops being trustworthy, and what is left after that point.
public struct JournalDamage: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The last block ends past the end of the file and nothing after it decodes:
        /// the writer died mid-write.
        case tornTail = "torn tail"
        /// Bytes do not decode or fail a checksum (LZ4 content checksum or record CRC-32C).
        /// When intact blocks follow (`intactAfter`), the damage is in the middle of the file.
        case corrupt
        /// Every checksum holds but the records do not: sequence gaps, a chain that does not
        /// match the footer, a bad HMAC, data after the footer. Someone rewrote the file.
        case tampered
    }

    public var kind: Kind
    /// File offset of the block where the problem starts.
    public var offset: Int
    public var reason: String
    /// Damaged bytes from `offset`: up to the next intact block, or to the end of the file.
    public var length: Int
    /// Sequence numbers of the records lost in the damaged bytes, when intact blocks after them
    /// tell where the sequence resumes.
    public var lostSequences: Range<UInt64>?
    /// The intact blocks found after the damage by resynchronizing on the next block that
    /// decodes and continues the sequence; nil when nothing after the damage decodes.
    public var intactAfter: IntactRemainder?

    public init(kind: Kind, offset: Int, reason: String, length: Int = 0,
                lostSequences: Range<UInt64>? = nil, intactAfter: IntactRemainder? = nil) {
        self.kind = kind
        self.offset = offset
        self.reason = reason
        self.length = length
        self.lostSequences = lostSequences
        self.intactAfter = intactAfter
    }

    /// True when intact blocks follow the damage: cutting the file here would lose them.
    public var isMidFile: Bool { intactAfter != nil }

    public var description: String {
        var text = "\(kind.rawValue) at byte \(offset): \(reason)"
        guard kind != .tampered else { return text }
        text += "; \(length) damaged bytes (\(offset)..<\(offset + length))"
        if let lost = lostSequences {
            text += lost.isEmpty ? " hold no whole record" : " held records \(Self.span(lost))"
        }
        if let after = intactAfter {
            text += "; \(after)"
        } else {
            text += "; nothing after them decodes"
        }
        return text
    }

    static func span(_ range: Range<UInt64>) -> String {
        let count = range.upperBound - range.lowerBound
        if count == 1 { return "\(range.lowerBound) (1 record)" }
        return "\(range.lowerBound)…\(range.upperBound - 1) (\(count) records)"
    }
}

/// The intact part of a journal after a damaged region.
public struct IntactRemainder: Equatable, Sendable, CustomStringConvertible {
    /// File offset of the first intact block after the damage.
    public var offset: Int
    public var blocks: Int
    /// Records in those blocks, the footer not counted.
    public var records: UInt64
    /// Sequence numbers they span, from the first to the last intact one (gaps from further
    /// damage included).
    public var sequences: Range<UInt64>
    /// The footer, when it is among the intact blocks: it says how many records the session had.
    public var footer: JournalFooter?
    /// Further damaged regions between `offset` and the end of the file, and their bytes.
    public var furtherDamagedRegions: Int
    public var furtherDamagedBytes: Int

    public var description: String {
        var text = "\(blocks) intact block\(blocks == 1 ? "" : "s") with \(records) record\(records == 1 ? "" : "s")"
        if records > 0 { text += " (sequence \(sequences.lowerBound)…\(sequences.upperBound - 1))" }
        if let footer { text += " and the footer (sealed with \(footer.records) records)" }
        text += " follow at byte \(offset)"
        if furtherDamagedRegions > 0 {
            text += ", with \(furtherDamagedRegions) more damaged region\(furtherDamagedRegions == 1 ? "" : "s") (\(furtherDamagedBytes) bytes) among them"
        }
        return text
    }
}
