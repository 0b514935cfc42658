/// The first bytes of every journal: an LZ4 skippable frame (which `lz4 -dc` skips) holding
/// `"TDJ1" | formatVersion u16 | reserved u16 | idLength u16 | sessionId (UTF-8)`.
public struct JournalFileHeader: Equatable, Sendable {
    public static let magic: [UInt8] = Array("TDJ1".utf8)
    /// Version 2 added the `outbound-event` record type; version 1 files are still read (their
    /// derived events are `outbound` records, told apart by their JSON).
    public static let currentVersion: UInt16 = 2
    public static let readableVersions: ClosedRange<UInt16> = 1...currentVersion

    public var formatVersion: UInt16
    public var sessionId: String

    public init(sessionId: String, formatVersion: UInt16 = JournalFileHeader.currentVersion) {
        self.sessionId = sessionId
        self.formatVersion = formatVersion
    }

    func encoded() -> [UInt8] {
        let id = Array(sessionId.utf8)
        var content = JournalFileHeader.magic
        appendLE(formatVersion, to: &content)
        appendLE(UInt16(0), to: &content)
        appendLE(UInt16(id.count), to: &content)
        content.append(contentsOf: id)
        var frame = [UInt8]()
        appendLE(LZ4Frames.skippableMagic, to: &frame)
        appendLE(UInt32(content.count), to: &frame)
        frame.append(contentsOf: content)
        return frame
    }

    /// Parses the header; returns it and the offset of the first block.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> (JournalFileHeader, Int) {
        guard bytes.count >= 8, readLE(UInt32.self, bytes, 0) == LZ4Frames.skippableMagic else {
            throw JournalError.notAJournal("the file does not start with a Tapedeck journal header")
        }
        let size = Int(readLE(UInt32.self, bytes, 4))
        guard size >= 10, bytes.count >= 8 + size else {
            throw JournalError.notAJournal("the journal header is truncated")
        }
        guard Array(bytes[8..<12]) == magic else {
            throw JournalError.notAJournal("the skippable frame is not a Tapedeck header (magic is not TDJ1)")
        }
        let version = readLE(UInt16.self, bytes, 12)
        guard readableVersions.contains(version) else {
            throw JournalError.unsupportedVersion(version)
        }
        guard readLE(UInt16.self, bytes, 14) == 0 else {
            throw JournalError.notAJournal("reserved header bits are set (the header is damaged or from a newer format)")
        }
        let idLength = Int(readLE(UInt16.self, bytes, 16))
        guard 10 + idLength <= size, let id = String(validating: bytes[18..<(18 + idLength)], as: UTF8.self) else {
            throw JournalError.notAJournal("the session id in the header is malformed")
        }
        return (JournalFileHeader(sessionId: id, formatVersion: version), 8 + size)
    }
}
