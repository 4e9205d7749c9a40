import NIOCore

/// The last handler of a server connection: reports the first error that reaches it (the TLS
/// handler's refusal, say) with the peer's address, once per connection.
final class ConnectionFailureReporter: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let report: @Sendable (String, any Error) -> Void
    private var reported = false

    init(report: @escaping @Sendable (String, any Error) -> Void) {
        self.report = report
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !reported else { return }
        reported = true
        report(context.channel.remoteAddress.map(Self.describe) ?? "an unknown peer", error)
    }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
