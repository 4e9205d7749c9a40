import NIOCore
import Synchronization
import WeftMesh
import WeftMessages
import WeftRPC
import WeftTLS

/// The gateway's HTTP/2 connections to one upstream service, which may run on several
/// endpoints: per front event loop, one connection per endpoint, opened on first use there and
/// reopened after it breaks, so a request is served and forwarded on one thread. Calls spread
/// over the endpoints by the mesh's rules (`EndpointBalancer`: round robin or power of two
/// choices, with outlier ejection; one balancer for all loops), and an endpoint that cannot be
/// reached backs off. A call a connection refuses before sending anything moves on to the next
/// endpoint: the upstream provably never saw it. A DNS upstream is resolved at start, again
/// every refresh period, and at once when no endpoint takes a call.
final class UpstreamPool: Sendable {
    /// The upstream service's name, for errors and metrics.
    let name: String
    private let tls: TLSContext?
    private let backoff = Backoff()
    private let metrics: ChannelMetrics
    /// Where the endpoints come from, for a DNS upstream.
    private let dns: DNSResolver?
    private let state: Mutex<State>

    private struct EndpointHealth {
        var failures = 0
        var retryAt: ContinuousClock.Instant?
    }

    /// One event loop's connections, by endpoint position.
    private struct LoopConnections {
        /// The connection, or the attempt to open one.
        var attempts: [EventLoopFuture<GRPCChannel>?]
        var open: [GRPCChannel?]

        init(count: Int) {
            attempts = Array(repeating: nil, count: count)
            open = Array(repeating: nil, count: count)
        }

        /// Positions moved (see `EndpointBalancer.remap`).
        mutating func remap(_ previous: [Int?]) {
            attempts = previous.map { $0.flatMap { attempts[$0] } }
            open = previous.map { $0.flatMap { open[$0] } }
        }
    }

    private struct State {
        var addresses: [Endpoint] = []
        var health: [EndpointHealth] = []
        var balancer: EndpointBalancer
        var loops: [ObjectIdentifier: LoopConnections] = [:]
        var refresher: Task<Void, Never>?
        /// The DNS lookup in progress (calls that need one wait for it), and when the last began.
        var lookup: Task<Void, Never>?
        var lastLookup: ContinuousClock.Instant?
        var closed = false
    }

    /// The endpoint a call was given (found again by address: the list may change meanwhile).
    fileprivate struct Slot {
        let endpoint: Endpoint
    }

    /// The connection a call goes over: open, or being opened (`isNew` for the call that
    /// started the attempt, which alone counts its failure against the endpoint).
    private enum Connection {
        case open(GRPCChannel)
        case opening(EventLoopFuture<GRPCChannel>, isNew: Bool)
    }

    /// How many DNS lookups a failing upstream may cause at most: one per this interval.
    private static let minimumLookupInterval: Duration = .seconds(1)

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
        state = Mutex(State(balancer: EndpointBalancer(count: 0, balancing: upstream.balancing, outliers: OutlierPolicy())))
        switch upstream.discovery {
        case .endpoints(let endpoints):
            dns = nil
            update(endpoints: endpoints)
        case .dns(let host, let port, let refresh):
            dns = DNSResolver(host: host, port: port)
            let refresher = Task { [weak self] in
                while !Task.isCancelled {
                    do {
                        guard let pool = self else { return }  // dropped without close()
                        await pool.resolve()
                    }
                    try? await Task.sleep(for: refresh)
                }
            }
            state.withLock { $0.refresher = refresher }
        }
    }

    deinit {
        state.withLock { $0.refresher?.cancel() }
    }

    /// The endpoints calls go to now.
    var endpoints: [Endpoint] { state.withLock { $0.addresses } }

    /// A unary call from `eventLoop`; the future completes there.
    func unary(on eventLoop: any EventLoop, _ method: MethodDescriptor, request: [UInt8], options: CallOptions) -> EventLoopFuture<RawUnaryResponse> {
        attempt(on: eventLoop, triesLeft: state.withLock { $0.addresses.count } + 1, lastFailure: nil, holdsSlot: false) { channel, _ in
            channel.unaryFuture(method, request: request, options: options)
        }
        .hop(to: eventLoop)
    }

    /// A transport whose calls go over `eventLoop`'s connections (for streaming calls).
    func transport(on eventLoop: any EventLoop) -> some ClientTransport {
        EventLoopTransport(pool: self, eventLoop: eventLoop)
    }

    /// Stops re-resolving and closes every connection for good.
    func close() async {
        let (open, tasks) = state.withLock { state in
            state.closed = true
            defer { state.loops = [:] }
            return (state.loops.values.flatMap { $0.open.compactMap { $0 } }, [state.refresher, state.lookup].compactMap { $0 })
        }
        for task in tasks { task.cancel() }
        metrics.connections.decrement(by: Double(open.count))
        for channel in open { try? await channel.close() }
    }

    /// Replaces the endpoint list: endpoints that stay keep their connections, load and health;
    /// connections to removed ones close once the calls they carry have ended.
    func update(endpoints listed: [Endpoint]) {
        var newEndpoints: [Endpoint] = []
        for endpoint in listed where !newEndpoints.contains(endpoint) { newEndpoints.append(endpoint) }
        guard !newEndpoints.isEmpty else { return }
        let removed: [GRPCChannel] = state.withLock { state in
            guard newEndpoints != state.addresses, !state.closed else { return [] }
            let previous = newEndpoints.map { state.addresses.firstIndex(of: $0) }
            let kept = Set(previous.compactMap { $0 })
            let removed = state.loops.values.flatMap { connections in
                connections.open.indices.filter { !kept.contains($0) }.compactMap { connections.open[$0] }
            }
            state.health = previous.map { $0.map { state.health[$0] } ?? EndpointHealth() }
            state.balancer.remap(previous)
            for key in state.loops.keys { state.loops[key]!.remap(previous) }
            state.addresses = newEndpoints
            return removed
        }
        guard !removed.isEmpty else { return }
        metrics.connections.decrement(by: Double(removed.count))
        for channel in removed { Task { await channel.closeWhenIdle() } }
    }

    /// Runs `body` over the next usable endpoint's connection on `eventLoop`, moving on while the
    /// connection cannot be opened or the call was never sent; at most `triesLeft` attempts
    /// (a call before a DNS upstream's first lookup waits for it). The endpoint's call ends when
    /// `body`'s future does, unless `holdsSlot`: then `body` ends it through the `SlotRelease`
    /// it is given (a stream, which outlives its start).
    fileprivate func attempt<Result: Sendable>(
        on eventLoop: any EventLoop, triesLeft: Int, lastFailure: (any Error)?, holdsSlot: Bool,
        _ body: @escaping @Sendable (GRPCChannel, SlotRelease) -> EventLoopFuture<Result>
    ) -> EventLoopFuture<Result> {
        guard triesLeft > 0, let (slot, connection) = pick(on: eventLoop) else {
            if dns != nil, lastFailure == nil, endpoints.isEmpty {
                // A call before the first lookup has finished waits for one.
                return eventLoop.makeFutureWithTask { await self.resolve() }.flatMap {
                    let known = self.endpoints.count
                    guard known > 0 else { return eventLoop.makeFailedFuture(self.noEndpointTookTheCall(nil)) }
                    return self.attempt(on: eventLoop, triesLeft: known + 1, lastFailure: nil, holdsSlot: holdsSlot, body)
                }
            }
            return eventLoop.makeFailedFuture(noEndpointTookTheCall(lastFailure))
        }
        let started = ContinuousClock.now
        let moveOn = { @Sendable (error: any Error) -> EventLoopFuture<Result> in
            if triesLeft > 1 { self.metrics.neverSentRetries.increment() }
            return self.attempt(on: eventLoop, triesLeft: triesLeft - 1, lastFailure: error, holdsSlot: holdsSlot, body)
        }
        let call: @Sendable (GRPCChannel) -> EventLoopFuture<Result> = { channel in
            body(channel, SlotRelease(pool: self, slot: slot))
                .map { result in
                    if !holdsSlot { self.finished(slot, latency: .now - started, countsAsFailure: false) }
                    return result
                }
                .flatMapError { error in
                    guard GRPCChannel.wasNeverSent(error) else {
                        self.finished(slot, latency: nil, countsAsFailure: (error as? Status)?.code == .unavailable)
                        return eventLoop.makeFailedFuture(error)
                    }
                    self.finished(slot, latency: nil, countsAsFailure: false)
                    self.discard(channel, at: slot, on: eventLoop)
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
                case .success(let channel) where self.isOpen(channel, to: slot.endpoint, on: eventLoop):
                    promise.completeWith(call(channel))
                case .success:
                    // The endpoint left the list (or the gateway closed) while connecting.
                    self.finished(slot, latency: nil, countsAsFailure: false)
                    promise.completeWith(moveOn(Status(.unavailable, "\(slot.endpoint) left the endpoint list while connecting")))
                case .failure(let error):
                    self.finished(slot, latency: nil, countsAsFailure: isNew)
                    promise.completeWith(moveOn(error))
                }
            }
            return promise.futureResult
        }
    }

    /// The next endpoint by the balancing rule among those not backing off (counted in
    /// flight), and `eventLoop`'s connection to it, opening one when there is none.
    private func pick(on eventLoop: any EventLoop) -> (Slot, Connection)? {
        let now = ContinuousClock.now
        let key = ObjectIdentifier(eventLoop)
        let picked: (Slot, Connection)? = state.withLock { state in
            guard !state.closed else { return nil }
            var connections = state.loops.removeValue(forKey: key) ?? LoopConnections(count: state.addresses.count)
            defer { state.loops[key] = connections }
            let usable = state.addresses.indices.filter { index in
                connections.open[index] != nil || (state.health[index].retryAt.map { $0 <= now } ?? true)
            }
            guard let index = state.balancer.pick(usable: usable, at: now) else { return nil }
            let slot = Slot(endpoint: state.addresses[index])
            if let channel = connections.open[index] { return (slot, .open(channel)) }
            if let opening = connections.attempts[index] { return (slot, .opening(opening, isNew: false)) }
            let opening = GRPCChannel.connect(host: slot.endpoint.host, port: slot.endpoint.port, tls: tls, on: eventLoop)
            connections.attempts[index] = opening
            return (slot, .opening(opening, isNew: true))
        }
        guard let (slot, connection) = picked else {
            if dns != nil { Task { [weak self] in await self?.resolve() } }
            return nil
        }
        if case .opening(let opening, isNew: true) = connection { recordOutcome(of: opening, to: slot.endpoint, on: eventLoop) }
        return (slot, connection)
    }

    /// Files a connection attempt's outcome under the endpoint's current position (the list
    /// may have changed meanwhile): the open connection, or a failure that backs the endpoint off.
    private func recordOutcome(of opening: EventLoopFuture<GRPCChannel>, to endpoint: Endpoint, on eventLoop: any EventLoop) {
        let key = ObjectIdentifier(eventLoop)
        opening.whenComplete { outcome in
            let kept: Bool = self.state.withLock { state in
                guard let index = state.addresses.firstIndex(of: endpoint), state.loops[key]?.attempts[index] === opening else {
                    return false
                }
                switch outcome {
                case .success(let channel):
                    state.loops[key]!.open[index] = channel
                    state.health[index] = EndpointHealth()
                case .failure:
                    state.loops[key]!.attempts[index] = nil
                    state.health[index].failures += 1
                    state.health[index].retryAt = .now + self.backoff.delay(afterFailures: state.health[index].failures)
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
    private func isOpen(_ channel: GRPCChannel, to endpoint: Endpoint, on eventLoop: any EventLoop) -> Bool {
        state.withLock { state in
            guard let index = state.addresses.firstIndex(of: endpoint) else { return false }
            return state.loops[ObjectIdentifier(eventLoop)]?.open[index] === channel
        }
    }

    /// Ends a call's hold on its endpoint (under the endpoint's current position: the list may
    /// have changed since the call began; an endpoint that left took its load along).
    fileprivate func finished(_ slot: Slot, latency: Duration?, countsAsFailure: Bool) {
        let ejected = state.withLock { state in
            guard let index = state.addresses.firstIndex(of: slot.endpoint) else { return false }
            return state.balancer.finished(index, latency: latency, countsAsFailure: countsAsFailure, at: .now)
        }
        if ejected { metrics.ejections.increment() }
    }

    /// Forgets `broken` (a connection that refused a call: draining after GOAWAY, or gone) so
    /// the next call there reconnects; calls it still carries finish before it closes.
    private func discard(_ broken: GRPCChannel, at slot: Slot, on eventLoop: any EventLoop) {
        let key = ObjectIdentifier(eventLoop)
        let forgotten: Bool = state.withLock { state in
            guard let index = state.addresses.firstIndex(of: slot.endpoint), state.loops[key]?.open[index] === broken else { return false }
            state.loops[key]!.open[index] = nil
            state.loops[key]!.attempts[index] = nil
            return true
        }
        guard forgotten else { return }
        metrics.connections.decrement()
        Task { await broken.closeWhenIdle() }
    }

    /// Looks the DNS name up again (a failed lookup keeps the endpoints known): one lookup at a
    /// time, which every caller waits for, and at most one per `minimumLookupInterval`.
    private func resolve() async {
        guard let dns else { return }
        let lookup: Task<Void, Never>? = state.withLock { state in
            if let running = state.lookup { return running }
            guard !state.closed, state.lastLookup.map({ .now - $0 >= Self.minimumLookupInterval }) ?? true else { return nil }
            state.lastLookup = .now
            let lookup = Task { [weak self] in
                let found = try? await dns.resolve()
                guard let self else { return }
                if let found { self.update(endpoints: found) }
                self.state.withLock { $0.lookup = nil }
            }
            state.lookup = lookup
            return lookup
        }
        await lookup?.value
    }

    private func noEndpointTookTheCall(_ lastFailure: (any Error)?) -> Status {
        let (addresses, closed) = state.withLock { ($0.addresses, $0.closed) }
        if closed { return Status(.unavailable, "the gateway is shutting down") }
        if addresses.isEmpty { return Status(.unavailable, "upstream \(name) has no endpoints yet (its DNS name has not resolved)") }
        return Status(
            .unavailable,
            "no endpoint of upstream \(name) (\(addresses.map(\.description).joined(separator: ", "))) took the call"
                + (lastFailure.map { ": \($0)" } ?? " (all are backing off)"))
    }

    /// A stream's hold on its endpoint, released once when the stream ends.
    fileprivate struct SlotRelease: Sendable {
        let pool: UpstreamPool
        let slot: Slot

        func callEnded(_ error: (any Error)?) {
            pool.finished(slot, latency: nil, countsAsFailure: (error as? Status)?.code == .unavailable)
        }
    }
}

/// Calls over one event loop's upstream connections.
private struct EventLoopTransport: ClientTransport {
    let pool: UpstreamPool
    let eventLoop: any EventLoop

    func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        let eventLoop = self.eventLoop
        let tries = pool.endpoints.count + 1
        return try await pool.attempt(on: eventLoop, triesLeft: tries, lastFailure: nil, holdsSlot: true) { channel, release in
            eventLoop.makeFutureWithTask { () -> any ClientCall in
                StreamOnEndpoint(call: try await channel.startCall(method, options: options), release: release)
            }
        }.get()
    }
}

/// A streaming call that keeps its endpoint counted in flight until it ends (its last message,
/// its error, or its cancellation), so balancing sees streams as load.
private final class StreamOnEndpoint: ClientCall {
    private let call: any ClientCall
    private let release: UpstreamPool.SlotRelease
    private let ended = Atomic(false)

    init(call: any ClientCall, release: UpstreamPool.SlotRelease) {
        self.call = call
        self.release = release
    }

    deinit { end(nil) }

    private func end(_ error: (any Error)?) {
        guard !ended.exchange(true, ordering: .relaxed) else { return }
        release.callEnded(error)
    }

    func send(_ message: [UInt8]) async throws { try await call.send(message) }
    func finishRequests() async throws { try await call.finishRequests() }
    func initialMetadata() async throws -> Metadata { try await call.initialMetadata() }
    func trailingMetadata() async -> Metadata { await call.trailingMetadata() }

    func next() async throws -> [UInt8]? {
        do {
            let message = try await call.next()
            if message == nil { end(nil) }
            return message
        } catch {
            end(error)
            throw error
        }
    }

    func cancel() {
        call.cancel()
        end(nil)
    }
}
