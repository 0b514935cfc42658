import Foundation
import Testing
@testable import StreamProtocol

@Suite struct JSONTests {
    @Test func roundTripKeepsOrderAndTypes() throws {
        let text = #"{"b":1,"a":[true,false,null,"x\"y",1.5,-2],"c":{"z":"ü\n"}}"#
        let value = try JSONValue.parse(text)
        #expect(value.serialized == text)
        #expect(value["a"]?.arrayValue?.first == .bool(true))
        #expect(value["b"]?.intValue == 1)
    }

    @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "tru", "{\"a\":1}x", "\"\u{01}\"", "01x", "{'a':1}", "-", "1.", "1e",
                      #""\u+041""#, #""\u-041""#, #""\ud83d\u+e00""#])
    func malformedJSONIsRefused(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.tooDeep) { try JSONValue.parse(deep) }
    }

    @Test func escapesAndSurrogatesDecode() throws {
        #expect(try JSONValue.parse(#""\ud83d\ude00 \u00e7""#) == .string("😀 ç"))
        #expect(JSONValue.string("a\u{1}b").serialized == #""a\u0001b""#)
        #expect(JSONValue.double(0.000001).serialized == "0.000001")
    }
}

@Suite struct DurationTests {
    @Test func wireFormsParseExactly() {
        #expect(ProtocolDuration("PT0S")?.microseconds == 0)
        #expect(ProtocolDuration("PT1.25S")?.microseconds == 1_250_000)
        #expect(ProtocolDuration("PT0.002458326S")?.microseconds == 2458)
        #expect(ProtocolDuration("PT.5S")?.microseconds == 500_000)
        #expect(ProtocolDuration(microseconds: 1_250_000).description == "PT1.25S")
        #expect(ProtocolDuration(microseconds: 3_000_000).description == "PT3S")
        #expect(ProtocolDuration(samples: 1600, rate: 8000).description == "PT0.2S")
    }

    @Test(arguments: ["PT1M", "P1S", "PT-1S", "PT1", "PTS", "PT1.S", "PT1e3S", "PT1.2.3S", " PT1S", "PT1.0000000001S", "pt1s"])
    func otherFormsAreRefused(_ text: String) {
        #expect(ProtocolDuration(text) == nil)
    }
}

@Suite struct IdentifierTests {
    @Test func uuidsAndLanguageTags() {
        #expect(ProtocolIdentifiers.isUUID("30b0e395-84d3-4570-ac13-9a62d8f514c0"))
        #expect(ProtocolIdentifiers.isUUID("30B0E395-84D3-4570-AC13-9A62D8F514C0"))
        #expect(ProtocolIdentifiers.isUUID(ProtocolIdentifiers.nilUUID))
        #expect(!ProtocolIdentifiers.isUUID("30b0e395-84d3-6570-ac13-9a62d8f514c0"))  // version 6
        #expect(!ProtocolIdentifiers.isUUID("30b0e395-84d3-4570-cc13-9a62d8f514c0"))  // variant
        #expect(!ProtocolIdentifiers.isUUID("not-a-uuid"))
        #expect(ProtocolIdentifiers.isLanguageTag("en-US"))
        #expect(ProtocolIdentifiers.isLanguageTag("cmn-CN"))
        #expect(!ProtocolIdentifiers.isLanguageTag("en"))
        #expect(!ProtocolIdentifiers.isLanguageTag("EN-us"))
        #expect(!ProtocolIdentifiers.isLanguageTag("en-US-x"))
    }
}

@Suite struct SignatureTests {
    static let secret = [UInt8](Data(base64Encoded: "TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=")!)
    static let apiKey = "SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh"
    static let inputHeader = #"sig1=("@request-target" "@authority" "audiohook-organization-id" "audiohook-session-id" "audiohook-correlation-id" "x-api-key");keyid="SGVsbG8sIEkgYW0gdGhlIEFQSSBrZXkh";nonce="VGhpc0lzQVVuaXF1ZU5vbmNl";alg="hmac-sha256";created=1641013200;expires=3282026430"#

    static func request(signature: String = "sig1=:NZBwyBHRRyRoeLqy1IzOa9VYBuI8TgMFt2GRDkDuJh4=:", input: String = inputHeader) -> RequestSignature.Request {
        RequestSignature.Request(target: "/api/v1/voicebiometrics/ws", authority: "audiohook.example.com", headers: [
            "Audiohook-Organization-Id": "d7934305-0972-4844-938e-9060eef73d05",
            "Audiohook-Session-Id": "30b0e395-84d3-4570-ac13-9a62d8f514c0",
            "Audiohook-Correlation-Id": "e160e428-53e2-487c-977d-96989bf5c99d",
            "X-API-KEY": apiKey,
            "Signature-Input": input,
            "Signature": signature,
        ])
    }

    @Test func goldenVectorFromTheAudioHookDocumentationVerifies() {
        let result = RequestSignature.verify(Self.request(), clientSecret: Self.secret, apiKey: Self.apiKey, now: 1_641_013_200)
        #expect((try? result.get()) != nil)
    }

    @Test func ourSignerProducesTheGoldenSignature() throws {
        var request = Self.request()
        request.headers["signature"] = nil
        request.headers["signature-input"] = nil
        let signed = try #require(RequestSignature.sign(request, clientSecretBase64: "TXlTdXBlclNlY3JldEtleVRlbGxOby0xITJAMyM0JDU=", apiKey: Self.apiKey,
                                                        nonce: "VGhpc0lzQVVuaXF1ZU5vbmNl", created: 1_641_013_200, expires: 3_282_026_430))
        #expect(signed.signature == "sig1=:NZBwyBHRRyRoeLqy1IzOa9VYBuI8TgMFt2GRDkDuJh4=:")
        #expect(signed.input == Self.inputHeader)
    }

    @Test func tamperingTimingAndKeyRulesAreEnforced() {
        func verify(_ r: RequestSignature.Request, now: Int64 = 1_641_013_200, key: String = SignatureTests.apiKey, secret: [UInt8] = SignatureTests.secret) -> RequestSignature.Failure? {
            if case .failure(let f) = RequestSignature.verify(r, clientSecret: secret, apiKey: key, now: now) { return f }
            return nil
        }
        var wrongHost = Self.request()
        wrongHost.authority = "evil.example.com"
        #expect(verify(wrongHost) == .mismatch)
        #expect(verify(Self.request(), secret: Array("other".utf8)) == .mismatch)
        #expect(verify(Self.request(), key: "another-key") == .keyMismatch)
        #expect(verify(Self.request(), now: 1_641_013_200 + 6) == nil, "6 s old is still fresh")
        #expect(verify(Self.request(), now: 1_641_013_200 + 8) == .expired)
        #expect(verify(Self.request(), now: 1_641_013_200 - 2) == nil, "2 s of clock skew is tolerated")
        #expect(verify(Self.request(), now: 1_641_013_200 - 5) == .notYetValid)
        var unsigned = Self.request()
        unsigned.headers["signature"] = nil
        #expect(verify(unsigned) == .missingHeaders)
        #expect(verify(Self.request(input: Self.inputHeader.replacingOccurrences(of: #""x-api-key")"#, with: ")"))) == .malformed("component x-api-key is not covered"))
        #expect(verify(Self.request(input: Self.inputHeader.replacingOccurrences(of: "VGhpc0lzQVVuaXF1ZU5vbmNl", with: "short"))) == .malformed("nonce shorter than 22 characters"))
        #expect(verify(Self.request(input: Self.inputHeader + ";tag=\"x\"")) == .malformed("signature parameter tag is not allowed"))
        #expect(verify(Self.request(input: Self.inputHeader.replacingOccurrences(of: "hmac-sha256", with: "rsa-pss-sha512"))) == .unsupported("alg rsa-pss-sha512"))
        #expect(verify(Self.request(signature: "sig1=:not base64:")) != nil)
        #expect(verify(Self.request(input: "garbage")) != nil)
    }
}
