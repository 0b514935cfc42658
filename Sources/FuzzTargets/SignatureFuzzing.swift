import StreamProtocol

/// RFC 9421 verification with fuzzed `Signature-Input` and `Signature` headers. The input is the
/// two header values separated by a newline; the rest of the request is the AudioHook
/// documentation's example, so the verifier gets past the header lookups. Never a trap.
enum SignatureFuzzing {
    static let apiKey = "SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh"
    static let secret = Array("MySuperSecretKeyTellNo-1!2@3#4$5".utf8)
    /// The documentation example's `created` time, so its signature is inside the window.
    static let now: Int64 = 1_641_013_202

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        var headers = [
            "Audiohook-Organization-Id": "d7934305-0972-4844-938e-9060eef73d05",
            "Audiohook-Session-Id": "30b0e395-84d3-4570-ac13-9a62d8f514c0",
            "Audiohook-Correlation-Id": "e160e428-53e2-487c-977d-96989bf5c99d",
            "X-API-KEY": apiKey,
            "Signature-Input": String(parts[0]),
        ]
        if parts.count > 1 { headers["Signature"] = String(parts[1]) }
        let request = RequestSignature.Request(target: "/api/v1/voicebiometrics/ws", authority: "audiohook.example.com", headers: headers)
        for now in [now, 0] {
            _ = RequestSignature.verify(request, clientSecret: secret, apiKey: apiKey, now: now)
        }
    }
}
