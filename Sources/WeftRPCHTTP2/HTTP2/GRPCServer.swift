import NIOCore
import Synchronization
import NIOPosix
import WeftHTTP2
import WeftTLS
import WeftRPC

/// A gRPC server: registered services over HTTP/2 on one listening socket, with mutual TLS
/// (ALPN h2) or, when no TLS context is given, prior-knowledge h2c.
public final class GRPCServer: Sendable {
    /// Server-wide limits.
    public struct Configuration: Sendable {
        public var http2 = HTTP2Configuration.defaults
        /// The largest request message accepted (RESOURCE_EXHAUSTED beyond).
        public var maximumReceiveMessageSize = 4 * 1024 * 1024
        /// Called with the number of open connections each time one opens or closes (to set a
        /// metrics gauge, say).
        public var connectionCountChanged: (@Sendable (Int) -> Void)?
        /// The most connections open at once; one more is closed as soon as it is accepted.
        /// Default 10,000.
        public var maximumConnections = 10_000
        /// Called each time a connection is refused for `maximumConnections` (to count refusals).
        public var connectionRefused: (@Sendable () -> Void)?
        /// Called once for a connection refused for what its peer sent (a TLS handshake that failed:
        /// a foreign or expired certificate, none at all, no ALPN h2, too slow; or an HTTP/2
        /// protocol error), with the peer's address, to log it. A peer that merely went away
        /// (a reset, a closed socket) is not reported.
        public var connectionFailed: (@Sendable (_ peer: String, _ error: any Error) -> Void)?
        /// Whether handlers run on the event loop of their call's connection (no thread hop
        /// between the network and the handler: the lowest latency) rather than on Swift's global
        /// executor. Turn it off for handlers that block or compute for long, which would hold
        /// up the other calls of their connection.
        public var runsHandlersOnEventLoops = true
        /// How responses are compressed when the client accepts it (`grpc-accept-encoding`);
        /// a handler can choose otherwise for its call (`ServerContext.compressResponses`).
        public var responseCompression = CompressionAlgorithm.identity
        /// Request metadata that handlers' outgoing calls carry on (lowercase keys).
        public var propagatedMetadataKeys = CallDispatcher.defaultPropagatedMetadataKeys
        /// Answers the HTTP/2 requests on the server's port that are not gRPC (whose
        /// `content-type` is not `application/grpc…`), e.g. REST routes of the same services:
        /// made once per connection, at its first such request, with the connection and its
        /// peer. Nil answers them as malformed gRPC calls.
        public var otherRequests: (@Sendable (_ connection: HTTP2Connection, _ peer: ConnectionPeer) -> any HTTP2StreamDelegate)?
        /// Serves the connections on the server's port that are not HTTP/2 (their first bytes
        /// are not the HTTP/2 preface: HTTP/1.1 clients) by adding the handlers that answer them
        /// after `context`'s handler, given the connection's peer. Nil leaves the port HTTP/2
        /// only. Over TLS, such clients also need a context that allows ALPN `http/1.1`
        /// (`TLSConfiguration.allowsHTTP1`).
        public var http1Connections: (@Sendable (_ context: ChannelHandlerContext, _ peer: ConnectionPeer) throws -> Void)?
        /// Called when `shutdown` begins, before the GOAWAYs (to report not ready, say).
        public var drainBegins: (@Sendable () -> Void)?
        /// Called once the drain is over and the event loops are about to stop, so work the
        /// program runs on them (embedded REST's in-process calls) moves elsewhere.
        public var eventLoopsStopping: (@Sendable () -> Void)?

        public init() {}
    }

    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let connections: ConnectionRegistry
    /// Tells handler executors the event loops are stopping.
    private let loopsStopping: EventLoopTaskExecutor.Shutdown
    private let drainBegins: (@Sendable () -> Void)?
    private let eventLoopsStopping: (@Sendable () -> Void)?
    /// Whether `shutdown` has been called.
    private let shutDown = Atomic(false)

    /// The port the server listens on (useful after binding port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    private init(
        channel: any Channel, group: MultiThreadedEventLoopGroup, connections: ConnectionRegistry,
        loopsStopping: EventLoopTaskExecutor.Shutdown, drainBegins: (@Sendable () -> Void)?, eventLoopsStopping: (@Sendable () -> Void)?
    ) {
        self.loopsStopping = loopsStopping
        self.drainBegins = drainBegins
        self.eventLoopsStopping = eventLoopsStopping
        self.channel = channel
        self.group = group
        self.connections = connections
    }

    /// Starts listening on `host`:`port` (0 picks a free port) for calls to `services`, over TLS
    /// when `tls` is given (plaintext h2c only when it is nil).
    public static func start(
        host: String = "127.0.0.1", port: Int, tls: TLSContext?, services: [any RegisteredService],
        interceptors: [any ServerInterceptor] = [], configuration: Configuration = Configuration(),
        threads: Int = System.coreCount
    ) async throws -> GRPCServer {
        let dispatcher = CallDispatcher(
            services: services, interceptors: interceptors, propagatedMetadataKeys: configuration.propagatedMetadataKeys,
            responseCompression: configuration.responseCompression)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let countChanged = configuration.connectionCountChanged
        let connections = ConnectionRegistry(maximum: configuration.maximumConnections) { countChanged?($0) }
        let loopsStopping = EventLoopTaskExecutor.Shutdown()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard connections.admit(channel) else {
                    configuration.connectionRefused?()
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    let tlsHandler = tls.map(TLSHandler.init(context:))
                    // Asked once the handshake is done (the TLS peer is known by then).
                    let peer = { ConnectionPeer(address: channel.remoteAddress?.ipAddress ?? "", identity: tlsHandler?.peer?.description) }
                    let installHTTP2 = { (pipeline: ChannelPipeline.SynchronousOperations, position: ChannelPipeline.SynchronousOperations.Position) in
                        let http2 = HTTP2ConnectionHandler(role: .server, configuration: configuration.http2) { connection in
                            GRPCServerStreams(
                                connection: connection, dispatcher: dispatcher,
                                maximumMessageSize: configuration.maximumReceiveMessageSize,
                                handlersOnEventLoop: configuration.runsHandlersOnEventLoops ? loopsStopping : nil,
                                peerIdentity: { tlsHandler?.peer?.description },
                                otherRequests: configuration.otherRequests.map { make in { make(connection, peer()) } })
                        }
                        try pipeline.addHandler(http2, position: position)
                        connections.attach(http2: NIOLoopBound(http2, eventLoop: channel.eventLoop), to: channel)
                    }
                    // HTTP/2, or, when the server answers HTTP/1.1 too, whichever the client speaks.
                    let serve = { (pipeline: ChannelPipeline.SynchronousOperations, position: ChannelPipeline.SynchronousOperations.Position) in
                        guard let http1 = configuration.http1Connections else { return try installHTTP2(pipeline, position) }
                        let sniffer = HTTP2PrefaceSniffer(timeout: configuration.http2.peerLimits.prefaceTimeout) { http2, context in
                            if http2 {
                                try installHTTP2(context.pipeline.syncOperations, .after(context.handler))
                            } else {
                                try http1(context, peer())
                                connections.markHTTP1(channel)
                            }
                        }
                        try pipeline.addHandler(sniffer, position: position)
                    }
                    let pipeline = channel.pipeline.syncOperations
                    if let tlsHandler {
                        // HTTP/2 joins once the handshake is done: a pending one holds only TLS state.
                        try pipeline.addHandler(tlsHandler)
                        let waiting = AfterHandshake { context in try serve(context.pipeline.syncOperations, .after(context.handler)) }
                        try pipeline.addHandler(waiting)
                    } else {
                        try serve(pipeline, .last)
                    }
                    if let report = configuration.connectionFailed {
                        try pipeline.addHandler(ConnectionFailureReporter(report: report))
                    }
                }
            }
            .bindListening(host: host, port: port, group: group)
        return GRPCServer(
            channel: channel, group: group, connections: connections, loopsStopping: loopsStopping,
            drainBegins: configuration.drainBegins, eventLoopsStopping: configuration.eventLoopsStopping)
    }

    /// Stops listening, then drains: every connection gets GOAWAY, calls in flight finish, new
    /// ones are refused; connections still open after `gracePeriod` are closed. An HTTP/1.1
    /// connection (`http1Connections`) closes once idle: after the response in flight, if any.
    /// Then the event loops stop. Only the first call does this; later ones return at once.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async throws {
        guard !shutDown.exchange(true, ordering: .relaxed) else { return }
        drainBegins?()
        try await channel.close().get()
        let open = connections.all
        for (child, serving) in open {
            switch serving {
            case .http2(let http2): child.eventLoop.execute { http2.value.connection?.shutDownGracefully() }
            case .http1: child.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            }
        }
        let deadline = ContinuousClock.now + gracePeriod
        for (child, _) in open {
            while child.isActive, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            try? await child.close().get()
        }
        loopsStopping.begin()
        eventLoopsStopping?()
        try await group.shutdownGracefully()
    }
}

/// A server's open connections, at most `maximum`, for draining them on shutdown (the
/// gateway's front counts its connections with it too). Memory a burst of them freed goes back
/// to the system as they close (`MemoryTrimmer`).
package final class ConnectionRegistry: Sendable {
    private struct Entry {
        let channel: any Channel
        var serving: Serving?
    }

    /// What serves an admitted connection, once it is known.
    enum Serving {
        case http2(NIOLoopBound<HTTP2ConnectionHandler>)
        /// The server's `http1Connections` handlers, which close the connection once idle when
        /// told to quiesce (`ChannelShouldQuiesceEvent`).
        case http1
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])
    private let maximum: Int
    private let countChanged: @Sendable (Int) -> Void
    private let trimmer = MemoryTrimmer()

    package init(maximum: Int, countChanged: @escaping @Sendable (Int) -> Void) {
        self.maximum = maximum
        self.countChanged = countChanged
    }

    /// Counts `channel` in unless `maximum` connections are open already; it is counted out
    /// when it closes.
    package func admit(_ channel: any Channel) -> Bool {
        let key = ObjectIdentifier(channel)
        // Reported under the lock: connections on different event loops report in order.
        let admitted = entries.withLock { entries in
            guard entries.count < maximum else { return false }
            entries[key] = Entry(channel: channel)
            countChanged(entries.count)
            trimmer.connectionsChanged(to: entries.count)
            return true
        }
        guard admitted else { return false }
        channel.closeFuture.whenComplete { [weak self] _ in
            guard let self else { return }
            self.entries.withLock { entries in
                entries.removeValue(forKey: key)
                countChanged(entries.count)
                trimmer.connectionsChanged(to: entries.count)
            }
        }
        return true
    }

    /// The HTTP/2 handler of an admitted connection, for draining it.
    func attach(http2: NIOLoopBound<HTTP2ConnectionHandler>, to channel: any Channel) {
        entries.withLock { $0[ObjectIdentifier(channel)]?.serving = .http2(http2) }
    }

    /// Notes that an admitted connection is served as HTTP/1.1, for draining it.
    func markHTTP1(_ channel: any Channel) {
        entries.withLock { $0[ObjectIdentifier(channel)]?.serving = .http1 }
    }

    /// The connections being served (not those still in their TLS handshake or preface), and how.
    var all: [(any Channel, Serving)] {
        entries.withLock { $0.values.compactMap { entry in entry.serving.map { (entry.channel, $0) } } }
    }
}
