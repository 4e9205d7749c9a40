#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CoreMetrics
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import WeftRPC
import WeftTLS

/// A service started from its `MeshConfiguration`: listeners, mutual TLS, the authorization
/// policy, health, reflection, metrics and a call log (swift-log, label `weft.<service>`),
/// channels to its upstreams, and SIGTERM handling (drain, then exit).
///
/// ```swift
/// await MeshService.run(configurationFile: "mesh.json", services: [MyCatalog()])  // returns after the drain
/// ```
///
/// A service that cannot start (a mistake in its configuration, a certificate file missing, its
/// port taken) prints one line saying why to standard error and exits with status 1.
///
/// It is a swift-service-lifecycle `Service`, so it can also join a `ServiceGroup` of the
/// process's other services: `run()` serves until the group shuts down gracefully, then drains.
public final class MeshService: Service, Sendable {
    public let configuration: MeshConfiguration
    public let server: MeshServer
    /// Where the service's metrics go (swift-metrics): calls by method and status code, latency,
    /// in flight, open connections, and per upstream connections, retries and ejections.
    public let metricsFactory: any MetricsFactory
    /// The operators' listener, when `admin` is configured.
    public let admin: AdminServer?
    /// The channel to each upstream, made at its first use.
    private let upstreamChannels = Mutex(UpstreamChannels())

    private struct UpstreamChannels {
        var byName: [String: MeshChannel] = [:]
        /// Set by `shutdown`: a channel made later is closed at once.
        var isClosed = false
    }

    private init(configuration: MeshConfiguration, server: MeshServer, metricsFactory: any MetricsFactory, admin: AdminServer?) {
        self.configuration = configuration
        self.server = server
        self.metricsFactory = metricsFactory
        self.admin = admin
    }

    /// Starts `services` as `configuration` says. Metrics go to `metricsFactory`: by default a
    /// `PrometheusRegistry` of the service's own, which the admin listener's `/metrics` serves
    /// (pass another swift-metrics backend, e.g. `MetricsSystem.factory`, to send them elsewhere;
    /// `/metrics` then shows only what a `PrometheusRegistry` holds). Denied calls are reported
    /// to `onDenied` (standard output by default).
    public static func start(
        _ configuration: MeshConfiguration, services: [any RegisteredService], interceptors: [any ServerInterceptor] = [],
        metricsFactory: (any MetricsFactory)? = nil,
        onDenied: @escaping @Sendable (_ path: String, _ caller: String?) -> Void = { path, caller in
            print("weft: denied \(caller ?? "a caller without a certificate") calling \(path)")
        }
    ) async throws -> MeshService {
        let serverTLS = try configuration.tls.map { files in
            var tls = TLSConfiguration.server(certificateChain: files.certificateChain, privateKey: files.privateKey, trustRoots: files.trustRoots)
            tls.handshakeTimeout = configuration.tlsHandshakeTimeout
            return try TLSContext(tls)
        }
        var policy: [any ServerInterceptor] = []
        if !configuration.authorizationRules.isEmpty || !configuration.allowsUnlistedCallers {
            policy = [AuthorizationPolicy(
                rules: configuration.authorizationRules, allowsUnlisted: configuration.allowsUnlistedCallers, onDenied: onDenied)]
        }
        let factory = metricsFactory ?? PrometheusRegistry()
        let connections = Meter(label: "weft_rpc_server_connections", factory: factory)
        (factory as? PrometheusRegistry)?.describe("weft_rpc_server_connections", help: "Client connections open now.")
        let refused = Counter(label: "weft_rpc_server_connections_refused_total", factory: factory)
        (factory as? PrometheusRegistry)?.describe(
            "weft_rpc_server_connections_refused_total", help: "Connections closed on arrival: limits.maxConnections were open.")
        var serverConfiguration = GRPCServer.Configuration()
        serverConfiguration.maximumReceiveMessageSize = configuration.maximumReceiveMessageBytes
        serverConfiguration.connectionCountChanged = { connections.set($0) }
        serverConfiguration.maximumConnections = configuration.maximumConnections
        serverConfiguration.connectionRefused = { refused.increment() }
        let logger = Logger(label: "weft.\(configuration.service)")
        serverConfiguration.connectionFailed = { peer, error in
            logger.warning("connection from \(peer) failed: \(error)")
        }
        serverConfiguration.http2.peerLimits.prefaceTimeout = TimeAmount(configuration.prefaceTimeout)
        serverConfiguration.http2.peerLimits.headerBlockTimeout = TimeAmount(configuration.headerBlockTimeout)
        serverConfiguration.propagatedMetadataKeys = configuration.propagatedMetadataKeys
        let counting = RPCMetricsInterceptor(factory: factory)
        let logging = CallLogInterceptor(logger: logger)
        let server = try await MeshServer.start(
            host: configuration.host, port: configuration.port, tls: serverTLS, services: services,
            interceptors: [counting, logging] + policy + interceptors, configuration: serverConfiguration, health: configuration.servesHealth,
            reflection: configuration.servesReflection)
        var admin: AdminServer?
        if let address = configuration.admin {
            admin = try await AdminServer.start(
                host: address.host, port: address.port, metrics: { (factory as? PrometheusRegistry)?.render() ?? "" },
                healthy: { server.health?.status(of: "") != .notServing })
        }
        return MeshService(configuration: configuration, server: server, metricsFactory: factory, admin: admin)
    }

    /// The channel to the upstream `name`, over mutual TLS with this service's certificate: made
    /// at the first call (a DNS upstream resolves then; if that finds nothing, the next call
    /// tries again), shared afterwards, closed by `shutdown`.
    public func channel(to name: String) async throws -> MeshChannel {
        if let existing = upstreamChannels.withLock({ $0.byName[name] }) { return existing }
        guard let upstream = configuration.upstreams[name] else {
            throw ConfigurationError(key: "upstreams.\(name)", problem: "is not configured; add its endpoints")
        }
        let made = try await makeChannel(to: name, upstream)
        let (channel, lost, closed) = upstreamChannels.withLock { state in
            // Two first calls may race; the first channel stored wins.
            if let existing = state.byName[name] { return (existing, true, state.isClosed) }
            if !state.isClosed { state.byName[name] = made }
            return (made, false, state.isClosed)
        }
        if lost || closed { await made.close() }
        if closed { throw Status(.unavailable, "the service is shutting down") }
        return channel
    }

    private func makeChannel(to name: String, _ upstream: Upstream) async throws -> MeshChannel {
        // Endpoints come and go by address, so no host name is pinned: the certificate must chain
        // to the mesh CA and, when the upstream names one, carry its SPIFFE ID.
        let tls = try configuration.tls.map { files in
            var client = TLSConfiguration(
                role: .client, certificateChainPath: files.certificateChain, privateKeyPath: files.privateKey,
                trustRootsPath: files.trustRoots)
            client.expectedPeerIdentity = configuration.expectedIdentity(of: upstream)
            return try TLSContext(client)
        }
        let metrics = ChannelMetrics(upstream: name, factory: metricsFactory)
        switch upstream.discovery {
        case .endpoints(let endpoints):
            guard !endpoints.isEmpty else { throw Status(.unavailable, "the upstream has no endpoints") }
            return MeshChannel(
                endpoints: endpoints, tls: tls, balancing: upstream.balancing, idleTimeout: upstream.idleTimeout, metrics: metrics)
        case .dns(let host, let port, let refresh):
            return try await MeshChannel.resolving(
                DNSResolver(host: host, port: port), refreshEvery: refresh, tls: tls, balancing: upstream.balancing,
                idleTimeout: upstream.idleTimeout, metrics: metrics)
        }
    }

    /// Reads the configuration file (with the process's `WEFT_*` overrides), starts `services`
    /// and serves them until SIGTERM or SIGINT, then drains for the configured grace period: the
    /// whole life of a mesh service in one call, meant for its `main`. When it cannot start, or
    /// the drain fails, it prints one line saying why to standard error and exits with status 1.
    /// `started` hears of the service once it listens (e.g. to print its port).
    public static func run(
        configurationFile path: String, services: [any RegisteredService], interceptors: [any ServerInterceptor] = [],
        started: (MeshService) -> Void = { _ in }
    ) async {
        let configuration: MeshConfiguration
        do {
            configuration = try MeshConfiguration(contentsOf: path)
        } catch {
            exitAfterFailing("cannot start: \(error)")
        }
        await run(configuration, services: services, interceptors: interceptors, started: started)
    }

    /// `run(configurationFile:services:interceptors:started:)` with a configuration already read.
    public static func run(
        _ configuration: MeshConfiguration, services: [any RegisteredService], interceptors: [any ServerInterceptor] = [],
        started: (MeshService) -> Void = { _ in }
    ) async {
        let service: MeshService
        do {
            service = try await start(configuration, services: services, interceptors: interceptors)
        } catch {
            exitAfterFailing("\(configuration.service) cannot start: \(error)")
        }
        started(service)
        do {
            try await service.runUntilTerminated()
        } catch {
            exitAfterFailing("\(configuration.service) did not stop cleanly: \(error)")
        }
    }

    /// Writes `line` to standard error and exits with status 1.
    private static func exitAfterFailing(_ line: String) -> Never {
        let text = "weft: \(line)\n"
        _ = text.withCString { write(2, $0, strlen($0)) }  // standard error, unbuffered
        exit(1)
    }

    /// Serves until SIGTERM or SIGINT, then drains: `run()` in a service group of its own.
    public func runUntilTerminated() async throws {
        try await WeftMesh.runUntilTerminated(self, logger: Logger(label: "weft.\(configuration.service)"))
    }

    /// Serves until the service group shuts down gracefully (SIGTERM), then drains for the
    /// configured grace period. A cancelled group stops at once, failing calls in flight.
    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            try await shutdown(gracePeriod: .zero)
            return
        }
        try await shutdown()
    }

    /// Drains (health first), then closes the upstream channels and stops the admin listener,
    /// those two even when the drain fails.
    public func shutdown() async throws {
        try await shutdown(gracePeriod: configuration.drainGracePeriod)
    }

    private func shutdown(gracePeriod: Duration) async throws {
        var drainFailure: (any Error)?
        do {
            try await server.shutdown(gracePeriod: gracePeriod)
        } catch {
            drainFailure = error
        }
        await closeUpstreams()
        try await admin?.stop()
        if let drainFailure { throw drainFailure }
    }

    private func closeUpstreams() async {
        let open = upstreamChannels.withLock { state in
            state.isClosed = true
            defer { state.byName = [:] }
            return Array(state.byName.values)
        }
        for channel in open { await channel.close() }
    }
}
