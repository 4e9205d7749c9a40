import CoreMetrics
import Synchronization
import WeftMessages
import WeftRPC
import WeftTLS

/// A service's way to its upstreams: one `MeshChannel` per configured upstream, over mutual
/// TLS with the service's certificate, made at its first call and closed when the service
/// stops. Handlers get their clients from it when the service starts:
///
/// ```swift
/// await MeshService.run(configurationFile: "orders.json") { mesh in
///     [Orders(payments: try mesh.client(PaymentService.self))]
/// }
/// ```
public final class MeshUpstreams: Sendable {
    /// The configuration of the service being started (its `settings` included).
    public let configuration: MeshConfiguration
    private let metricsFactory: any MetricsFactory
    private let channels = Mutex(Channels())

    private struct Channels {
        var byName: [String: MeshChannel] = [:]
        /// Set by `close`: a channel made later is closed at once.
        var isClosed = false
        /// What `whenStopped` was given, in order.
        var stopActions: [@Sendable () async -> Void] = []
        /// The services this process serves, by full name, and the way to call them in-process.
        var local: (names: Set<String>, transport: InProcessTransport)?
        /// Names clients were asked for that the configuration does not list: they must turn
        /// out to be services of this process.
        var unlisted: Set<String> = []
    }

    init(configuration: MeshConfiguration, metricsFactory: any MetricsFactory) {
        self.configuration = configuration
        self.metricsFactory = metricsFactory
    }

    /// A client of `service` through the upstream `upstream` (by default the one named after
    /// the service's full name, `weft.platform.payments.v1.PaymentService`). Nothing connects
    /// until the first call.
    ///
    /// - Throws: `ConfigurationError` when the configuration has no such upstream, so a service
    ///   missing one fails at start, not at its first call.
    public func client<Service: GeneratedService>(_ service: Service.Type, upstream: String? = nil) throws -> Service.Client {
        Service.client(transport: try transport(to: upstream ?? Service.descriptor.fullName))
    }

    /// The transport to the upstream `name`, for clients made by hand. When this process
    /// serves a service of that name itself (several services in one process), calls stay in
    /// the process: the same dispatch, interceptors and authorization, with this service's
    /// identity as the caller's, and no socket.
    ///
    /// - Throws: `ConfigurationError` when the configuration has no such upstream and the
    ///   process serves no such service (said when the service starts, once all are built).
    public func transport(to name: String) throws -> any ClientTransport {
        if configuration.upstreams[name] == nil {
            try channels.withLock { state in
                if let local = state.local {
                    guard local.names.contains(name) else { throw Self.notConfigured(name) }
                } else {
                    state.unlisted.insert(name)
                }
            }
        }
        return UpstreamTransport(upstreams: self, name: name)
    }

    /// From now on calls to `services` go in-process through `interceptors`, as `identity`.
    ///
    /// - Throws: `ConfigurationError` naming a client's upstream that is neither configured
    ///   nor one of `services`.
    func serveLocally(_ services: [any RegisteredService], interceptors: [any ServerInterceptor], identity: String) throws {
        let names = Set(services.flatMap { $0.serverMethods.map { String($0.descriptor.path.dropFirst().prefix { $0 != "/" }) } })
        let transport = InProcessTransport(
            services: services, interceptors: interceptors, peerIdentity: identity,
            propagatedMetadataKeys: configuration.propagatedMetadataKeys)
        let missing = channels.withLock { state in
            state.local = (names, transport)
            return state.unlisted.subtracting(names).sorted().first
        }
        if let missing { throw Self.notConfigured(missing) }
    }

    /// The in-process way to `name` when this process serves it.
    fileprivate func localTransport(to name: String) -> InProcessTransport? {
        channels.withLock { state in state.local.flatMap { $0.names.contains(name) ? $0.transport : nil } }
    }

    /// The channel to the upstream `name`: made at the first call (a DNS upstream resolves then;
    /// if that finds nothing, the next call tries again), shared afterwards.
    public func channel(to name: String) async throws -> MeshChannel {
        if let existing = channels.withLock({ $0.byName[name] }) { return existing }
        guard let upstream = configuration.upstreams[name] else { throw Self.notConfigured(name) }
        let made = try await makeChannel(to: name, upstream)
        let (channel, lost, closed) = channels.withLock { state in
            // Two first calls may race; the first channel stored wins.
            if let existing = state.byName[name] { return (existing, true, state.isClosed) }
            if !state.isClosed { state.byName[name] = made }
            return (made, false, state.isClosed)
        }
        if lost || closed { await made.close() }
        if closed { throw Status(.unavailable, "the service is shutting down") }
        return channel
    }

    /// Runs `action` when the service stops, after its calls have drained and its channels
    /// closed: what a service opened as it was built (a database, a subscription) ends there.
    public func whenStopped(_ action: @escaping @Sendable () async -> Void) {
        channels.withLock { $0.stopActions.append(action) }
    }

    /// Closes every channel (later calls fail with UNAVAILABLE), then runs the stop actions.
    func close() async {
        let (open, actions) = channels.withLock { state in
            state.isClosed = true
            defer {
                state.byName = [:]
                state.stopActions = []
            }
            return (Array(state.byName.values), state.stopActions)
        }
        for channel in open { await channel.close() }
        for action in actions.reversed() { await action() }
    }

    private static func notConfigured(_ name: String) -> ConfigurationError {
        ConfigurationError(key: "upstreams.\(name)", problem: "is not configured; add its endpoints")
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
            return MeshChannel(endpoints: endpoints, tls: tls, configuration: upstream.channel, metrics: metrics)
        case .dns(let host, let port, let refresh):
            return try await MeshChannel.resolving(
                DNSResolver(host: host, port: port), refreshEvery: refresh, tls: tls, configuration: upstream.channel, metrics: metrics)
        }
    }
}

/// The transport a `MeshUpstreams` client calls through: the service in this process, or the
/// upstream's channel, looked up at each call (made at the first), so clients can exist before
/// anything connects or the services of the process are all built.
private struct UpstreamTransport: ClientTransport {
    let upstreams: MeshUpstreams
    let name: String

    func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        if let local = upstreams.localTransport(to: name) { return try await local.startCall(method, options: options) }
        return try await upstreams.channel(to: name).startCall(method, options: options)
    }

    func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> RawUnaryResponse {
        if let local = upstreams.localTransport(to: name) { return try await local.unary(method, request: request, options: options) }
        return try await upstreams.channel(to: name).unary(method, request: request, options: options)
    }
}
