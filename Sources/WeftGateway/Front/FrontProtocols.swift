import NIOCore
import NIOHTTP1
import WeftHTTP2

/// The handlers that serve the gateway's front in each protocol, installed once a connection
/// has shown which it speaks (`HTTP2PrefaceSniffer`).
enum FrontProtocols {
    /// A sniffer that serves the connection as HTTP/2 or HTTP/1.1, whichever it speaks.
    static func sniffer(for gateway: Gateway) -> HTTP2PrefaceSniffer {
        HTTP2PrefaceSniffer(timeout: TimeAmount(gateway.configuration.prefaceTimeout)) { http2, context in
            if http2 {
                try installHTTP2(after: context, gateway: gateway)
            } else {
                try installHTTP1(after: context, gateway: gateway)
            }
        }
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

    private static func installHTTP2(after context: ChannelHandlerContext, gateway: Gateway) throws {
        let clientAddress = context.channel.remoteAddress?.ipAddress ?? "unknown"
        try context.pipeline.syncOperations.addHandler(
            HTTP2ConnectionHandler(role: .server, configuration: http2Configuration(for: gateway.configuration)) { _ in
                HTTP2FrontStreams(gateway: gateway, clientAddress: clientAddress)
            },
            position: .after(context.handler))
    }

    /// Serves an HTTP/1.1 connection (keep-alive and pipelining) with `gateway`; its requests
    /// carry `callerIdentity`, what the client's certificate proves on a mutual-TLS port.
    static func installHTTP1(after context: ChannelHandlerContext, gateway: Gateway, callerIdentity: String? = nil) throws {
        let pipeline = context.pipeline.syncOperations
        try pipeline.addHandler(HTTP1FrontHandler(gateway: gateway, callerIdentity: callerIdentity), position: .after(context.handler))
        try pipeline.configureHTTPServerPipeline(position: .after(context.handler), withPipeliningAssistance: true, withErrorHandling: true)
    }
}
