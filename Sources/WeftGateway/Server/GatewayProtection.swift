import Synchronization
import WeftRPC

/// The gateway's shared protection state: a rate limiter per route, and a circuit breaker and a
/// bulkhead per upstream. The value types hold the logic; this only serialises access.
final class GatewayProtection: Sendable {
    private struct State {
        var limiters: [String: RateLimiter] = [:]
        var upstreams: [String: UpstreamGuard] = [:]
    }

    /// One upstream's breaker and bulkhead, mutated in place under the lock (a dictionary's
    /// modify accessor would move such a value out and back, allocating on every call).
    private final class UpstreamGuard {
        var breaker: CircuitBreaker
        var bulkhead: Bulkhead

        init(breaker: CircuitBreaker, bulkhead: Bulkhead) {
            self.breaker = breaker
            self.bulkhead = bulkhead
        }
    }

    private let state = Mutex(State())
    private let breakerPolicy: CircuitBreaker.Policy
    private let maximumConcurrentCalls: Int

    init(breakerPolicy: CircuitBreaker.Policy, maximumConcurrentCalls: Int) {
        self.breakerPolicy = breakerPolicy
        self.maximumConcurrentCalls = maximumConcurrentCalls
    }

    /// Takes a token for `caller` on `route` under `policy`.
    func takeToken(route: String, caller: String, policy: TokenBucket.Policy, now: ContinuousClock.Instant) -> TokenBucket.Decision {
        state.withLock { state in
            state.limiters[route, default: RateLimiter(policy: policy)].take(for: caller, at: now)
        }
    }

    /// Admits a call to `upstream`: nil when admitted (it must be `finish`ed), else why not, in
    /// words for the client (the upstream is not named: the access log's route names it).
    func admit(upstream: String, now: ContinuousClock.Instant) -> (status: Status, retryAfter: Duration?)? {
        state.withLock { state in
            let guarded: UpstreamGuard
            if let existing = state.upstreams[upstream] {
                guarded = existing
            } else {
                guarded = UpstreamGuard(breaker: CircuitBreaker(policy: breakerPolicy), bulkhead: Bulkhead(limit: maximumConcurrentCalls))
                state.upstreams[upstream] = guarded
            }
            guard guarded.bulkhead.tryEnter() else {
                return (Status(.unavailable, "the service has \(maximumConcurrentCalls) calls in flight, the most allowed; retry later"), nil)
            }
            switch guarded.breaker.allow(at: now) {
            case .allow:
                return nil
            case .reject(let retryAfter):
                guarded.bulkhead.leave()
                return (Status(.unavailable, "the service is failing; its circuit breaker is open"), retryAfter)
            }
        }
    }

    /// Records how an admitted call ended.
    func finish(upstream: String, outcome: CircuitBreaker.Outcome, now: ContinuousClock.Instant) {
        state.withLock { state in
            guard let guarded = state.upstreams[upstream] else { return }
            guarded.bulkhead.leave()
            guarded.breaker.record(outcome, at: now)
        }
    }

    /// Breaker states, calls in flight and tracked callers, for `/metrics`.
    func snapshot() -> (breakers: [String: CircuitBreaker.State], inFlight: [String: Int], trackedCallers: [String: Int]) {
        state.withLock { state in
            (state.upstreams.mapValues(\.breaker.state), state.upstreams.mapValues(\.bulkhead.inFlight), state.limiters.mapValues(\.trackedKeys))
        }
    }
}
