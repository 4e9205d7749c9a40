import NIOCore
import NIOHTTP1
import NIOPosix
import WeftRPCHTTP2

/// A small HTTP/1.1 listener for operators, apart from the service's own port: `/metrics`
/// (Prometheus text) and `/healthz` (200 while serving, 503 once draining).
public final class AdminServer: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    /// The port it listens on (useful after binding port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.channel = channel
        self.group = group
    }

    /// Listens on `host`:`port`; `metrics` renders the exposition, `healthy` answers `/healthz`.
    public static func start(
        host: String, port: Int, metrics: @escaping @Sendable () -> String, healthy: @escaping @Sendable () -> Bool
    ) async throws -> AdminServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(metrics: metrics, healthy: healthy))
                }
            }
            .bindListening(host: host, port: port, group: group)
        return AdminServer(channel: channel, group: group)
    }

    public func stop() async throws {
        try await channel.close().get()
        try await group.shutdownGracefully()
    }
}

/// Answers one admin request per HTTP request.
private final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: @Sendable () -> String
    private let healthy: @Sendable () -> Bool
    private var head: HTTPRequestHead?

    init(metrics: @escaping @Sendable () -> String, healthy: @escaping @Sendable () -> Bool) {
        self.metrics = metrics
        self.healthy = healthy
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            let (status, type, body): (HTTPResponseStatus, String, String) = switch (head.method, head.uri) {
            case (.GET, "/metrics"): (.ok, "text/plain; version=0.0.4", metrics())
            case (.GET, "/healthz"): healthy() ? (.ok, "text/plain", "ok\n") : (.serviceUnavailable, "text/plain", "draining\n")
            default: (.notFound, "text/plain", "not found: try /metrics or /healthz\n")
            }
            var responseHead = HTTPResponseHead(version: head.version, status: status)
            responseHead.headers.add(name: "content-type", value: type)
            responseHead.headers.add(name: "content-length", value: String(body.utf8.count))
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
