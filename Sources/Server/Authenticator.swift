import Foundation
import Pipeline
import HTTPTypes
import Hummingbird

/// Decides, before the WebSocket upgrade, who is connecting.
/// Seed clients put the key in `?x-api-key=`; AudioHook clients send `X-API-KEY` and sign the
/// request (RFC 9421), which `verifySignature` checks with the key's client secret.
struct Authenticator: Sendable {
    typealias SignatureVerifier = @Sendable (_ request: Request, _ clientSecret: [UInt8], _ apiKey: String) -> Bool

    let store: KeyStore
    let verifySignature: SignatureVerifier

    enum Outcome: Equatable {
        case accepted(AuthenticatedKey, ConnectionFacts)
        case refused(reason: String)
    }

    /// Header names that carry credentials: never journaled, never logged.
    static let credentialHeaders: Set<String> = ["x-api-key", "signature", "signature-input", "authorization", "cookie"]

    func authenticate(_ request: Request) async -> Outcome {
        let query = Self.queryItems(request.uri.query ?? "")
        let headers = Self.headerFields(request)
        let headerKey = headers["x-api-key"]
        let queryKey = query["x-api-key"]
        guard let apiKey = headerKey ?? queryKey, !apiKey.isEmpty else {
            return .refused(reason: "no API key (pass ?x-api-key= or the X-API-KEY header)")
        }
        guard let key = await store.authenticate(apiKey: apiKey) else {
            return .refused(reason: "unknown or revoked API key")
        }
        let isAudioHook = headers.keys.contains { $0.hasPrefix("audiohook-") }
        if isAudioHook || headers["signature-input"] != nil {
            guard headers["signature"] != nil, headers["signature-input"] != nil else {
                return .refused(reason: "AudioHook requests must be signed (Signature and Signature-Input headers)")
            }
            guard verifySignature(request, key.clientSecret, apiKey) else {
                return .refused(reason: "bad request signature")
            }
        }
        let facts = ConnectionFacts(
            organization: key.organization,
            keyId: key.keyId,
            dialect: isAudioHook ? "audiohook" : "seed",
            headers: headers.filter { !Self.credentialHeaders.contains($0.key) },
            query: query.filter { $0.key != "x-api-key" },
            path: request.uri.path)
        return .accepted(key, facts)
    }

    /// Lower-cased header names to values; repeated fields joined the way RFC 9110 combines them.
    static func headerFields(_ request: Request) -> [String: String] {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        return headers
    }

    static func queryItems(_ query: String) -> [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let name = parts.first?.removingPercentEncoding else { continue }
            let value = parts.count > 1 ? (parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            if items[name] == nil { items[name] = value }
        }
        return items
    }
}
