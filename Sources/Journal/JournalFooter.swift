import Foundation

/// The last record of a cleanly closed (or recovered and sealed) journal.
/// Payload is JSON with a fixed key order:
/// `{"records":N,"chain":"<hex>","hmac":"<hex>"|null,"keyId":"…"|null,"recovered":bool}`.
public struct JournalFooter: Codable, Equatable, Sendable {
    /// Number of records before the footer.
    public var records: UInt64
    /// Hash chain head (hex) over those records.
    public var chain: String
    /// HMAC-SHA256 of chain head and count under the server journal key, if one was configured.
    public var hmac: String?
    public var keyId: String?
    /// True when the footer was written by recovery after the writer died.
    public var recovered: Bool

    func encoded() -> [UInt8] {
        func quoted(_ s: String?) -> String {
            guard let s else { return "null" }
            // Key ids and hex digests are plain ASCII; escape the two characters JSON requires anyway.
            return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let json = "{\"records\":\(records),\"chain\":\(quoted(chain)),\"hmac\":\(quoted(hmac)),\"keyId\":\(quoted(keyId)),\"recovered\":\(recovered)}"
        return Array(json.utf8)
    }

    static func decode(_ payload: [UInt8]) -> JournalFooter? {
        try? JSONDecoder().decode(JournalFooter.self, from: Data(payload))
    }
}
