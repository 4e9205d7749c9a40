import Synchronization
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// Where a service listens.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

/// Calls to a service that runs on several endpoints: one HTTP/2 connection per endpoint,
/// opened on first use and reopened after it breaks, with exponential backoff and jitter
/// between failed attempts; calls go round robin, or to the less busy of two random endpoints,
/// over the endpoints not backing off, and an endpoint that keeps failing is ejected for a
/// while (`OutlierPolicy`). Unary calls of idempotent methods are retried as `RetryPolicy`
/// says, within a retry budget. A call
/// that provably never reached a server (the connection could not be opened, was closed, or
/// refused new streams after GOAWAY because the server is draining) is retried on the next
/// endpoint, so a server going away loses no call. A connection without calls for
/// `idleTimeout` is closed, and reopened by the next call.
public final class MeshChannel: ClientTransport {
    /// An endpoint's connection, or the attempt to open one.
    private struct Connection {
        var channel: GRPCConnection?
        var connecting: Task<GRPCConnection, any Error>?
        /// When a call last went to the endpoint (for idle close).
        var lastUsed: ContinuousClock.Instant?
    }

    private struct State {
        var endpoints: EndpointSet
        /// Per listed endpoint that has one, its connection or the attempt to open one.
        var connections: [Endpoint: Connection] = [:]
        var budget: RetryBudget
        var retries = 0
        /// Keeps the endpoints fresh, when they come from a resolver.
        var refresher: EndpointRefresher?
        var idleSweeper: Task<Void, Never>?
        /// Set by `close`: connections that open later are closed at once.
        var closed = false
    }

    /// The endpoints calls go to now.
    public var endpoints: [Endpoint] { state.withLock { $0.endpoints.endpoints } }
    private let tls: TLSContext?
    private let retryPolicy: RetryPolicy
    private let metrics: ChannelMetrics?
    private let state: Mutex<State>

    /// A channel over `endpoints` (TLS when `tls` is given; an endpoint listed twice counts
    /// once); nothing connects until a call.
    /// Connections idle for `idleTimeout` close (nil keeps them). Connections, retries and
    /// ejections are reported to `metrics` when given.
    public init(
        endpoints: [Endpoint], tls: TLSContext?, balancing: Balancing = .roundRobin, outliers: OutlierPolicy = OutlierPolicy(),
        retries: RetryPolicy = RetryPolicy(), backoff: Backoff = Backoff(), idleTimeout: Duration? = .seconds(300),
        metrics: ChannelMetrics? = nil
    ) {
        precondition(!endpoints.isEmpty, "a MeshChannel needs at least one endpoint")
        self.tls = tls
        self.retryPolicy = retries
        self.metrics = metrics
        self.state = Mutex(State(
            endpoints: EndpointSet(endpoints, balancing: balancing, outliers: outliers, backoff: backoff),
            budget: RetryBudget(ratio: retries.budgetRatio, minimum: retries.budgetMinimum)))
        guard let idleTimeout else { return }
        let sweeper = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: idleTimeout / 2)
                guard let self else { return }
                await self.closeConnections(idleFor: idleTimeout)
            }
        }
        state.withLock { $0.idleSweeper = sweeper }
    }

    deinit {
        state.withLock { state in
            state.idleSweeper?.cancel()
            state.refresher?.stop()
        }
    }

    /// Closes the connections that carried no new call for `idleTimeout` and have no call in
    /// flight, streaming ones included (a long Watch keeps its connection).
    private func closeConnections(idleFor idleTimeout: Duration) async {
        func isIdle(_ state: State, _ endpoint: Endpoint, _ channel: GRPCConnection, now: ContinuousClock.Instant) -> Bool {
            guard let connection = state.connections[endpoint] else { return false }
            return connection.channel === channel && state.endpoints.inFlight(endpoint) == 0
                && (connection.lastUsed ?? now) + idleTimeout <= now
        }
        let candidates: [(endpoint: Endpoint, channel: GRPCConnection)] = state.withLock { state in
            let now = ContinuousClock.now
            return state.connections.compactMap { endpoint, connection in
                guard let channel = connection.channel, isIdle(state, endpoint, channel, now: now) else { return nil }
                return (endpoint, channel)
            }
        }
        for (endpoint, channel) in candidates where !(await channel.hasCallsInFlight()) {
            // A call may have picked the connection meanwhile: check again before taking it.
            let taken = state.withLock { state in
                guard isIdle(state, endpoint, channel, now: .now) else { return false }
                state.connections[endpoint]?.channel = nil
                return true
            }
            guard taken else { continue }
            metrics?.connections.decrement()
            try? await channel.close()
        }
    }

    /// Policy retries made so far (calls that never left are not counted).
    public var retriesMade: Int { state.withLock { $0.retries } }

    /// Per endpoint: calls in flight, and whether it is ejected now.
    public var endpointStates: [(inFlight: Int, ejected: Bool)] {
        let now = ContinuousClock.now
        return state.withLock { $0.endpoints.loads(at: now) }
    }

    public func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        // A stream holds its endpoint until it ends, not just while it starts.
        try await onSomeEndpoint(holdsEndpoint: true) { channel, release in
            EndpointHoldingCall(try await channel.startCall(method, options: options), onEnd: release)
        }
    }

    public func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> RawUnaryResponse {
        state.withLock { $0.budget.callStarted() }
        guard method.idempotency != .unknown else {
            return try await onSomeEndpoint { channel, _ in try await channel.unary(method, request: request, options: options) }
        }
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        var attempt = 1
        while true {
            var attemptOptions = options
            if let deadline { attemptOptions.timeout = deadline - .now }
            do {
                return try await onSomeEndpoint { channel, _ in try await channel.unary(method, request: request, options: attemptOptions) }
            } catch let status as Status where retryPolicy.retryableCodes.contains(status.code) && attempt < retryPolicy.maximumAttempts {
                let wait = retryPolicy.backoff.delay(afterFailures: attempt)
                if let deadline, ContinuousClock.now + wait >= deadline { throw status }
                guard state.withLock({ state in
                    guard state.budget.takeRetry() else { return false }
                    state.retries += 1
                    return true
                }) else { throw status }
                metrics?.policyRetries.increment()
                try await Task.sleep(for: wait)
                attempt += 1
            }
        }
    }

    /// Closes every connection (and stops re-resolving and sweeping idle connections).
    public func close() async {
        let (open, refresher, sweeper) = state.withLock { state in
            defer {
                state.connections = [:]
                state.refresher = nil
                state.idleSweeper = nil
                state.closed = true
            }
            return (state.connections.values.compactMap(\.channel), state.refresher, state.idleSweeper)
        }
        refresher?.stop()
        sweeper?.cancel()
        metrics?.connections.decrement(by: Double(open.count))
        for channel in open { try? await channel.close() }
    }

    /// Replaces the endpoint list (a resolver found a new one): endpoints that stay keep their
    /// connections and load, new ones connect on first use, removed ones are closed once their
    /// calls in flight are done.
    public func update(endpoints newEndpoints: [Endpoint]) {
        let removed: [GRPCConnection] = state.withLock { state in
            let left = state.endpoints.replace(with: newEndpoints) ?? []
            return left.compactMap { state.connections.removeValue(forKey: $0)?.channel }
        }
        guard !removed.isEmpty else { return }
        metrics?.connections.decrement(by: Double(removed.count))
        for channel in removed { Task { await channel.closeWhenIdle() } }
    }

    /// A channel whose endpoints come from `resolver` (e.g. `DNSResolver` for a Kubernetes
    /// headless service): resolved now, again every `refreshEvery`, and on demand (at most once a
    /// second, see `EndpointRefresher`) when no endpoint takes a call. Throws when the first
    /// resolution finds nothing.
    public static func resolving(
        _ resolver: any EndpointResolver, refreshEvery: Duration = .seconds(30), tls: TLSContext?,
        balancing: Balancing = .roundRobin, outliers: OutlierPolicy = OutlierPolicy(), retries: RetryPolicy = RetryPolicy(),
        idleTimeout: Duration? = .seconds(300), metrics: ChannelMetrics? = nil
    ) async throws -> MeshChannel {
        let endpoints = try await resolver.resolve()
        guard !endpoints.isEmpty else { throw Status.transport(.unavailable, "\(resolver) resolved to no endpoints") }
        let channel = MeshChannel(
            endpoints: endpoints, tls: tls, balancing: balancing, outliers: outliers, retries: retries, idleTimeout: idleTimeout,
            metrics: metrics)
        let refresher = EndpointRefresher(resolver, every: refreshEvery, lookUpAtOnce: false) { [weak channel] found in
            channel?.update(endpoints: found)
        }
        channel.state.withLock { $0.refresher = refresher }
        return channel
    }

    /// Runs `body` on the next usable endpoint's connection, moving on while the call was never
    /// sent; at most one attempt per endpoint, plus one. The endpoint's call ends when `body`
    /// returns, unless `holdsEndpoint`: then through the release `body` is given (a stream).
    private func onSomeEndpoint<Result: Sendable>(
        holdsEndpoint: Bool = false, _ body: (GRPCConnection, @escaping @Sendable (CallOutcome) -> Void) async throws -> Result
    ) async throws -> Result {
        var lastFailure: (any Error)?
        for _ in 0...state.withLock({ $0.endpoints.count }) {
            guard let endpoint = nextEndpoint() else { break }
            let started = ContinuousClock.now
            let channel: GRPCConnection
            do {
                channel = try await connection(to: endpoint)
            } catch {
                // A failed attempt counts against the endpoint once, not once per waiting call.
                finished(endpoint, (error as? Unreachable)?.recordedFailure == true ? .endpointFailed : .neutral)
                lastFailure = (error as? Unreachable)?.status ?? error
                continue
            }
            do {
                let result = try await body(channel) { [weak self] outcome in self?.finished(endpoint, outcome) }
                if !holdsEndpoint { finished(endpoint, .succeeded(latency: .now - started)) }
                return result
            } catch where GRPCConnection.wasNeverSent(error) {
                finished(endpoint, .neutral)
                forget(channel, at: endpoint)
                metrics?.neverSentRetries.increment()
                lastFailure = error
            } catch {
                finished(endpoint, .failed(error))
                throw error
            }
        }
        let (refresher, refusal) = state.withLock { ($0.refresher, $0.endpoints.noEndpointTookTheCall(lastFailure: lastFailure)) }
        if let refresher { Task { await refresher.lookUpNow() } }
        throw refusal
    }

    /// The next endpoint, by the balancing rule, among those connected or not backing off;
    /// counted in flight.
    private func nextEndpoint() -> Endpoint? {
        let now = ContinuousClock.now
        return state.withLock { state in
            let connections = state.connections
            guard let endpoint = state.endpoints.pick(at: now, isConnected: { connections[$0]?.channel != nil }) else { return nil }
            state.connections[endpoint, default: Connection()].lastUsed = now
            return endpoint
        }
    }

    /// Ends a call's hold on its endpoint (found by address: the list may have changed since
    /// the call began).
    private func finished(_ endpoint: Endpoint, _ outcome: CallOutcome) {
        let ejected = state.withLock { $0.endpoints.finished(endpoint, outcome, at: .now) }
        if ejected { metrics?.ejections.increment() }
    }

    /// A connection attempt that failed; `recordedFailure` for the one caller that recorded it
    /// (the others waited on the same attempt).
    private struct Unreachable: Error {
        let status: Status
        let recordedFailure: Bool
    }

    /// `endpoint`'s connection, opening it (once, whoever else waits) when there is none.
    private func connection(to endpoint: Endpoint) async throws -> GRPCConnection {
        let tls = self.tls
        let left = Unreachable(status: Status(.unavailable, "\(endpoint) left the endpoint list", origin: .transportBeforeSending), recordedFailure: false)
        enum Found {
            case open(GRPCConnection)
            case opening(Task<GRPCConnection, any Error>)
            case refused(Unreachable)
        }
        let found: Found = state.withLock { state in
            guard !state.closed else { return .refused(Unreachable(status: Status(.unavailable, "the channel is closed", origin: .transportBeforeSending), recordedFailure: false)) }
            guard state.endpoints.contains(endpoint) else { return .refused(left) }
            let current = state.connections[endpoint] ?? Connection()
            if let channel = current.channel { return .open(channel) }
            if let connecting = current.connecting { return .opening(connecting) }
            let connecting = Task { try await GRPCConnection.connect(host: endpoint.host, port: endpoint.port, tls: tls) }
            state.connections[endpoint, default: Connection()].connecting = connecting
            return .opening(connecting)
        }
        let attempt: Task<GRPCConnection, any Error>
        switch found {
        case .open(let channel): return channel
        case .refused(let unreachable): throw unreachable
        case .opening(let connecting): attempt = connecting
        }
        let channel: GRPCConnection
        do {
            channel = try await attempt.value
        } catch {
            // The first waiter to get here records the failure; the endpoint backs off.
            let recorded = state.withLock { state in
                guard state.connections[endpoint]?.connecting == attempt else { return false }
                state.connections[endpoint]?.connecting = nil
                state.endpoints.connectFailed(endpoint, at: .now)
                return true
            }
            if recorded { metrics?.connectFailures.increment() }
            throw Unreachable(status: Status(.unavailable, "\(endpoint) is unreachable: \(error)", origin: .transportBeforeSending), recordedFailure: recorded)
        }
        // The first waiter to get here records the connection; the others use it. One from an
        // attempt the endpoint no longer waits for (it left the list, and came back, meanwhile)
        // is taken when the endpoint has none, else closed.
        enum Outcome { case recorded, alreadyRecorded, unwanted }
        let outcome: Outcome = state.withLock { state in
            guard state.endpoints.contains(endpoint), !state.closed else { return .unwanted }
            let current = state.connections[endpoint] ?? Connection()
            if current.channel === channel { return .alreadyRecorded }
            guard current.connecting == attempt || (current.channel == nil && current.connecting == nil) else { return .unwanted }
            state.connections[endpoint] = Connection(channel: channel, lastUsed: .now)
            state.endpoints.connected(endpoint)
            return .recorded
        }
        switch outcome {
        case .recorded:
            metrics?.connections.increment()
        case .alreadyRecorded:
            break
        case .unwanted:
            // The caller moves on to a listed endpoint; waiters on the same attempt close it again, harmlessly.
            try? await channel.close()
            throw left
        }
        return channel
    }

    /// Forgets a connection that refused a call (draining after GOAWAY, or gone); the next call
    /// to its endpoint reconnects, and the calls it still carries finish before it closes.
    private func forget(_ channel: GRPCConnection, at endpoint: Endpoint) {
        let forgotten = state.withLock { state in
            guard state.connections[endpoint]?.channel === channel else { return false }
            state.connections[endpoint]?.channel = nil
            return true
        }
        guard forgotten else { return }
        metrics?.connections.decrement()
        Task { await channel.closeWhenIdle() }
    }
}
