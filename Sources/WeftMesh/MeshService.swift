#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CoreMetrics
import Logging
import NIOCore
import ServiceLifecycle
import WeftRPC
import WeftRPCHTTP2
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
    /// The service's upstreams: a channel to each, made at its first use.
    public let upstreams: MeshUpstreams
    /// What the REST routes on the service's port close at shutdown, when they are served.
    private let closeREST: (@Sendable () async -> Void)?

    private init(
        configuration: MeshConfiguration, server: MeshServer, metricsFactory: any MetricsFactory, admin: AdminServer?,
        upstreams: MeshUpstreams, closeREST: (@Sendable () async -> Void)?
    ) {
        self.configuration = configuration
        self.server = server
        self.metricsFactory = metricsFactory
        self.admin = admin
        self.upstreams = upstreams
        self.closeREST = closeREST
    }

    /// Starts `services` as `configuration` says. Metrics go to `metricsFactory`: by default a
    /// `PrometheusRegistry` of the service's own, which the admin listener's `/metrics` serves
    /// (pass another swift-metrics backend, e.g. `MetricsSystem.factory`, to send them elsewhere;
    /// `/metrics` then shows only what a `PrometheusRegistry` holds). Denied calls are reported
    /// to `onDenied` (standard output by default). A configuration with a `rest` object needs
    /// `rest` (WeftGateway's `.gateway`) to serve those routes; the authorization policy
    /// sees a REST caller as the identity its client certificate proves.
    public static func start(
        _ configuration: MeshConfiguration, services: [any RegisteredService], interceptors: [any ServerInterceptor] = [],
        metricsFactory: (any MetricsFactory)? = nil,
        onDenied: @escaping @Sendable (_ path: String, _ caller: String?) -> Void = { path, caller in
            print("weft: denied \(caller ?? "a caller without a certificate") calling \(path)")
        },
        rest: (any MeshREST)? = nil
    ) async throws -> MeshService {
        try await start(configuration, interceptors: interceptors, metricsFactory: metricsFactory, onDenied: onDenied, rest: rest) { _ in services }
    }

    /// Starts the services `makeServices` builds with the service's upstreams (handlers that
    /// call other services take their clients from it), as `start(_:services:…)` does.
    public static func start(
        _ configuration: MeshConfiguration, interceptors: [any ServerInterceptor] = [],
        metricsFactory: (any MetricsFactory)? = nil,
        onDenied: @escaping @Sendable (_ path: String, _ caller: String?) -> Void = { path, caller in
            print("weft: denied \(caller ?? "a caller without a certificate") calling \(path)")
        },
        rest: (any MeshREST)? = nil,
        services makeServices: (MeshUpstreams) async throws -> [any RegisteredService]
    ) async throws -> MeshService {
        if configuration.rest != nil, rest == nil {
            throw ConfigurationError(
                key: "rest", problem: "needs a program that serves REST: pass `rest: .gateway` (import WeftGateway) to MeshService")
        }
        let serverTLS = try configuration.tls.map { files in
            var tls = TLSConfiguration.server(certificateChain: files.certificateChain, privateKey: files.privateKey, trustRoots: files.trustRoots)
            tls.handshakeTimeout = configuration.tlsHandshakeTimeout
            tls.allowsHTTP1 = configuration.rest != nil  // REST clients may speak HTTP/1.1
            return try TLSContext(tls)
        }
        var policy: [any ServerInterceptor] = []
        if !configuration.authorizationRules.isEmpty || !configuration.allowsUnlistedCallers {
            policy = [AuthorizationPolicy(
                rules: configuration.authorizationRules, allowsUnlisted: configuration.allowsUnlistedCallers, onDenied: onDenied)]
        }
        let factory = metricsFactory ?? PrometheusRegistry()
        let upstreams = MeshUpstreams(configuration: configuration, metricsFactory: factory)
        let services = try await makeServices(upstreams)
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
        serverConfiguration.http2 = configuration.http2
        serverConfiguration.http2.peerLimits.prefaceTimeout = TimeAmount(configuration.prefaceTimeout)
        serverConfiguration.http2.peerLimits.headerBlockTimeout = TimeAmount(configuration.headerBlockTimeout)
        serverConfiguration.propagatedMetadataKeys = configuration.propagatedMetadataKeys
        let counting = RPCMetricsInterceptor(factory: factory)
        let logging = CallLogInterceptor(logger: logger)
        // Services of this process calling each other: in-process, through the same interceptors.
        try upstreams.serveLocally(services, interceptors: [counting, logging] + policy + interceptors, identity: configuration.identity)
        var closeREST: (@Sendable () async -> Void)?
        if let section = configuration.rest, let rest {
            let callers = InProcessTransport(
                services: services, interceptors: [counting, logging] + policy + interceptors,
                propagatedMetadataKeys: configuration.propagatedMetadataKeys)
            closeREST = try await rest.serve(section, baseDirectory: configuration.baseDirectory, services: callers, on: &serverConfiguration)
        }
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
        return MeshService(configuration: configuration, server: server, metricsFactory: factory, admin: admin, upstreams: upstreams, closeREST: closeREST)
    }

    /// The channel to the upstream `name` (see `MeshUpstreams.channel(to:)`), closed by `shutdown`.
    public func channel(to name: String) async throws -> MeshChannel {
        try await upstreams.channel(to: name)
    }

    /// Reads the configuration file (with the process's `WEFT_*` overrides), starts `services`
    /// and serves them until SIGTERM or SIGINT, then drains for the configured grace period: the
    /// whole life of a mesh service in one call, meant for its `main`. When it cannot start, or
    /// the drain fails, it prints one line saying why to standard error and exits with status 1.
    /// `started` hears of the service once it listens (e.g. to print its port).
    public static func run(
        configurationFile path: String, services: [any RegisteredService], interceptors: [any ServerInterceptor] = [],
        rest: (any MeshREST)? = nil, started: (MeshService) -> Void = { _ in }
    ) async {
        await run(configurationFile: path, interceptors: interceptors, rest: rest, started: started) { _ in services }
    }

    /// `run(configurationFile:services:interceptors:started:)` for services built with the
    /// service's upstreams, so handlers can call other services (a missing upstream stops the
    /// start with one line naming it):
    ///
    /// ```swift
    /// await MeshService.run(configurationFile: "orders.json") { mesh in
    ///     [Orders(payments: try mesh.client(PaymentService.self))]
    /// }
    /// ```
    public static func run(
        configurationFile path: String, interceptors: [any ServerInterceptor] = [], rest: (any MeshREST)? = nil,
        started: (MeshService) -> Void = { _ in }, services makeServices: (MeshUpstreams) async throws -> [any RegisteredService]
    ) async {
        let configuration: MeshConfiguration
        do {
            configuration = try MeshConfiguration(contentsOf: path)
        } catch {
            exitAfterFailing("cannot start: \(error)")
        }
        await run(configuration, file: path, interceptors: interceptors, rest: rest, started: started, services: makeServices)
    }

    /// `run(configurationFile:services:interceptors:started:)` with a configuration already read.
    public static func run(
        _ configuration: MeshConfiguration, services: [any RegisteredService], interceptors: [any ServerInterceptor] = [],
        rest: (any MeshREST)? = nil, started: (MeshService) -> Void = { _ in }
    ) async {
        await run(configuration, interceptors: interceptors, rest: rest, started: started) { _ in services }
    }

    /// `run(configurationFile:interceptors:started:services:)` with a configuration already read.
    public static func run(
        _ configuration: MeshConfiguration, interceptors: [any ServerInterceptor] = [], rest: (any MeshREST)? = nil,
        started: (MeshService) -> Void = { _ in }, services makeServices: (MeshUpstreams) async throws -> [any RegisteredService]
    ) async {
        await run(configuration, file: nil, interceptors: interceptors, rest: rest, started: started, services: makeServices)
    }

    /// The life of a service read from `file` (nil: not from a file).
    private static func run(
        _ configuration: MeshConfiguration, file: String?, interceptors: [any ServerInterceptor], rest: (any MeshREST)?,
        started: (MeshService) -> Void, services makeServices: (MeshUpstreams) async throws -> [any RegisteredService]
    ) async {
        let service: MeshService
        do {
            service = try await start(configuration, interceptors: interceptors, rest: rest, services: makeServices)
        } catch {
            // A mistake found after reading (in `settings`, by the factory that reads them, or
            // in `rest`): name the file too.
            var named = error
            if var configurationError = error as? ConfigurationError, configurationError.file == nil, let file {
                configurationError.file = file
                named = configurationError
            }
            exitAfterFailing("\(configuration.service) cannot start: \(named)")
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
        await closeREST?()
        await upstreams.close()
        try await admin?.stop()
        if let drainFailure { throw drainFailure }
    }
}
