extension JournalReader {
    /// Reads a journal already in memory (the fuzz targets feed arbitrary bytes here; tools that
    /// hold a file's bytes need not write them out first). Same checks as `scan(_:key:body:)`.
    @discardableResult
    public static func scan(contentsOf bytes: [UInt8], key: JournalKey? = nil,
                            body: (JournalRecord) throws -> Void = { _ in }) throws -> JournalScan {
        try bytes.withUnsafeBytes { try scan(bytes: $0, key: key, body: body) }
    }
}
