// Journal's public API speaks in these digests (footers, chain heads), so it re-exports them.
@_exported import Digests

/// What a record holds. Raw values are the on-disk type byte and never change meaning.
public enum RecordType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Session header, JSON: everything the reducers depend on besides the records.
    case sessionHeader = 1
    /// A text frame received from the client, verbatim.
    case inboundText = 2
    /// A binary frame received from the client (audio), verbatim.
    case inboundBinary = 3
    /// A protocol reply as it was sent to the client (text unless `RecordFlags.binary`).
    case outbound = 4
    /// The transport closed; payload is a JSON reason.
    case transportClosed = 5
    /// Seals the file: record count, hash chain head, optional HMAC. Always last.
    case sessionFooter = 6
    /// The result of a non-deterministic external effect, replayed instead of re-requested.
    case effect = 7
    /// A derived event (transcript, analysis) as it was sent to the client (format version 2 on).
    case outboundEvent = 8

    public var description: String {
        switch self {
        case .sessionHeader: return "session-header"
        case .inboundText: return "inbound-text"
        case .inboundBinary: return "inbound-binary"
        case .outbound: return "outbound"
        case .transportClosed: return "transport-closed"
        case .sessionFooter: return "session-footer"
        case .effect: return "effect"
        case .outboundEvent: return "outbound-event"
        }
    }
}

/// Per-record flag bits.
public struct RecordFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The payload is binary rather than UTF-8 text (meaningful for `outbound` and `effect`).
    public static let binary = RecordFlags(rawValue: 1 << 0)
}

/// One journal record. `sequence` is assigned by the writer (0, 1, 2, … in file order);
/// `receivedAt` is the server's receive time in microseconds since the Unix epoch, written
/// once so that replay never has to read a clock.
public struct JournalRecord: Equatable, Sendable {
    public var type: RecordType
    public var flags: RecordFlags
    public var sequence: UInt64
    public var receivedAt: Int64
    public var payload: [UInt8]

    public init(type: RecordType, flags: RecordFlags = [], sequence: UInt64, receivedAt: Int64, payload: [UInt8]) {
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.receivedAt = receivedAt
        self.payload = payload
    }

    /// The payload as UTF-8 text, when it is text.
    public var text: String? {
        if type == .inboundBinary || flags.contains(.binary) { return nil }
        return String(validating: payload, as: UTF8.self)
    }
}

/// The fixed record layout, little-endian:
/// `crc32c u32 | length u32 | type u8 | flags u8 | reserved u16 (0) | sequence u64 | receivedAt i64 | payload`
/// The CRC covers every byte after itself (header tail and payload).
public enum RecordCodec {
    public static let headerSize = 28
    /// Records larger than this are refused: they would only come from a bug or an attack.
    public static let maxPayload = 64 << 20

    /// Appends the encoded record to `buffer`; returns the range it occupies.
    @discardableResult
    public static func encode(_ record: JournalRecord, into buffer: inout [UInt8]) -> Range<Int> {
        let start = buffer.count
        let needed = start + headerSize + record.payload.count
        // Grow geometrically: reserving exactly what each record needs would copy the buffer every time.
        if buffer.capacity < needed { buffer.reserveCapacity(max(needed, buffer.capacity * 2)) }
        appendLE(UInt32(0), to: &buffer)  // CRC placeholder
        appendLE(UInt32(record.payload.count), to: &buffer)
        buffer.append(record.type.rawValue)
        buffer.append(record.flags.rawValue)
        appendLE(UInt16(0), to: &buffer)
        appendLE(record.sequence, to: &buffer)
        appendLE(UInt64(bitPattern: record.receivedAt), to: &buffer)
        buffer.append(contentsOf: record.payload)
        let crc = buffer.withUnsafeBytes { all in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[(start + 4)...]))
        }
        writeLE(crc, into: &buffer, at: start)
        return start..<buffer.count
    }

    public enum DecodeFailure: Error, Equatable, Sendable {
        case truncated
        case checksumMismatch
        case unknownType(UInt8)
        case badReservedBits
        case tooLarge(Int)
    }

    /// Decodes the record starting at `offset` in `bytes`.
    /// Returns the record and the offset just past it.
    public static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Result<(JournalRecord, Int), DecodeFailure> {
        guard bytes.count - offset >= headerSize else { return .failure(.truncated) }
        let storedCRC = readLE(UInt32.self, bytes, offset)
        let length = Int(readLE(UInt32.self, bytes, offset + 4))
        guard length <= maxPayload else { return .failure(.tooLarge(length)) }
        guard bytes.count - offset - headerSize >= length else { return .failure(.truncated) }
        let end = offset + headerSize + length
        let actualCRC = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<end]))
        guard storedCRC == actualCRC else { return .failure(.checksumMismatch) }
        guard let type = RecordType(rawValue: bytes[offset + 8]) else { return .failure(.unknownType(bytes[offset + 8])) }
        guard readLE(UInt16.self, bytes, offset + 10) == 0 else { return .failure(.badReservedBits) }
        let record = JournalRecord(
            type: type,
            flags: RecordFlags(rawValue: bytes[offset + 9]),
            sequence: readLE(UInt64.self, bytes, offset + 12),
            receivedAt: Int64(bitPattern: readLE(UInt64.self, bytes, offset + 20)),
            payload: Array(bytes[(offset + headerSize)..<end])
        )
        return .success((record, end))
    }
}

// MARK: - Little-endian helpers

@inline(__always)
func appendLE<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
}

@inline(__always)
func writeLE<T: FixedWidthInteger>(_ value: T, into buffer: inout [UInt8], at offset: Int) {
    withUnsafeBytes(of: value.littleEndian) { raw in
        for i in 0..<raw.count { buffer[offset + i] = raw[i] }
    }
}

@inline(__always)
func readLE<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
    T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
}
