import Journal

/// Journal reading of arbitrary file bytes, with and without a sealing key: a scan result or a
/// `JournalError`; never a trap, and never more records handed out than the scan counts. The
/// same bytes are also read as a decompressed block (a run of records), which the LZ4 content
/// checksum otherwise keeps mutations from reaching.
enum JournalFuzzing {
    static let key = JournalKey(id: "fuzz", secret: Array("fuzz-journal-key".utf8))

    static func run(_ bytes: [UInt8]) {
        for key in [nil, key] {
            var delivered: UInt64 = 0
            guard let scan = try? JournalReader.scan(contentsOf: bytes, key: key, body: { _ in delivered += 1 }) else { continue }
            guard delivered == scan.recordCount, scan.goodLength <= bytes.count, scan.fileLength == bytes.count else {
                preconditionFailure("scan delivered \(delivered) of \(scan.recordCount) records, good length \(scan.goodLength) of \(bytes.count)")
            }
        }
        bytes.withUnsafeBytes { raw in
            var position = 0
            while position < raw.count, case .success(let (record, next)) = RecordCodec.decode(raw, at: position) {
                precondition(next > position && next <= raw.count, "record at \(position) ends at \(next) of \(raw.count)")
                precondition(record.payload.count == next - position - RecordCodec.headerSize, "payload length")
                position = next
            }
        }
    }
}
