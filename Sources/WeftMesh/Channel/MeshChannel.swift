import NIOCore
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// Calls to a service that runs on several endpoints, from anywhere in the process: one
/// HTTP/2 connection per endpoint (`UpstreamConnections`, which the gateway's upstreams use
/// too), opened on first use and reopened after it breaks, with backoff between failed
/// attempts; calls go round robin, or to the less busy of two random endpoints, over the
/// endpoints not backing off, and an endpoint that keeps failing is ejected for a while.
/// Unary calls of idempotent methods are retried as `RetryPolicy` says, within a retry budget.
/// A call that provably never reached a server (the connection could not be opened, was
/// closed, or refused new streams after GOAWAY because the server is draining) is retried on
/// the next endpoint, so a server going away loses no call. A connection without calls for the
/// idle timeout is closed, and reopened by the next call. `ChannelConfiguration` holds every
/// setting and its default.
public final class MeshChannel: ClientTransport {
    private let connections: UpstreamConnections

    /// A channel over `endpoints` (TLS when `tls` is given; an endpoint listed twice counts
    /// once); nothing connects until a call. Connections, retries and ejections are reported
    /// to `metrics` when given.
    public init(endpoints: [Endpoint], tls: TLSContext?, configuration: ChannelConfiguration = .defaults, metrics: ChannelMetrics? = nil) {
        precondition(!endpoints.isEmpty, "a MeshChannel needs at least one endpoint")
        connections = UpstreamConnections(endpoints: endpoints, tls: tls, configuration: configuration, metrics: metrics)
    }

    /// A channel whose endpoints come from `resolver` (e.g. `DNSResolver` for a Kubernetes
    /// headless service): resolved now, again every `refreshEvery`, and on demand (at most once a
    /// second, see `EndpointRefresher`) when no endpoint takes a call. Throws when the first
    /// resolution finds nothing.
    public static func resolving(
        _ resolver: any EndpointResolver, refreshEvery: Duration = .seconds(30), tls: TLSContext?,
        configuration: ChannelConfiguration = .defaults, metrics: ChannelMetrics? = nil
    ) async throws -> MeshChannel {
        let endpoints = try await resolver.resolve()
        guard !endpoints.isEmpty else { throw Status.transport(.unavailable, "\(resolver) resolved to no endpoints") }
        let channel = MeshChannel(endpoints: endpoints, tls: tls, configuration: configuration, metrics: metrics)
        channel.connections.refresh(from: resolver, every: refreshEvery, lookUpAtOnce: false)
        return channel
    }

    /// The endpoints calls go to now.
    public var endpoints: [Endpoint] { connections.endpoints }

    /// Policy retries made so far (calls that never left are not counted).
    public var retriesMade: Int { connections.retriesMade }

    /// Per endpoint: calls in flight, and whether it is ejected now.
    public var endpointStates: [(inFlight: Int, ejected: Bool)] { connections.endpointStates }

    public func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        try await connections.startCall(on: nil, method, options: options)
    }

    public func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> RawUnaryResponse {
        let cancellation = UnaryCancellation()
        return try await withTaskCancellationHandler {
            try await connections.unary(on: nil, method, request: request, options: options, cancellation: cancellation).get()
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// Closes every connection (and stops re-resolving and sweeping idle connections).
    public func close() async {
        await connections.close()
    }

    /// Replaces the endpoint list (a resolver found a new one): endpoints that stay keep their
    /// connections and load, new ones connect on first use, removed ones are closed once their
    /// calls in flight are done.
    public func update(endpoints newEndpoints: [Endpoint]) {
        connections.update(endpoints: newEndpoints)
    }
}
