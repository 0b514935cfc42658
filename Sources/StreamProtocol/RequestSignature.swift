import Digests
import Foundation

/// The RFC 9421 HTTP message signature profile AudioHook uses: HMAC-SHA256 keyed with the
/// base64-decoded client secret over six covered components. Pure: `now` is a parameter.
public enum RequestSignature {
    public static let requiredComponents = [
        "@request-target", "@authority", "audiohook-organization-id", "audiohook-session-id",
        "audiohook-correlation-id", "x-api-key",
    ]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missingHeaders
        case malformed(String)
        case unsupported(String)
        case keyMismatch
        case notYetValid
        case expired
        case badSecret
        case mismatch

        public var description: String {
            switch self {
            case .missingHeaders: return "UNSIGNED: Signature and Signature-Input headers are required"
            case .malformed(let why): return "INVALID: \(why)"
            case .unsupported(let why): return "UNSUPPORTED: \(why)"
            case .keyMismatch: return "INVALID: keyid does not match X-API-KEY"
            case .notYetValid: return "PRECONDITION: signature created in the future"
            case .expired: return "EXPIRED: signature too old or past its expiry"
            case .badSecret: return "FAILED: client secret is not valid base64"
            case .mismatch: return "FAILED: Signatures do not match"
            }
        }
    }

    /// What the signature covers, from the request.
    public struct Request: Sendable {
        /// Path plus `?query` exactly as sent.
        public var target: String
        /// The Host header (the client-facing authority).
        public var authority: String
        /// Lower-cased header names to canonical values.
        public var headers: [String: String]

        public init(target: String, authority: String, headers: [String: String]) {
            self.target = target
            self.authority = authority
            self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, b in a + ", " + b })
        }
    }

    public struct Parameters: Equatable, Sendable {
        public var components: [String]
        public var keyId: String
        public var nonce: String
        public var alg: String
        public var created: Int64
        public var expires: Int64?
    }

    /// Timing rules of the reference verifier: 3 s clock skew, signatures valid for 10 s after creation.
    public struct Window: Sendable {
        public var clockSkew: Int64 = 3
        public var maxAge: Int64 = 10
        public init(clockSkew: Int64 = 3, maxAge: Int64 = 10) { (self.clockSkew, self.maxAge) = (clockSkew, maxAge) }
    }

    // MARK: Verify

    public static func verify(_ request: Request, clientSecret: [UInt8], apiKey: String, now: Int64, window: Window = Window()) -> Result<Void, Failure> {
        guard let input = request.headers["signature-input"], let signature = request.headers["signature"] else {
            return .failure(.missingHeaders)
        }
        let parsed: (label: String, params: Parameters, inner: String)
        switch parseInput(input) {
        case .success(let p): parsed = p
        case .failure(let f): return .failure(f)
        }
        guard let mac = parseSignature(signature, label: parsed.label) else {
            return .failure(.malformed("Signature header has no \(parsed.label)=:<base64>: entry"))
        }
        let p = parsed.params
        for required in requiredComponents where !p.components.contains(required) {
            return .failure(.malformed("component \(required) is not covered"))
        }
        guard p.alg == "hmac-sha256" else { return .failure(.unsupported("alg \(p.alg)")) }
        guard p.nonce.utf8.count >= 22 else { return .failure(.malformed("nonce shorter than 22 characters")) }
        guard p.keyId == apiKey else { return .failure(.keyMismatch) }
        // The reference's arithmetic, skew included: created 6 s ago passes, 8 s ago does not.
        if p.created > now + window.clockSkew { return .failure(.notYetValid) }
        if let expires = p.expires, expires < now + window.clockSkew { return .failure(.expired) }
        if p.created + window.maxAge < now + window.clockSkew { return .failure(.expired) }
        guard let base = signatureBase(request, components: p.components, signatureParams: parsed.inner) else {
            return .failure(.malformed("a covered header is missing from the request"))
        }
        let expected = HMACSHA256.authenticate(Array(base.utf8), key: clientSecret)
        return !mac.isEmpty && HMACSHA256.constantTimeEqual(expected, mac) ? .success(()) : .failure(.mismatch)
    }

    // MARK: Sign (for our own client)

    /// Returns the `Signature-Input` and `Signature` header values.
    public static func sign(_ request: Request, clientSecretBase64: String, apiKey: String, nonce: String, created: Int64, expires: Int64) -> (input: String, signature: String)? {
        guard let secret = Data(base64Encoded: clientSecretBase64) else { return nil }
        let inner = "(" + requiredComponents.map { "\"\($0)\"" }.joined(separator: " ") + ")"
            + ";keyid=\"\(apiKey)\";nonce=\"\(nonce)\";alg=\"hmac-sha256\";created=\(created);expires=\(expires)"
        guard let base = signatureBase(request, components: requiredComponents, signatureParams: inner) else { return nil }
        let mac = HMACSHA256.authenticate(Array(base.utf8), key: [UInt8](secret))
        return ("sig1=" + inner, "sig1=:" + Data(mac).base64EncodedString() + ":")
    }

    // MARK: Parts

    static func signatureBase(_ request: Request, components: [String], signatureParams: String) -> String? {
        var lines: [String] = []
        for component in components {
            let value: String?
            switch component {
            case "@request-target": value = request.target
            case "@authority": value = request.authority.lowercased()
            default: value = request.headers[component].map(canonicalize)
            }
            guard let value else { return nil }
            lines.append("\"\(component)\": \(value)")
        }
        lines.append("\"@signature-params\": \(signatureParams)")
        return lines.joined(separator: "\n")
    }

    /// Header values: trimmed, obsolete line folding collapsed to one space.
    static func canonicalize(_ value: String) -> String {
        value.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\r\n" || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    /// Parses `label=("c1" "c2" …);k=v;…`, taking the first label. Returns the label, the
    /// parameters and the inner list exactly as sent (it is part of the signature base).
    static func parseInput(_ header: String) -> Result<(label: String, params: Parameters, inner: String), Failure> {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard let eq = text.firstIndex(of: "=") else { return .failure(.malformed("Signature-Input has no label")) }
        let label = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
        guard !label.isEmpty, label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "*" || $0 == "." }) else {
            return .failure(.malformed("bad signature label"))
        }
        var rest = text[text.index(after: eq)...]
        // Only the first signature counts: cut at a top-level comma.
        var depth = 0, inQuotes = false, end = rest.endIndex
        for i in rest.indices {
            let c = rest[i]
            if c == "\"" { inQuotes.toggle() }
            if !inQuotes { if c == "(" { depth += 1 } else if c == ")" { depth -= 1 } else if c == ",", depth == 0 { end = i; break } }
        }
        rest = rest[..<end]
        let inner = String(rest).trimmingCharacters(in: .whitespaces)
        guard inner.hasPrefix("("), let close = inner.firstIndex(of: ")") else {
            return .failure(.malformed("Signature-Input has no component list"))
        }
        let list = inner[inner.index(after: inner.startIndex)..<close]
        var components: [String] = []
        for item in list.split(separator: " ", omittingEmptySubsequences: true) {
            guard item.hasPrefix("\""), item.hasSuffix("\""), item.count >= 2 else {
                return .failure(.malformed("component \(item) is not a quoted string"))
            }
            if item.contains(";") { return .failure(.unsupported("component parameters")) }
            let name = String(item.dropFirst().dropLast())
            if name == "@signature-params" { return .failure(.malformed("@signature-params cannot be covered")) }
            if name == "@query-params" { return .failure(.unsupported("@query-params")) }
            if name.hasPrefix("@"), !["@request-target", "@authority", "@method", "@path", "@query", "@scheme", "@target-uri"].contains(name) {
                return .failure(.malformed("unknown derived component \(name)"))
            }
            if components.contains(name) { return .failure(.malformed("component \(name) listed twice")) }
            components.append(name)
        }
        var params: [String: String] = [:]
        for piece in inner[inner.index(after: close)...].split(separator: ";", omittingEmptySubsequences: true) {
            let kv = piece.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { return .failure(.malformed("parameter \(piece) has no value")) }
            guard ["alg", "created", "expires", "keyid", "nonce"].contains(kv[0]) else {
                return .failure(.malformed("signature parameter \(kv[0]) is not allowed"))
            }
            var value = kv[1]
            if value.hasPrefix("\"") { guard value.hasSuffix("\""), value.count >= 2 else { return .failure(.malformed("unterminated \(kv[0])")) }; value = String(value.dropFirst().dropLast()) }
            params[kv[0]] = value
        }
        guard let keyId = params["keyid"] else { return .failure(.malformed("keyid is missing")) }
        guard let nonce = params["nonce"] else { return .failure(.malformed("nonce is missing")) }
        guard let createdText = params["created"], let created = Int64(createdText) else { return .failure(.malformed("created is missing or not an integer")) }
        var expires: Int64?
        if let e = params["expires"] { guard let v = Int64(e) else { return .failure(.malformed("expires is not an integer")) }; expires = v }
        return .success((label, Parameters(components: components, keyId: keyId, nonce: nonce, alg: params["alg"] ?? "hmac-sha256", created: created, expires: expires), inner))
    }

    static func parseSignature(_ header: String, label: String) -> [UInt8]? {
        for entry in header.split(separator: ",") {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(label + "=:"), trimmed.hasSuffix(":") else { continue }
            let b64 = trimmed.dropFirst(label.count + 2).dropLast()
            return Data(base64Encoded: String(b64)).map { [UInt8]($0) }
        }
        return nil
    }

}
