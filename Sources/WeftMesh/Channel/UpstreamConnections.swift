import NIOCore
import NIOPosix
import Synchronization
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// The HTTP/2 connections to the endpoints of one upstream, for `MeshChannel` and the
/// gateway's upstreams: an `UpstreamConnectionTable` driven with real connections. A call
/// made from an event loop (the gateway's) goes over that loop's own connection to its
/// endpoint, so it is served and forwarded on one thread; a call from anywhere else goes over
/// one connection per endpoint shared by all such calls.
///
/// A connection opens on first use and after it breaks, with backoff between failed attempts;
/// calls spread by `ChannelConfiguration.balancing`, and an endpoint that keeps failing is
/// ejected for a while. A call that provably never reached a server (its connection could not
/// be opened, was closed, or refused new streams after GOAWAY) moves to the next endpoint;
/// unary calls of idempotent methods are also retried as `RetryPolicy` says, within the retry
/// budget and the call's deadline. A connection without calls for the idle timeout closes.
package final class UpstreamConnections: Sendable {
    /// The upstream's name, for errors (nil: the endpoints are named instead).
    package let name: String?
    private let tls: TLSContext?
    private let configuration: ChannelConfiguration
    private let metrics: ChannelMetrics?
    private let state: Mutex<State>

    /// Where a call's connection lives: its event loop's own, or the shared one (nil).
    typealias Slot = ObjectIdentifier?
    private typealias Table = UpstreamConnectionTable<GRPCConnection, Slot>

    private struct State {
        var table: Table
        var budget: RetryBudget
        var retries = 0
        /// Looks a DNS upstream's name up again.
        var refresher: EndpointRefresher?
        var idleSweeper: Task<Void, Never>?
        /// The attempts in progress, for the calls that wait on them.
        var openings: [Table.Attempt: EventLoopFuture<GRPCConnection>] = [:]
    }

    /// Connections to `endpoints` (TLS when `tls` is given); nothing connects until a call.
    /// Connections, retries and ejections are reported to `metrics` when given.
    package init(name: String? = nil, endpoints: [Endpoint], tls: TLSContext?, configuration: ChannelConfiguration = .defaults, metrics: ChannelMetrics? = nil) {
        self.name = name
        self.tls = tls
        self.configuration = configuration
        self.metrics = metrics
        let endpointSet = EndpointSet(endpoints, balancing: configuration.balancing, outliers: configuration.outliers, backoff: configuration.backoff)
        state = Mutex(State(
            table: Table(endpointSet),
            budget: RetryBudget(ratio: configuration.retries.budgetRatio, minimum: configuration.retries.budgetMinimum)))
        guard let idleTimeout = configuration.idleTimeout else { return }
        let sweeper = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: idleTimeout / 2)
                guard let self else { return }
                self.closeConnections(idleSince: .now - idleTimeout)
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

    /// Looks the endpoints up with `resolver` from now on, every `interval` (the first time at
    /// once unless the caller just did) and when no endpoint takes a call; stopped with the
    /// connections.
    package func refresh(from resolver: any EndpointResolver, every interval: Duration, lookUpAtOnce: Bool) {
        let refresher = EndpointRefresher(resolver, every: interval, lookUpAtOnce: lookUpAtOnce) { [weak self] found in
            self?.update(endpoints: found)
        }
        state.withLock { $0.refresher = refresher }
    }

    /// The endpoints calls may go to now.
    package var endpoints: [Endpoint] { state.withLock { $0.table.endpoints.endpoints } }

    /// Policy retries made so far (calls that never left are not counted).
    package var retriesMade: Int { state.withLock { $0.retries } }

    /// Per endpoint: calls in flight, and whether it is ejected now.
    package var endpointStates: [(inFlight: Int, ejected: Bool)] {
        let now = ContinuousClock.now
        return state.withLock { $0.table.endpoints.loads(at: now) }
    }

    /// Whether a connection is open now (to any endpoint, from any slot).
    package var hasOpenConnection: Bool {
        state.withLock { state in state.table.openConnections.contains { $0.isActive } }
    }

    /// A unary call, over `eventLoop`'s connections (nil: the shared ones); the future
    /// completes on the connection's loop. The timeout runs from now: a retry, or an attempt
    /// on another endpoint, gets what is left of it. `cancellation` ends it, retries included.
    package func unary(
        on eventLoop: (any EventLoop)?, _ method: MethodDescriptor, request: [UInt8], options: CallOptions, cancellation: UnaryCancellation? = nil
    ) -> EventLoopFuture<RawUnaryResponse> {
        state.withLock { $0.budget.callStarted() }
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        let loop = eventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
        return unary(attemptNumber: 1, on: loop, shared: eventLoop == nil, method, request, options, deadline, cancellation)
    }

    /// A unary call from `eventLoop` over that loop's connections, its answer handed to
    /// `completion` on that loop: the same call as `unary(on:…)` (balancing, moving on from a
    /// connection that never sent it, retries), but when the loop has its connection open to
    /// the endpoint picked, without a future per step. The gateway relays requests this way.
    package func unary(
        on eventLoop: any EventLoop, _ method: MethodDescriptor, request: [UInt8], options: CallOptions,
        completion: @escaping @Sendable (Result<RawUnaryResponse, any Error>) -> Void
    ) {
        // One reading of the clock for the deadline, the route and the latency's start.
        let started = ContinuousClock.now
        let deadline = options.timeout.map { started + $0 }
        let slot: Slot = ObjectIdentifier(eventLoop)
        let routed = route(from: slot, on: eventLoop, at: started, startingCall: true)
        guard let (endpoint, way) = routed, case .open(let connection) = way else {
            // Connecting, or no endpoint to take it: the general path, from the route taken.
            return unary(attemptNumber: 1, on: eventLoop, shared: false, method, request, options, deadline, nil, routed: routed)
                .whenComplete(completion)
        }
        // Sent at once: all of the timeout is left.
        connection.unary(method, request: request, options: options) { outcome in
            if case .success = outcome {
                self.finished(endpoint, .succeeded(latency: .now - started))
                return completion(outcome)
            }
            // A failure continues as the general path would: on to the next endpoint when the
            // call was never sent, then the retry policy.
            let current = Try(
                eventLoop: eventLoop, shared: false, holdsEndpoint: false, deadline: deadline, tries: self.endpointCount + 1, endpoint: endpoint,
                slot: slot,
                started: started, body: Self.unaryBody(method, request, options, deadline, nil))
            let settled = eventLoop.makePromise(of: RawUnaryResponse.self)
            self.settle(current, over: connection, outcome, completing: settled)
            self.retried(settled.futureResult, attemptNumber: 1, on: eventLoop, shared: false, method, request, options, deadline, nil)
                .whenComplete(completion)
        }
    }

    /// One try of a unary call over a connection.
    private static func unaryBody(
        _ method: MethodDescriptor, _ request: [UInt8], _ options: CallOptions, _ deadline: ContinuousClock.Instant?,
        _ cancellation: UnaryCancellation?
    ) -> @Sendable (GRPCConnection, @escaping @Sendable (CallOutcome) -> Void) -> EventLoopFuture<RawUnaryResponse> {
        { connection, _ in
            connection.unaryFuture(method, request: request, options: options.remaining(until: deadline), cancellation: cancellation)
        }
    }

    private func unary(
        attemptNumber: Int, on eventLoop: any EventLoop, shared: Bool, _ method: MethodDescriptor, _ request: [UInt8], _ options: CallOptions,
        _ deadline: ContinuousClock.Instant?, _ cancellation: UnaryCancellation?, routed: (Endpoint, Way)?? = nil
    ) -> EventLoopFuture<RawUnaryResponse> {
        let sent = attempt(
            on: eventLoop, shared: shared, holdsEndpoint: false, deadline: deadline, routed: routed,
            Self.unaryBody(method, request, options, deadline, cancellation))
        return retried(sent, attemptNumber: attemptNumber, on: eventLoop, shared: shared, method, request, options, deadline, cancellation)
    }

    /// `sent` (try `attemptNumber` of a unary call), tried again after a failure as the retry
    /// policy allows for idempotent methods.
    private func retried(
        _ sent: EventLoopFuture<RawUnaryResponse>, attemptNumber: Int, on eventLoop: any EventLoop, shared: Bool, _ method: MethodDescriptor,
        _ request: [UInt8], _ options: CallOptions, _ deadline: ContinuousClock.Instant?, _ cancellation: UnaryCancellation?
    ) -> EventLoopFuture<RawUnaryResponse> {
        guard method.idempotency != .unknown else { return sent }
        let policy = configuration.retries
        return sent.flatMapError { error in
            guard let status = error as? Status, policy.retryableCodes.contains(status.code), attemptNumber < policy.maximumAttempts else {
                return eventLoop.makeFailedFuture(error)
            }
            let wait = policy.backoff.delay(afterFailures: attemptNumber)
            if let deadline, ContinuousClock.now + wait >= deadline { return eventLoop.makeFailedFuture(error) }
            if cancellation?.isCancelled == true { return eventLoop.makeFailedFuture(error) }
            guard self.state.withLock({ state in
                guard state.budget.takeRetry() else { return false }
                state.retries += 1
                return true
            }) else { return eventLoop.makeFailedFuture(error) }
            self.metrics?.policyRetries.increment()
            return eventLoop.scheduleTask(in: TimeAmount(wait)) {}.futureResult.flatMap {
                // Cancelled during the wait: no further try.
                guard cancellation?.isCancelled != true else { return eventLoop.makeFailedFuture(UnaryCancellation.cancelled) }
                return self.unary(attemptNumber: attemptNumber + 1, on: eventLoop, shared: shared, method, request, options, deadline, cancellation)
            }
        }
    }

    /// A streaming call over `eventLoop`'s connections (nil: the shared ones). It holds its
    /// endpoint, counted in flight, until it ends.
    package func startCall(on eventLoop: (any EventLoop)?, _ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        let loop = eventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        return try await attempt(on: loop, shared: eventLoop == nil, holdsEndpoint: true, deadline: deadline) { connection, release in
            loop.makeFutureWithTask { () -> any ClientCall in
                EndpointHoldingCall(try await connection.startCall(method, options: options.remaining(until: deadline)), onEnd: release)
            }
        }.get()
    }

    /// Whether the upstream can be reached, for readiness: true when a connection is open;
    /// otherwise `eventLoop` opens one to the endpoint the balancing rule picks, waiting at
    /// most `connectWait`. False when no endpoint may be tried now (all backing off, or none
    /// known yet).
    package func probe(on eventLoop: any EventLoop, connectWait: TimeAmount = .seconds(1)) -> EventLoopFuture<Bool> {
        if hasOpenConnection { return eventLoop.makeSucceededFuture(true) }
        let answer = eventLoop.makePromise(of: Bool.self)
        let timer = eventLoop.scheduleTask(in: connectWait) { answer.succeed(false) }
        // A probe is no call: the endpoint's load goes back at once. A dead connection found
        // counts as refused, so the next try opens another.
        attempt(on: eventLoop, shared: false, holdsEndpoint: true, triesLeft: 2) { connection, release -> EventLoopFuture<Bool> in
            guard connection.isActive else {
                return eventLoop.makeFailedFuture(Status(.unavailable, "the connection closed", origin: .transportBeforeSending))
            }
            release(.neutral)
            return eventLoop.makeSucceededFuture(true)
        }.whenComplete { outcome in
            timer.cancel()
            answer.succeed((try? outcome.get()) ?? false)
        }
        return answer.futureResult
    }

    /// Replaces the endpoint list (a resolver found a new one): endpoints that stay keep their
    /// connections, load and health; new ones connect on first use; connections to removed
    /// ones close once the calls they carry have ended.
    package func update(endpoints newEndpoints: [Endpoint]) {
        let leaving = state.withLock { $0.table.replace(with: newEndpoints) }
        metrics?.connections.decrement(by: Double(leaving.count))
        for connection in leaving { drain(connection) }
    }

    /// Stops re-resolving and sweeping, and closes every connection for good; later calls fail
    /// with UNAVAILABLE.
    package func close() async {
        let (all, draining, refresher, sweeper) = state.withLock { state in
            let draining = state.table.drainingCount
            defer {
                state.refresher = nil
                state.idleSweeper = nil
            }
            return (state.table.close(), draining, state.refresher, state.idleSweeper)
        }
        refresher?.stop()
        sweeper?.cancel()
        metrics?.connections.decrement(by: Double(all.count - draining))
        for connection in all { try? await connection.close() }
    }

    /// Closes the connections that carried no new call since `cutoff` (and whose endpoint has no
    /// call in flight) once their calls have ended.
    private func closeConnections(idleSince cutoff: ContinuousClock.Instant) {
        let idle = state.withLock { $0.table.takeIdle(since: cutoff) }
        metrics?.connections.decrement(by: Double(idle.count))
        for connection in idle { drain(connection) }
    }

    /// Closes `connection`, out of use, once its calls have ended.
    private func drain(_ connection: GRPCConnection) {
        Task {
            await connection.closeWhenIdle()
            self.state.withLock { $0.table.drained(connection) }
        }
    }

    /// Runs `body` over the next usable endpoint's connection from `eventLoop`'s slot (the
    /// shared one when `shared`), moving on while the connection cannot be opened or the call
    /// was never sent; at most one try per endpoint, plus one (a DNS upstream's call before its
    /// first lookup waits for it). The endpoint's call ends when `body`'s future does, unless
    /// `holdsEndpoint`: then through the release `body` is given (a stream outlives its start).
    /// `routed`, when given, is the route already taken for this try (nil inside: none found).
    func attempt<Result: Sendable>(
        on eventLoop: any EventLoop, shared: Bool, holdsEndpoint: Bool, deadline: ContinuousClock.Instant? = nil, triesLeft: Int? = nil,
        lastFailure: (any Error)? = nil, routed: (Endpoint, Way)?? = nil,
        _ body: @escaping @Sendable (GRPCConnection, @escaping @Sendable (CallOutcome) -> Void) -> EventLoopFuture<Result>
    ) -> EventLoopFuture<Result> {
        let slot: Slot = shared ? nil : ObjectIdentifier(eventLoop)
        let tries = triesLeft ?? (endpointCount + 1)
        let started = ContinuousClock.now
        guard tries > 0, let (endpoint, way) = routed ?? route(from: slot, on: eventLoop, at: started) else {
            let refresher = state.withLock { $0.refresher }
            if let refresher, lastFailure == nil, endpointCount == 0 {
                // A call before the first lookup has finished waits for one.
                return eventLoop.makeFutureWithTask { await refresher.lookUpNow() }.flatMap {
                    guard self.endpointCount > 0 else { return eventLoop.makeFailedFuture(self.noEndpointTookTheCall(nil)) }
                    return self.attempt(on: eventLoop, shared: shared, holdsEndpoint: holdsEndpoint, deadline: deadline, body)
                }
            }
            if let refresher { Task { await refresher.lookUpNow() } }
            return eventLoop.makeFailedFuture(noEndpointTookTheCall(lastFailure))
        }
        let current = Try(
            eventLoop: eventLoop, shared: shared, holdsEndpoint: holdsEndpoint, deadline: deadline, tries: tries, endpoint: endpoint, slot: slot,
            started: started, body: body)
        let promise = eventLoop.makePromise(of: Result.self)
        switch way {
        case .open(let connection):
            call(current, over: connection, completing: promise)
        case .opening(let opening, let isNew):
            // The call's deadline bounds its wait for the connection (a peer that accepts TCP
            // and stays silent would hold it for the whole SETTINGS timeout).
            let settled = Settled()
            let expiry = deadline.map { deadline in
                eventLoop.scheduleTask(in: TimeAmount(deadline - .now)) {
                    guard settled.claim() else { return }
                    self.finished(endpoint, .neutral)
                    promise.fail(Status(.deadlineExceeded, "the deadline passed while connecting to \(endpoint)", origin: .transportBeforeSending))
                }
            }
            opening.whenComplete { outcome in
                expiry?.cancel()
                guard settled.claim() else { return }
                switch outcome {
                case .success(let connection) where self.state.withLock({ $0.table.isOpen(connection, to: endpoint, from: slot) }):
                    self.call(current, over: connection, completing: promise)
                case .success:
                    // The endpoint left the list (or the connections closed) while connecting.
                    self.finished(endpoint, .neutral)
                    promise.completeWith(self.moveOn(current, after: Status(.unavailable, "\(endpoint) left the endpoint list", origin: .transportBeforeSending)))
                case .failure(let error):
                    // A failed attempt counts against the endpoint once, for the call that started it.
                    self.finished(endpoint, isNew ? .endpointFailed : .neutral)
                    promise.completeWith(self.moveOn(current, after: Status(.unavailable, "\(endpoint) is unreachable: \(error)", origin: .transportBeforeSending)))
                }
            }
        }
        return promise.futureResult
    }

    /// One try of a call, on one endpoint: what finishing it and moving on need.
    private struct Try<Result: Sendable>: Sendable {
        let eventLoop: any EventLoop
        let shared: Bool
        let holdsEndpoint: Bool
        let deadline: ContinuousClock.Instant?
        /// Tries left, this one included.
        let tries: Int
        let endpoint: Endpoint
        let slot: Slot
        let started: ContinuousClock.Instant
        let body: @Sendable (GRPCConnection, @escaping @Sendable (CallOutcome) -> Void) -> EventLoopFuture<Result>
    }

    /// Runs `current`'s call over `connection` and completes `promise` with its result; a call
    /// the connection never sent moves on to the next endpoint.
    private func call<Result: Sendable>(_ current: Try<Result>, over connection: GRPCConnection, completing promise: EventLoopPromise<Result>) {
        let endpoint = current.endpoint
        current.body(connection) { outcome in self.finished(endpoint, outcome) }.whenComplete { outcome in
            self.settle(current, over: connection, outcome, completing: promise)
        }
    }

    /// Files how `current`'s try over `connection` ended and completes `promise`: with its
    /// result, or with the next endpoint's try when the call was never sent.
    private func settle<Result: Sendable>(
        _ current: Try<Result>, over connection: GRPCConnection, _ outcome: Swift.Result<Result, any Error>, completing promise: EventLoopPromise<Result>
    ) {
        let endpoint = current.endpoint
        switch outcome {
        case .success(let result):
            if !current.holdsEndpoint { finished(endpoint, .succeeded(latency: .now - current.started)) }
            promise.succeed(result)
        case .failure(let error) where GRPCConnection.wasNeverSent(error):
            finished(endpoint, .neutral)
            refused(connection, to: endpoint, from: current.slot)
            promise.completeWith(moveOn(current, after: error))
        case .failure(let error):
            finished(endpoint, .failed(error))
            promise.fail(error)
        }
    }

    /// The next try after `current` failed without reaching a server.
    private func moveOn<Result: Sendable>(_ current: Try<Result>, after error: any Error) -> EventLoopFuture<Result> {
        if current.tries > 1 { metrics?.neverSentRetries.increment() }
        return attempt(
            on: current.eventLoop, shared: current.shared, holdsEndpoint: current.holdsEndpoint, deadline: current.deadline,
            triesLeft: current.tries - 1, lastFailure: error, current.body)
    }

    /// How a call gets its connection.
    enum Way {
        case open(GRPCConnection)
        /// An attempt in progress; `isNew` for the call that started it.
        case opening(EventLoopFuture<GRPCConnection>, isNew: Bool)
    }

    /// The endpoint for the next call from `slot` and its connection there, opening one (on
    /// `eventLoop`) when there is none; the attempt's outcome is filed in the table before any
    /// caller sees it. `startingCall` counts a new call for the retry budget under the same lock.
    private func route(
        from slot: Slot, on eventLoop: any EventLoop, at now: ContinuousClock.Instant, startingCall: Bool = false
    ) -> (Endpoint, Way)? {
        let (tls, configuration) = (self.tls, self.configuration)
        let routed: (Endpoint, Way, Starting?)? = state.withLock { state in
            if startingCall { state.budget.callStarted() }
            guard let (endpoint, route) = state.table.route(from: slot, at: now) else { return nil }
            switch route {
            case .use(let connection):
                return (endpoint, .open(connection), nil)
            case .wait(let attempt):
                guard let filed = state.openings[attempt] else { preconditionFailure("an attempt in the table has its future") }
                return (endpoint, .opening(filed, isNew: false), nil)
            case .connect(let attempt):
                // Every caller, this one included, waits for the outcome filed in the table (a
                // promise stored under the lock), never for the connect itself: a caller's
                // callback on the connect could run before the table knows the outcome.
                let connecting = GRPCConnection.connect(
                    host: endpoint.host, port: endpoint.port, tls: tls, on: eventLoop, configuration: configuration.http2,
                    maximumReceiveMessageSize: configuration.maximumReceiveMessageSize)
                let filed = eventLoop.makePromise(of: GRPCConnection.self)
                state.openings[attempt] = filed.futureResult
                return (endpoint, .opening(filed.futureResult, isNew: true), Starting(attempt: attempt, connecting: connecting, filed: filed))
            }
        }
        guard let (endpoint, way, starting) = routed else { return nil }
        // Outside the lock: a connect that failed at once runs its callback right here.
        if let starting { file(starting, to: endpoint, from: slot) }
        return (endpoint, way)
    }

    /// An attempt this call started: the connect, and the promise its filed outcome completes.
    private struct Starting {
        let attempt: Table.Attempt
        let connecting: EventLoopFuture<GRPCConnection>
        let filed: EventLoopPromise<GRPCConnection>
    }

    /// Files an attempt's outcome in the table, then hands it to the calls waiting for it.
    private func file(_ starting: Starting, to endpoint: Endpoint, from slot: Slot) {
        let attempt = starting.attempt
        starting.connecting.whenComplete { outcome in
            switch outcome {
            case .success(let connection):
                let kept = self.state.withLock { state in
                    state.openings[attempt] = nil
                    return state.table.connected(connection, to: endpoint, from: slot, attempt: attempt)
                }
                if kept {
                    self.metrics?.connections.increment()
                } else {
                    Task { try? await connection.close() }
                }
            case .failure:
                let recorded = self.state.withLock { state in
                    state.openings[attempt] = nil
                    return state.table.connectFailed(to: endpoint, from: slot, attempt: attempt, at: .now)
                }
                if recorded { self.metrics?.connectFailures.increment() }
            }
            starting.filed.completeWith(outcome)
        }
    }

    private var endpointCount: Int { state.withLock { $0.table.endpoints.count } }

    /// Ends a call's hold on its endpoint (found by address: the list may have changed since
    /// the call began).
    private func finished(_ endpoint: Endpoint, _ outcome: CallOutcome) {
        let ejected = state.withLock { $0.table.finished(endpoint, outcome, at: .now) }
        if ejected { metrics?.ejections.increment() }
    }

    /// A connection refused a call before sending it (draining after GOAWAY, or gone): the next
    /// call there reconnects, and the calls it still carries finish before it closes.
    private func refused(_ connection: GRPCConnection, to endpoint: Endpoint, from slot: Slot) {
        guard state.withLock({ $0.table.refused(connection, to: endpoint, from: slot) }) else { return }
        metrics?.connections.decrement()
        drain(connection)
    }

    private func noEndpointTookTheCall(_ lastFailure: (any Error)?) -> Status {
        state.withLock { state in
            if state.table.isClosed { return Status(.unavailable, "the connections to \(name.map { "upstream \($0)" } ?? "the upstream") are closed", origin: .transportBeforeSending) }
            if state.table.endpoints.count == 0 {
                return Status(.unavailable, "upstream \(name ?? "") has no endpoints yet (its DNS name has not resolved)", origin: .transportBeforeSending)
            }
            return state.table.endpoints.noEndpointTookTheCall(upstream: name, lastFailure: lastFailure)
        }
    }
}

extension CallOptions {
    /// These options with what is left until `deadline` as the timeout (none without one), so a
    /// call moved to another endpoint, or retried, does not start its whole timeout again.
    fileprivate func remaining(until deadline: ContinuousClock.Instant?) -> CallOptions {
        guard let deadline else { return self }
        var options = self
        options.timeout = deadline - .now
        return options
    }
}
