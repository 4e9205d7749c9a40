import NIOCore
import NIOHTTP1
import WeftHTTP2

/// Picks a connection's protocol from its first bytes: the HTTP/2 client preface means HTTP/2
/// (prior-knowledge h2c, or h2 after TLS), anything else HTTP/1.1. It then installs that
/// protocol's handlers behind itself, replays what it read, and leaves the pipeline.
final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private static let http2Preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let gateway: Gateway
    private var received: ByteBuffer?
    /// Closes a connection that has not shown its protocol within the preface timeout.
    private var deadline: Scheduled<Void>?

    init(gateway: Gateway) {
        self.gateway = gateway
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: TimeAmount(gateway.configuration.prefaceTimeout)) {
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        if received == nil {
            received = chunk
        } else {
            received!.writeBuffer(&chunk)
        }
        guard let received else { return }
        let seen = received.readableBytesView.prefix(Self.http2Preface.count)
        let isHTTP2 = seen.elementsEqual(Self.http2Preface.prefix(seen.count))
        // Still a prefix of the preface: wait for more before deciding.
        if isHTTP2, seen.count < Self.http2Preface.count { return }
        do {
            try install(http2: isHTTP2, context: context)
        } catch {
            context.close(promise: nil)
            return
        }
        self.received = nil
        context.fireChannelRead(NIOAny(received))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// The front's HTTP/2 settings: header blocks are kept up to twice the gateway's header
    /// limit (HTTP/2 counts 32 bytes more per field than the front's HTTP/1.1-style measure,
    /// which decides the 431), and only counted beyond, so a block's size bounds its memory.
    static func http2Configuration(for configuration: GatewayConfiguration) -> HTTP2Configuration {
        var http2 = configuration.frontHTTP2
        http2.maximumHeaderListSize = UInt32(clamping: 2 * configuration.maximumHeaderBytes)
        // The sniffer waited for the preface's first bytes; HTTP/2 waits again for the rest and SETTINGS.
        http2.peerLimits.prefaceTimeout = TimeAmount(configuration.prefaceTimeout)
        http2.peerLimits.headerBlockTimeout = TimeAmount(configuration.headerBlockTimeout)
        return http2
    }

    private func install(http2: Bool, context: ChannelHandlerContext) throws {
        let pipeline = context.pipeline.syncOperations
        let gateway = self.gateway
        if http2 {
            let clientAddress = context.channel.remoteAddress?.ipAddress ?? "unknown"
            try pipeline.addHandler(
                HTTP2ConnectionHandler(role: .server, configuration: Self.http2Configuration(for: gateway.configuration)) { _ in
                    HTTP2FrontStreams(gateway: gateway, clientAddress: clientAddress)
                },
                position: .after(self))
        } else {
            try pipeline.addHandler(HTTP1FrontHandler(gateway: gateway), position: .after(self))
            try pipeline.configureHTTPServerPipeline(position: .after(self), withPipeliningAssistance: true, withErrorHandling: true)
        }
    }
}
