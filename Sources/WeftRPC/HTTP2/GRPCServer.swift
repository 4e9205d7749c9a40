import NIOCore
import NIOPosix
import WeftHTTP2
import WeftTLS

/// A gRPC server: registered services over HTTP/2 on one listening socket, with mutual TLS
/// (ALPN h2) or, when no TLS context is given, prior-knowledge h2c.
public final class GRPCServer: Sendable {
    /// Server-wide limits.
    public struct Configuration: Sendable {
        public var http2 = HTTP2Configuration.defaults
        /// The largest request message accepted (RESOURCE_EXHAUSTED beyond).
        public var maximumReceiveMessageSize = 4 * 1024 * 1024

        public init() {}
    }

    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    /// The port the server listens on (useful after binding port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.channel = channel
        self.group = group
    }

    /// Starts listening on `host`:`port` (0 picks a free port) for calls to `services`, over TLS
    /// when `tls` is given (plaintext h2c only when it is nil).
    public static func start(
        host: String = "127.0.0.1", port: Int, tls: TLSContext?, services: [any RegisteredService],
        interceptors: [any ServerInterceptor] = [], configuration: Configuration = Configuration(),
        threads: Int = System.coreCount
    ) async throws -> GRPCServer {
        let dispatcher = CallDispatcher(services: services, interceptors: interceptors)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let tlsHandler = tls.map(TLSHandler.init(context:))
                    if let tlsHandler { try channel.pipeline.syncOperations.addHandler(tlsHandler) }
                    try channel.pipeline.syncOperations.addHandler(
                        HTTP2ConnectionHandler(role: .server, configuration: configuration.http2) { connection in
                            GRPCServerStreams(
                                connection: connection, dispatcher: dispatcher,
                                maximumMessageSize: configuration.maximumReceiveMessageSize,
                                peerIdentity: { tlsHandler?.peer?.description })
                        })
                }
            }
            .bind(host: host, port: port)
            .get()
        return GRPCServer(channel: channel, group: group)
    }

    /// Stops listening and closes the event loops.
    public func shutdown() async throws {
        try await channel.close().get()
        try await group.shutdownGracefully()
    }
}
