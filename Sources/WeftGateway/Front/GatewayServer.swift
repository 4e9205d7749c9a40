import NIOCore
import NIOPosix
import WeftTLS

/// The gateway listening: HTTP/1.1 and HTTP/2 on one port (prior-knowledge h2c in plaintext),
/// every request answered by a `Gateway`.
public final class GatewayServer: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    /// The request handling behind the front.
    public let gateway: Gateway

    /// The port the front listens on (useful after binding port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup, gateway: Gateway) {
        self.channel = channel
        self.group = group
        self.gateway = gateway
    }

    /// Starts `gateway`'s front on its configured host and port.
    public static func start(_ gateway: Gateway, threads: Int = System.coreCount) async throws -> GatewayServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let configuration = gateway.configuration
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ProtocolSniffer(gateway: gateway))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        return GatewayServer(channel: channel, group: group, gateway: gateway)
    }

    /// Stops accepting connections, marks the gateway not ready, gives requests in flight
    /// `gracePeriod` to finish, then closes everything.
    public func shutdown(gracePeriod: Duration = .seconds(5)) async throws {
        gateway.startDraining()
        try await channel.close().get()
        let deadline = ContinuousClock.now + gracePeriod
        while gateway.requestsInFlight > 0, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        await gateway.close()
        try await group.shutdownGracefully()
    }
}
