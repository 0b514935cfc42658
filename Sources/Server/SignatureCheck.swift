import Foundation
import Hummingbird
import Logging
import StreamProtocol

/// Checks AudioHook request signatures against the wall clock (the only clock read here is
/// at the HTTP layer; nothing derived from the journal depends on it).
public enum SignatureCheck {
    public static func verifier(window: RequestSignature.Window = .init(), logger: Logger) -> @Sendable (Request, [UInt8], String) -> Bool {
        { request, secret, apiKey in
            let headers = Authenticator.headerFields(request)
            // HTTP/1 Host arrives as the :authority pseudo-header, not as a header field.
            let authority = request.head.authority ?? headers["host"] ?? ""
            let signed = RequestSignature.Request(target: request.head.path ?? request.uri.description, authority: authority, headers: headers)
            switch RequestSignature.verify(signed, clientSecret: secret, apiKey: apiKey, now: Int64(Date().timeIntervalSince1970), window: window) {
            case .success: return true
            case .failure(let failure):
                logger.notice("AudioHook signature refused", metadata: ["reason": "\(failure)"])
                return false
            }
        }
    }
}
