import NIOCore
import Synchronization
import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// The gateway's HTTP/2 connections to one upstream service, which may run on several
/// endpoints: per front event loop, one connection per endpoint, opened on first use there and
/// reopened after it breaks, so a request is served and forwarded on one thread. Calls spread
/// over the endpoints by the mesh's rules (an `EndpointSet`, as in `MeshChannel`: round robin
/// or power of two choices, outlier ejection, backoff after failed connection attempts; one
/// set for all loops). A call a connection refuses before sending anything moves on to the next
/// endpoint: the upstream provably never saw it. A DNS upstream is resolved at start, again
/// every refresh period, and on demand (at most once a second) when no endpoint takes a call.
final class UpstreamPool: Sendable {
    /// The upstream service's name, for errors and metrics.
    let name: String
    private let tls: TLSContext?
    private let metrics: ChannelMetrics
    private let state: Mutex<State>

    /// One event loop's connection to an endpoint, or the attempt to open one.
    private struct LoopConnection {
        var attempt: EventLoopFuture<GRPCConnection>?
        var open: GRPCConnection?
    }

    /// Per event loop, its connection to one endpoint.
    private typealias Connections = [ObjectIdentifier: LoopConnection]

    private struct State {
        var endpoints: EndpointSet
        /// Per listed endpoint that has any, its connections.
        var connections: [Endpoint: Connections] = [:]
        /// Looks a DNS upstream's name up.
        var refresher: EndpointRefresher?
        var closed = false
    }

    /// The connection a call goes over: open, or being opened (`isNew` for the call that
    /// started the attempt, which alone counts its failure against the endpoint).
    private enum Connection {
        case open(GRPCConnection)
        case opening(EventLoopFuture<GRPCConnection>, isNew: Bool)
    }

    init(name: String, _ upstream: GatewayConfiguration.Upstream, metrics: ChannelMetrics) throws {
        self.name = name
        self.metrics = metrics
        self.tls = try upstream.tls.map { tls in
            var configuration = TLSConfiguration(
                role: .client, certificateChainPath: tls.certificateChainPath, privateKeyPath: tls.privateKeyPath,
                trustRootsPath: tls.trustRootsPath, serverName: tls.serverName ?? upstream.defaultServerName)
            configuration.expectedPeerIdentity = tls.identity
            return try TLSContext(configuration)
        }
        switch upstream.discovery {
        case .endpoints(let endpoints):
            state = Mutex(State(endpoints: EndpointSet(endpoints, balancing: upstream.balancing)))
        case .dns(let host, let port, let refresh):
            state = Mutex(State(endpoints: EndpointSet([], balancing: upstream.balancing)))
            let refresher = EndpointRefresher(DNSResolver(host: host, port: port), every: refresh) { [weak self] found in
                self?.update(endpoints: found)
            }
            state.withLock { $0.refresher = refresher }
        }
    }

    deinit {
        state.withLock { $0.refresher?.stop() }
    }

    /// How many endpoints calls may go to now.
    var endpointCount: Int { state.withLock { $0.endpoints.count } }

    /// A unary call from `eventLoop`; the future completes there. The timeout runs from now:
    /// an attempt on another endpoint gets what is left of it.
    func unary(on eventLoop: any EventLoop, _ method: MethodDescriptor, request: [UInt8], options: CallOptions) -> EventLoopFuture<RawUnaryResponse> {
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        return attempt(on: eventLoop, triesLeft: endpointCount + 1, lastFailure: nil, holdsEndpoint: false) { channel, _ in
            channel.unaryFuture(method, request: request, options: options.remaining(until: deadline))
        }
        .hop(to: eventLoop)
    }

    /// A transport whose calls go over `eventLoop`'s connections (for streaming calls).
    func transport(on eventLoop: any EventLoop) -> some ClientTransport {
        EventLoopTransport(pool: self, eventLoop: eventLoop)
    }

    /// Whether the upstream can be reached, for readiness: true when some event loop has a live
    /// connection to it; otherwise `eventLoop` tries one endpoint the balancing rule picks (a
    /// dead connection found there is dropped and the next pick tried, once), waiting at most
    /// `connectWait` for a connection being opened. False when no endpoint may be tried now
    /// (all backing off, or none known yet).
    func probe(on eventLoop: any EventLoop, connectWait: TimeAmount = .seconds(1), triesLeft: Int = 2) -> EventLoopFuture<Bool> {
        let live = state.withLock { state in
            state.connections.values.contains { $0.values.contains { $0.open?.isActive == true } }
        }
        guard !live, triesLeft > 0, let (endpoint, connection) = pick(on: eventLoop) else { return eventLoop.makeSucceededFuture(live) }
        // A probe is no call: the endpoint's load goes back at once.
        finished(endpoint, .neutral)
        switch connection {
        case .open(let channel) where channel.isActive:
            // Opened since the look above.
            return eventLoop.makeSucceededFuture(true)
        case .open(let dead):
            discard(dead, at: endpoint, on: eventLoop)
            return probe(on: eventLoop, connectWait: connectWait, triesLeft: triesLeft - 1)
        case .opening(let opening, _):
            let answer = eventLoop.makePromise(of: Bool.self)
            let timer = eventLoop.scheduleTask(in: connectWait) { answer.succeed(false) }
            opening.hop(to: eventLoop).whenComplete { outcome in
                timer.cancel()
                answer.succeed((try? outcome.get())?.isActive == true)
            }
            return answer.futureResult
        }
    }

    /// Stops re-resolving and closes every connection for good.
    func close() async {
        let (open, refresher) = state.withLock { state in
            state.closed = true
            defer { state.connections = [:] }
            return (Self.openChannels(Array(state.connections.values)), state.refresher)
        }
        refresher?.stop()
        metrics.connections.decrement(by: Double(open.count))
        for channel in open { try? await channel.close() }
    }

    /// Replaces the endpoint list: endpoints that stay keep their connections, load and health;
    /// connections to removed ones close once the calls they carry have ended.
    func update(endpoints newEndpoints: [Endpoint]) {
        let removed: [GRPCConnection] = state.withLock { state in
            guard !state.closed, let left = state.endpoints.replace(with: newEndpoints) else { return [] }
            return Self.openChannels(left.compactMap { state.connections.removeValue(forKey: $0) })
        }
        guard !removed.isEmpty else { return }
        metrics.connections.decrement(by: Double(removed.count))
        for channel in removed { Task { await channel.closeWhenIdle() } }
    }

    private static func openChannels(_ connections: [Connections]) -> [GRPCConnection] {
        connections.flatMap { $0.values.compactMap(\.open) }
    }

    /// Runs `body` over the next usable endpoint's connection on `eventLoop`, moving on while the
    /// connection cannot be opened or the call was never sent; at most `triesLeft` attempts
    /// (a call before a DNS upstream's first lookup waits for it). The endpoint's call ends when
    /// `body`'s future does, unless `holdsEndpoint`: then through the release `body` is given (a
    /// stream, which outlives its start), as in `MeshChannel`.
    fileprivate func attempt<Result: Sendable>(
        on eventLoop: any EventLoop, triesLeft: Int, lastFailure: (any Error)?, holdsEndpoint: Bool,
        _ body: @escaping @Sendable (GRPCConnection, @escaping @Sendable (CallOutcome) -> Void) -> EventLoopFuture<Result>
    ) -> EventLoopFuture<Result> {
        guard triesLeft > 0, let (endpoint, connection) = pick(on: eventLoop) else {
            if let refresher = state.withLock({ $0.refresher }), lastFailure == nil, endpointCount == 0 {
                // A call before the first lookup has finished waits for one.
                return eventLoop.makeFutureWithTask { await refresher.lookUpNow() }.flatMap {
                    let known = self.endpointCount
                    guard known > 0 else { return eventLoop.makeFailedFuture(self.noEndpointTookTheCall(nil)) }
                    return self.attempt(on: eventLoop, triesLeft: known + 1, lastFailure: nil, holdsEndpoint: holdsEndpoint, body)
                }
            }
            return eventLoop.makeFailedFuture(noEndpointTookTheCall(lastFailure))
        }
        let started = ContinuousClock.now
        let moveOn = { @Sendable (error: any Error) -> EventLoopFuture<Result> in
            if triesLeft > 1 { self.metrics.neverSentRetries.increment() }
            return self.attempt(on: eventLoop, triesLeft: triesLeft - 1, lastFailure: error, holdsEndpoint: holdsEndpoint, body)
        }
        let call: @Sendable (GRPCConnection) -> EventLoopFuture<Result> = { channel in
            body(channel) { outcome in self.finished(endpoint, outcome) }
                .map { result in
                    if !holdsEndpoint { self.finished(endpoint, .succeeded(latency: .now - started)) }
                    return result
                }
                .flatMapError { error in
                    guard GRPCConnection.wasNeverSent(error) else {
                        self.finished(endpoint, .failed(error))
                        return eventLoop.makeFailedFuture(error)
                    }
                    self.finished(endpoint, .neutral)
                    self.discard(channel, at: endpoint, on: eventLoop)
                    return moveOn(error)
                }
        }
        switch connection {
        case .open(let channel):
            return call(channel)
        case .opening(let opening, let isNew):
            let promise = eventLoop.makePromise(of: Result.self)
            opening.whenComplete { outcome in
                switch outcome {
                case .success(let channel) where self.isOpen(channel, to: endpoint, on: eventLoop):
                    promise.completeWith(call(channel))
                case .success:
                    // The endpoint left the list (or the gateway closed) while connecting.
                    self.finished(endpoint, .neutral)
                    promise.completeWith(moveOn(Status.transport(.unavailable, "\(endpoint) left the endpoint list while connecting")))
                case .failure(let error):
                    // The attempt counts against the endpoint once, for the call that started it.
                    self.finished(endpoint, isNew ? .endpointFailed : .neutral)
                    promise.completeWith(moveOn(error))
                }
            }
            return promise.futureResult
        }
    }

    /// The next endpoint by the balancing rule (counted in flight), and `eventLoop`'s
    /// connection to it, opening one when there is none.
    private func pick(on eventLoop: any EventLoop) -> (Endpoint, Connection)? {
        let now = ContinuousClock.now
        let key = ObjectIdentifier(eventLoop)
        let picked: (Endpoint, Connection)? = state.withLock { state in
            let connections = state.connections
            guard !state.closed, let endpoint = state.endpoints.pick(at: now, isConnected: { connections[$0]?[key]?.open != nil }) else {
                return nil
            }
            let current = connections[endpoint]?[key]
            if let channel = current?.open { return (endpoint, .open(channel)) }
            if let opening = current?.attempt { return (endpoint, .opening(opening, isNew: false)) }
            let opening = GRPCConnection.connect(host: endpoint.host, port: endpoint.port, tls: tls, on: eventLoop)
            state.connections[endpoint, default: [:]][key] = LoopConnection(attempt: opening)
            return (endpoint, .opening(opening, isNew: true))
        }
        guard let (endpoint, connection) = picked else {
            if let refresher = state.withLock({ $0.refresher }) { Task { await refresher.lookUpNow() } }
            return nil
        }
        if case .opening(let opening, isNew: true) = connection { recordOutcome(of: opening, to: endpoint, on: eventLoop) }
        return (endpoint, connection)
    }

    /// Files a connection attempt's outcome, if the endpoint (found by address: the list may
    /// have changed meanwhile) still waits for it: the open connection, or a failure that backs
    /// the endpoint off.
    private func recordOutcome(of opening: EventLoopFuture<GRPCConnection>, to endpoint: Endpoint, on eventLoop: any EventLoop) {
        let key = ObjectIdentifier(eventLoop)
        opening.whenComplete { outcome in
            let kept: Bool = self.state.withLock { state in
                // Connections of an endpoint that left the list were dropped with it.
                guard !state.closed, state.connections[endpoint]?[key]?.attempt === opening else { return false }
                switch outcome {
                case .success(let channel):
                    state.connections[endpoint]?[key]?.open = channel
                    state.endpoints.connected(endpoint)
                case .failure:
                    state.connections[endpoint]?[key] = nil
                    state.endpoints.connectFailed(endpoint, at: .now)
                }
                return true
            }
            switch outcome {
            case .success(let channel):
                if kept {
                    self.metrics.connections.increment()
                } else {
                    // The endpoint left the list, or the gateway closed, while connecting.
                    Task { try? await channel.close() }
                }
            case .failure:
                self.metrics.connectFailures.increment()
            }
        }
    }

    /// Whether `channel` is `eventLoop`'s open connection to `endpoint`.
    private func isOpen(_ channel: GRPCConnection, to endpoint: Endpoint, on eventLoop: any EventLoop) -> Bool {
        state.withLock { $0.connections[endpoint]?[ObjectIdentifier(eventLoop)]?.open === channel }
    }

    /// Ends a call's hold on its endpoint (found by address: the list may have changed since
    /// the call began; an endpoint that left took its load along).
    private func finished(_ endpoint: Endpoint, _ outcome: CallOutcome) {
        let ejected = state.withLock { $0.endpoints.finished(endpoint, outcome, at: .now) }
        if ejected { metrics.ejections.increment() }
    }

    /// Forgets `broken` (a connection that refused a call: draining after GOAWAY, or gone) so
    /// the next call there reconnects; calls it still carries finish before it closes.
    private func discard(_ broken: GRPCConnection, at endpoint: Endpoint, on eventLoop: any EventLoop) {
        let key = ObjectIdentifier(eventLoop)
        let forgotten: Bool = state.withLock { state in
            guard state.connections[endpoint]?[key]?.open === broken else { return false }
            state.connections[endpoint]?[key] = nil
            return true
        }
        guard forgotten else { return }
        metrics.connections.decrement()
        Task { await broken.closeWhenIdle() }
    }

    private func noEndpointTookTheCall(_ lastFailure: (any Error)?) -> Status {
        state.withLock { state in
            if state.closed { return Status.transport(.unavailable, "the gateway is shutting down") }
            if state.endpoints.count == 0 { return Status.transport(.unavailable, "upstream \(name) has no endpoints yet (its DNS name has not resolved)") }
            return state.endpoints.noEndpointTookTheCall(upstream: name, lastFailure: lastFailure)
        }
    }
}

/// Calls over one event loop's upstream connections.
private struct EventLoopTransport: ClientTransport {
    let pool: UpstreamPool
    let eventLoop: any EventLoop

    func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        let eventLoop = self.eventLoop
        let tries = pool.endpointCount + 1
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        return try await pool.attempt(on: eventLoop, triesLeft: tries, lastFailure: nil, holdsEndpoint: true) { channel, release in
            eventLoop.makeFutureWithTask { () -> any ClientCall in
                EndpointHoldingCall(try await channel.startCall(method, options: options.remaining(until: deadline)), onEnd: release)
            }
        }.get()
    }
}

extension CallOptions {
    /// These options with what is left until `deadline` as the timeout (none without one), so a
    /// call moved to another endpoint does not start its whole timeout again.
    fileprivate func remaining(until deadline: ContinuousClock.Instant?) -> CallOptions {
        guard let deadline else { return self }
        var options = self
        options.timeout = deadline - .now
        return options
    }
}
