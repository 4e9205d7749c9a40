import Synchronization
import WeftRPC

/// The gateway's shared protection state: a rate limiter per route, and a circuit breaker and a
/// bulkhead per upstream. The value types hold the logic; this only serialises access.
final class GatewayProtection: Sendable {
    /// One upstream's breaker and bulkhead behind a lock of their own: each route holds its
    /// upstream's guard, so a call takes no lookup and upstreams do not wait on each other.
    final class UpstreamGuard: Sendable {
        private struct State {
            var breaker: CircuitBreaker
            var bulkhead: Bulkhead
        }

        private let state: Mutex<State>
        private let maximumConcurrentCalls: Int

        fileprivate init(breakerPolicy: CircuitBreaker.Policy, maximumConcurrentCalls: Int) {
            self.state = Mutex(State(breaker: CircuitBreaker(policy: breakerPolicy), bulkhead: Bulkhead(limit: maximumConcurrentCalls)))
            self.maximumConcurrentCalls = maximumConcurrentCalls
        }

        /// Admits a call: nil when admitted (it must be `finish`ed), else why not, in words for
        /// the client (the upstream is not named: the access log's route names it).
        func admit(now: ContinuousClock.Instant) -> (status: Status, retryAfter: Duration?)? {
            state.withLock { state in
                guard state.bulkhead.tryEnter() else {
                    return (Status(.unavailable, "the service has \(maximumConcurrentCalls) calls in flight, the most allowed; retry later"), nil)
                }
                switch state.breaker.allow(at: now) {
                case .allow:
                    return nil
                case .reject(let retryAfter):
                    state.bulkhead.leave()
                    return (Status(.unavailable, "the service is failing; its circuit breaker is open"), retryAfter)
                }
            }
        }

        /// Records how an admitted call ended.
        func finish(outcome: CircuitBreaker.Outcome, now: ContinuousClock.Instant) {
            state.withLock { state in
                state.bulkhead.leave()
                state.breaker.record(outcome, at: now)
            }
        }

        fileprivate var snapshot: (breaker: CircuitBreaker.State, inFlight: Int) {
            state.withLock { ($0.breaker.state, $0.bulkhead.inFlight) }
        }
    }

    private let limiters = Mutex<[String: RateLimiter]>([:])
    private let guards: [String: UpstreamGuard]

    /// Protection for the calls to `upstreams`.
    init(upstreams: some Sequence<String>, breakerPolicy: CircuitBreaker.Policy, maximumConcurrentCalls: Int) {
        var guards: [String: UpstreamGuard] = [:]
        for upstream in upstreams {
            guards[upstream] = UpstreamGuard(breakerPolicy: breakerPolicy, maximumConcurrentCalls: maximumConcurrentCalls)
        }
        self.guards = guards
    }

    /// The guard of `upstream`, one of those given at init.
    func guardOf(_ upstream: String) -> UpstreamGuard? {
        guards[upstream]
    }

    /// Takes a token for `caller` on `route` under `policy`.
    func takeToken(route: String, caller: String, policy: TokenBucket.Policy, now: ContinuousClock.Instant) -> TokenBucket.Decision {
        limiters.withLock { limiters in
            limiters[route, default: RateLimiter(policy: policy)].take(for: caller, at: now)
        }
    }

    /// Breaker states and calls in flight per upstream, and tracked callers per route, for
    /// `/metrics`.
    func snapshot() -> (breakers: [String: CircuitBreaker.State], inFlight: [String: Int], trackedCallers: [String: Int]) {
        var breakers: [String: CircuitBreaker.State] = [:]
        var inFlight: [String: Int] = [:]
        for (upstream, guarded) in guards {
            (breakers[upstream], inFlight[upstream]) = guarded.snapshot
        }
        return (breakers, inFlight, limiters.withLock { $0.mapValues(\.trackedKeys) })
    }
}
