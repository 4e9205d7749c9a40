import NIOCore
import WeftHTTP2
import WeftTLS
import WeftRPC

/// The last handler of a server connection: reports the first refusal that reaches it (a
/// `TLSError` or an `HTTP2Error`) with the peer's address, once per connection. I/O errors (a
/// peer resetting the connection) are the peer's business and are not reported.
final class ConnectionFailureReporter: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let report: @Sendable (String, any Error) -> Void
    private var reported = false

    init(report: @escaping @Sendable (String, any Error) -> Void) {
        self.report = report
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !reported, error is TLSError || error is HTTP2Error else { return }
        reported = true
        report(context.channel.remoteAddress.map(Self.describe) ?? "an unknown peer", error)
    }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
