import Hummingbird
import NIOCore

/// Request context for the plain HTTP routes (health, readiness, the console): keeps the peer
/// address, which the console's login throttle keys on.
public struct WebRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
