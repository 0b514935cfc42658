import HTTPTypes
import Synchronization
import NIOCore
import NIOHTTPTypes

/// hummingbird-websocket answers every refused upgrade with 400. Authentication failures must be
/// 401 (and overload 503), so the upgrade check records the status it wants for its channel here,
/// and `RefusalStatusHandler`, sitting in that channel's HTTP pipeline, rewrites the response head.
final class UpgradeRefusals: Sendable {
    static let shared = UpgradeRefusals()
    private let statuses = Mutex<[ObjectIdentifier: HTTPResponse.Status]>([:])

    func refuse(_ channel: any Channel, with status: HTTPResponse.Status) {
        statuses.withLock { $0[ObjectIdentifier(channel)] = status }
        channel.closeFuture.whenComplete { _ in self.forget(channel) }
    }

    func take(_ channel: any Channel) -> HTTPResponse.Status? {
        statuses.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func forget(_ channel: any Channel) {
        statuses.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

final class RefusalStatusHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    /// Hears each refusal's status as it goes on the wire (the metrics' 401 and 503 counts).
    let onRefusal: @Sendable (Int) -> Void

    init(onRefusal: @escaping @Sendable (Int) -> Void = { _ in }) { self.onRefusal = onRefusal }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var part = unwrapOutboundIn(data)
        if case .head(var head) = part, head.status == .badRequest, let status = UpgradeRefusals.shared.take(context.channel) {
            head.status = status
            if status == .unauthorized { head.headerFields[.wwwAuthenticate] = "ApiKey" }
            // Every overload refusal says when to come back (the admission decision's estimate).
            if status == .serviceUnavailable {
                head.headerFields[.retryAfter] = "\(RetryAfterHints.shared.take(context.channel) ?? AdmissionSettings().retryAfterSeconds)"
            }
            part = .head(head)
            onRefusal(status.code)
        }
        context.write(wrapOutboundOut(part), promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        UpgradeRefusals.shared.forget(context.channel)
    }
}
