import Hummingbird
import HummingbirdWebSocket
import NIOCore
import Pipeline

/// Request context for the stream endpoint: keeps the channel, so an upgrade refusal can be
/// tied to its connection (see `UpgradeRefusals`) and the peer address logged.
public struct StreamRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<StreamRequestContext>
    public let channel: any Channel
    /// Who is connecting, set by `AuthenticationMiddleware` before the upgrade route runs; nil
    /// only on a route the middleware does not guard.
    var connection: ConnectionFacts?
    /// The session slot reserved when the upgrade was granted, for the session to take over.
    let slot = SlotHandOver()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}
