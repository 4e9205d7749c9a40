import CoreMetrics
import NIOCore
import NIOPosix
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// The gateway listening: HTTP/1.1 and HTTP/2 on one port (over server-only TLS with ALPN `h2`
/// or `http/1.1` when configured, else plaintext with prior-knowledge h2c), every request
/// answered by a `Gateway`.
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

    /// Starts `gateway`'s front on its configured host and port, with `threads` event loops
    /// (by default the configuration's `threads`, else one per core).
    public static func start(_ gateway: Gateway, threads: Int? = nil) async throws -> GatewayServer {
        let threads = threads ?? gateway.configuration.threads ?? System.coreCount
        precondition(threads > 0, "a gateway needs at least one event-loop thread, not \(threads)")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let configuration = gateway.configuration
        let tls = try configuration.frontTLS.map { front in
            var settings = TLSConfiguration(
                role: .server, certificateChainPath: front.certificateChainPath, privateKeyPath: front.privateKeyPath, trustRootsPath: "")
            settings.requiresClientCertificate = false
            settings.allowsHTTP1 = true
            settings.minimumVersion = .tls12  // outside clients (browsers, curl, phones) may lack TLS 1.3
            settings.handshakeTimeout = configuration.tlsHandshakeTimeout
            return try TLSContext(settings)
        }
        let registry = gateway.metrics.registry
        let open = Meter(label: "weft_gateway_connections", factory: registry)
        registry.describe("weft_gateway_connections", help: "Client connections open now.")
        let refused = Counter(label: "weft_gateway_connections_refused_total", factory: registry)
        registry.describe("weft_gateway_connections_refused_total", help: "Connections closed on arrival: limits.maxConnections were open.")
        let connections = ConnectionRegistry(maximum: configuration.maximumConnections) { open.set($0) }
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard connections.admit(channel) else {
                    refused.increment()
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(TLSHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(FrontProtocols.sniffer(for: gateway))
                }
            }
            .bindListening(host: configuration.host, port: configuration.port, group: group)
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
