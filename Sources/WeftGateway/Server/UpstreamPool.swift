import NIOCore
import WeftMesh
import WeftMessages
import WeftRPC
import WeftTLS

/// The gateway's connections to one upstream service, which may run on several endpoints:
/// the mesh's `UpstreamConnections`, with a connection per endpoint per front event loop, so a
/// request is served and forwarded on one thread. Balancing, outlier ejection, backoff, the
/// retries of idempotent calls within a budget and idle close are the mesh channel's, set by
/// the upstream's keys in the gateway file. A DNS upstream is resolved at start, again every
/// refresh period, and on demand (at most once a second) when no endpoint takes a call.
final class UpstreamPool: GatewayUpstream {
    /// The upstream service's name, for errors and metrics.
    let name: String
    private let connections: UpstreamConnections

    init(name: String, _ upstream: GatewayConfiguration.Upstream, metrics: ChannelMetrics) throws {
        self.name = name
        let tls = try upstream.tls.map { tls in
            var configuration = TLSConfiguration(
                role: .client, certificateChainPath: tls.certificateChainPath, privateKeyPath: tls.privateKeyPath,
                trustRootsPath: tls.trustRootsPath, serverName: tls.serverName ?? upstream.defaultServerName)
            configuration.expectedPeerIdentity = tls.identity
            return try TLSContext(configuration)
        }
        switch upstream.discovery {
        case .endpoints(let endpoints):
            connections = UpstreamConnections(name: name, endpoints: endpoints, tls: tls, configuration: upstream.channel, metrics: metrics)
        case .dns(let host, let port, let refresh):
            let connections = UpstreamConnections(name: name, endpoints: [], tls: tls, configuration: upstream.channel, metrics: metrics)
            connections.refresh(from: DNSResolver(host: host, port: port), every: refresh, lookUpAtOnce: true)
            self.connections = connections
        }
    }

    /// A unary call from `eventLoop`, answered there (over that loop's own connections). The
    /// timeout runs from now: a retry, or an attempt on another endpoint, gets what is left of it.
    func unary(
        on eventLoop: any EventLoop, _ method: MethodDescriptor, request: [UInt8], options: CallOptions,
        completion: @escaping @Sendable (Result<RawUnaryResponse, any Error>) -> Void
    ) {
        connections.unary(on: eventLoop, method, request: request, options: options, completion: completion)
    }

    /// A transport whose calls go over `eventLoop`'s connections (for streaming calls).
    func transport(on eventLoop: any EventLoop) -> any ClientTransport {
        EventLoopTransport(connections: connections, eventLoop: eventLoop)
    }

    /// Whether the upstream can be reached, for readiness (see `UpstreamConnections.probe`).
    func probe(on eventLoop: any EventLoop) -> EventLoopFuture<Bool> {
        connections.probe(on: eventLoop)
    }

    /// Stops re-resolving and closes every connection for good.
    func close() async {
        await connections.close()
    }

    /// A call lost with its connection (sent, then the connection failed: an endpoint killed
    /// mid-call) is that endpoint's failure, which outlier ejection and the balancer deal with;
    /// it counts against the whole upstream's breaker only when the upstream has no other
    /// endpoint, or all of them are ejected. Otherwise a rolling restart's calls in flight would
    /// open it for every endpoint. (Calls that then find no endpoint fail before sending and
    /// count as ever.)
    func breakerOutcome(of status: Status) -> CircuitBreaker.Outcome {
        let outcome = CircuitBreaker.Outcome(status)
        guard outcome == .failure, status.origin == .transport, status.code == .unavailable else { return outcome }
        let endpoints = connections.endpointStates
        return endpoints.count > 1 && endpoints.contains(where: { !$0.ejected }) ? .neutral : .failure
    }
}

/// Calls over one event loop's upstream connections.
private struct EventLoopTransport: ClientTransport {
    let connections: UpstreamConnections
    let eventLoop: any EventLoop

    func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        try await connections.startCall(on: eventLoop, method, options: options)
    }
}
