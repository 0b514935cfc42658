import Hummingbird
import Logging

/// Authenticates a stream connection once, in front of the upgrade route, and leaves what it
/// learned on the request context: the upgrade decision and the session that follows read it
/// there instead of checking the key (and the AudioHook signature, whose nonce and clock window
/// make it a one-shot check) a second time.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = StreamRequestContext
    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch await authenticator.authenticate(request) {
        case .refused(let reason):
            // The reason is for the server log; the client only learns "401".
            context.logger.notice("refused stream connection", metadata: ["reason": "\(reason)", "peer": "\(context.channel.remoteAddress?.description ?? "?")"])
            UpgradeRefusals.shared.refuse(context.channel, with: .unauthorized)
            // Any answer but 200 refuses the upgrade; RefusalStatusHandler puts the 401 on the wire.
            return Response(status: .unauthorized)
        case .accepted(_, let facts):
            var context = context
            context.connection = facts
            return try await next(request, context)
        }
    }
}
