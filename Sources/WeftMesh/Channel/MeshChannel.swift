import Synchronization
import WeftMessages
import WeftRPC
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
/// endpoint, so a server going away loses no call.
public final class MeshChannel: ClientTransport {
    private struct EndpointState {
        var channel: GRPCChannel?
        var connecting: Task<GRPCChannel, any Error>?
        var failures = 0
        var retryAt: ContinuousClock.Instant?
    }

    private struct State {
        var endpoints: [EndpointState]
        var balancer: EndpointBalancer
        var budget: RetryBudget
        var retries = 0
    }

    public let endpoints: [Endpoint]
    private let tls: TLSContext?
    private let backoff: Backoff
    private let retryPolicy: RetryPolicy
    private let state: Mutex<State>

    /// A channel over `endpoints` (TLS when `tls` is given); nothing connects until a call.
    public init(
        endpoints: [Endpoint], tls: TLSContext?, balancing: Balancing = .roundRobin, outliers: OutlierPolicy = OutlierPolicy(),
        retries: RetryPolicy = RetryPolicy(), backoff: Backoff = Backoff()
    ) {
        precondition(!endpoints.isEmpty, "a MeshChannel needs at least one endpoint")
        self.endpoints = endpoints
        self.tls = tls
        self.backoff = backoff
        self.retryPolicy = retries
        self.state = Mutex(State(
            endpoints: Array(repeating: EndpointState(), count: endpoints.count),
            balancer: EndpointBalancer(count: endpoints.count, balancing: balancing, outliers: outliers),
            budget: RetryBudget(ratio: retries.budgetRatio, minimum: retries.budgetMinimum)))
    }

    /// Policy retries made so far (calls that never left are not counted).
    public var retriesMade: Int { state.withLock { $0.retries } }

    /// Per endpoint: calls in flight, and whether it is ejected now.
    public var endpointStates: [(inFlight: Int, ejected: Bool)] {
        let now = ContinuousClock.now
        return state.withLock { state in
            state.balancer.loads.indices.map { (state.balancer.loads[$0].inFlight, state.balancer.isEjected($0, at: now)) }
        }
    }

    public func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        try await onSomeEndpoint { try await $0.startCall(method, options: options) }
    }

    public func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> RawUnaryResponse {
        state.withLock { $0.budget.callStarted() }
        guard method.idempotency != .unknown else {
            return try await onSomeEndpoint { try await $0.unary(method, request: request, options: options) }
        }
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        var attempt = 1
        while true {
            var attemptOptions = options
            if let deadline { attemptOptions.timeout = deadline - .now }
            do {
                return try await onSomeEndpoint { try await $0.unary(method, request: request, options: attemptOptions) }
            } catch let status as Status where retryPolicy.retryableCodes.contains(status.code) && attempt < retryPolicy.maximumAttempts {
                let wait = retryPolicy.backoff.delay(afterFailures: attempt)
                if let deadline, ContinuousClock.now + wait >= deadline { throw status }
                guard state.withLock({ state in
                    guard state.budget.takeRetry() else { return false }
                    state.retries += 1
                    return true
                }) else { throw status }
                try await Task.sleep(for: wait)
                attempt += 1
            }
        }
    }

    /// Closes every connection.
    public func close() async {
        let open = state.withLock { state in
            defer { for index in state.endpoints.indices { state.endpoints[index].channel = nil } }
            return state.endpoints.compactMap(\.channel)
        }
        for channel in open { try? await channel.close() }
    }

    /// Runs `body` on the next usable endpoint's connection, moving on while the call was never
    /// sent; at most one attempt per endpoint, plus one.
    private func onSomeEndpoint<Result: Sendable>(_ body: (GRPCChannel) async throws -> Result) async throws -> Result {
        var lastFailure: (any Error)?
        for _ in 0...endpoints.count {
            guard let index = nextEndpoint() else { break }
            let started = ContinuousClock.now
            let channel: GRPCChannel
            do {
                channel = try await connection(to: index)
            } catch {
                finished(index, latency: nil, countsAsFailure: true)
                lastFailure = error
                continue
            }
            do {
                let result = try await body(channel)
                finished(index, latency: .now - started, countsAsFailure: false)
                return result
            } catch where GRPCChannel.wasNeverSent(error) {
                finished(index, latency: nil, countsAsFailure: false)
                forget(channel, at: index)
                lastFailure = error
            } catch {
                finished(index, latency: nil, countsAsFailure: (error as? Status)?.code == .unavailable)
                throw error
            }
        }
        throw Status(
            .unavailable,
            "no endpoint of \(endpoints.map(\.description).joined(separator: ", ")) took the call"
                + (lastFailure.map { ": \($0)" } ?? " (all are backing off)"))
    }

    /// The next endpoint, by the balancing rule, among those not backing off; counted in flight.
    private func nextEndpoint() -> Int? {
        let now = ContinuousClock.now
        return state.withLock { state in
            let usable = state.endpoints.indices.filter { index in
                state.endpoints[index].channel != nil || (state.endpoints[index].retryAt.map { $0 <= now } ?? true)
            }
            return state.balancer.pick(usable: usable, at: now)
        }
    }

    private func finished(_ index: Int, latency: Duration?, countsAsFailure: Bool) {
        state.withLock { $0.balancer.finished(index, latency: latency, countsAsFailure: countsAsFailure, at: .now) }
    }

    private func connection(to index: Int) async throws -> GRPCChannel {
        let endpoint = endpoints[index]
        let tls = self.tls
        if let channel = state.withLock({ $0.endpoints[index].channel }) { return channel }
        let attempt: Task<GRPCChannel, any Error> = state.withLock { state in
            if let connecting = state.endpoints[index].connecting { return connecting }
            let connecting = Task { try await GRPCChannel.connect(host: endpoint.host, port: endpoint.port, tls: tls) }
            state.endpoints[index].connecting = connecting
            return connecting
        }
        do {
            let channel = try await attempt.value
            state.withLock { state in
                if state.endpoints[index].connecting == attempt {
                    state.endpoints[index] = EndpointState(channel: channel)
                }
            }
            return channel
        } catch {
            let delay = backoff.delay(afterFailures: state.withLock { $0.endpoints[index].failures + 1 })
            state.withLock { state in
                guard state.endpoints[index].connecting == attempt else { return }
                state.endpoints[index].connecting = nil
                state.endpoints[index].failures += 1
                state.endpoints[index].retryAt = .now + delay
            }
            throw Status(.unavailable, "\(endpoint) is unreachable: \(error)")
        }
    }

    /// Forgets a connection that refused a call; the next call to its endpoint reconnects.
    private func forget(_ channel: GRPCChannel, at index: Int) {
        let forgotten = state.withLock { state in
            guard state.endpoints[index].channel === channel else { return false }
            state.endpoints[index].channel = nil
            return true
        }
        if forgotten { Task { try? await channel.close() } }
    }
}
