import NIOCore
import Synchronization

/// Verification keys an issuer publishes as a JSON Web Key Set, read through an upstream rpc
/// (e.g. identity's GetJwks), so the issuer can rotate its keys without restarting the gateway.
///
/// The keys are fetched on first need, again in the background once they are older than the
/// refresh interval, and at once when a token names a `kid` the set does not have: a few times
/// in a row (`burst`), then at most once per `minimumInterval`, so a rotation right after a
/// refresh is still seen, while tokens with made-up kids cannot turn the gateway into a load
/// on the issuer. Concurrent refreshes share one fetch; a failed one keeps the keys it had.
final class RemoteKeySet: Sendable {
    /// Fetches the key set document's JSON, completing on the given loop.
    typealias Fetch = @Sendable (any EventLoop) -> EventLoopFuture<[UInt8]>

    private let fetch: Fetch
    private let refreshInterval: Duration
    private let minimumInterval: Duration
    private let burst: Int
    private let onFailure: @Sendable (String) -> Void
    private let state: Mutex<State>

    private struct State {
        var keys: [JWTValidator.Key] = []
        var fetched: ContinuousClock.Instant?
        /// Refreshes allowed now, and when the count was last brought up to date.
        var budget: Double
        var budgetTime: ContinuousClock.Instant?
        var inFlight: EventLoopFuture<Void>?

        /// The budget at `now`: one more per `interval`, up to `burst`.
        mutating func available(now: ContinuousClock.Instant, interval: Duration, burst: Int) -> Double {
            if let budgetTime, now > budgetTime {
                budget = min(Double(burst), budget + (now - budgetTime) / interval)
            }
            budgetTime = max(budgetTime ?? now, now)
            return budget
        }
    }

    init(
        refreshInterval: Duration, minimumInterval: Duration = .seconds(1), burst: Int = 3, onFailure: @escaping @Sendable (String) -> Void,
        fetch: @escaping Fetch
    ) {
        self.fetch = fetch
        self.refreshInterval = refreshInterval
        self.minimumInterval = minimumInterval
        self.burst = burst
        self.state = Mutex(State(budget: Double(burst)))
        self.onFailure = onFailure
    }

    /// The keys fetched last; starts a background refresh on `eventLoop` when they are stale.
    func keys(refreshingOn eventLoop: any EventLoop, now: ContinuousClock.Instant = .now) -> [JWTValidator.Key] {
        let (keys, stale) = state.withLock { state in
            (state.keys, state.fetched.map { now - $0 >= refreshInterval } ?? false)
        }
        if stale { _ = refresh(on: eventLoop, now: now) }
        return keys
    }

    /// Whether a token with an unknown `kid` may trigger a refresh now.
    func mayRefresh(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in state.inFlight != nil || state.available(now: now, interval: minimumInterval, burst: burst) >= 1 }
    }

    /// Fetches the set again (joining a fetch under way); completes when it has, successfully or not.
    func refresh(on eventLoop: any EventLoop, now: ContinuousClock.Instant = .now) -> EventLoopFuture<Void> {
        let (running, promise): (EventLoopFuture<Void>?, EventLoopPromise<Void>?) = state.withLock { state in
            if let inFlight = state.inFlight { return (inFlight, nil) }
            let promise = eventLoop.makePromise(of: Void.self)
            state.budget = max(0, state.available(now: now, interval: minimumInterval, burst: burst) - 1)
            state.inFlight = promise.futureResult
            return (nil, promise)
        }
        guard let promise else { return running!.hop(to: eventLoop) }
        fetch(eventLoop).whenComplete { result in
            let refreshed: [JWTValidator.Key]?
            switch result {
            case .success(let bytes):
                do {
                    refreshed = try JSONWebKeySet(parsing: bytes).keys
                } catch {
                    refreshed = nil
                    self.onFailure("the JWT key set could not be read: \(error)")
                }
            case .failure(let error):
                refreshed = nil
                self.onFailure("the JWT key set could not be fetched: \(error)")
            }
            self.state.withLock { state in
                if let refreshed {
                    state.keys = refreshed
                    state.fetched = .now
                }
                state.inFlight = nil
            }
            promise.succeed()
        }
        return promise.futureResult
    }
}
