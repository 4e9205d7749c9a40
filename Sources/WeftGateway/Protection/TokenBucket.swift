/// A token bucket: holds up to `burst` tokens, refilled at `ratePerSecond`; each request takes
/// one. A plain value: time comes in as an argument, so tests drive it by hand.
public struct TokenBucket: Sendable, Hashable {
    /// How tokens refill and how many a bucket holds.
    public struct Policy: Sendable, Hashable {
        /// Sustained requests per second.
        public var ratePerSecond: Double
        /// Requests allowed at once after an idle period.
        public var burst: Int

        public init(ratePerSecond: Double, burst: Int) {
            precondition(ratePerSecond > 0 && burst > 0, "a rate limit needs a positive rate and burst")
            self.ratePerSecond = ratePerSecond
            self.burst = burst
        }

        /// The window the IETF `RateLimit-Policy` header describes: seconds to refill a full bucket.
        public var windowSeconds: Int { max(1, Int((Double(burst) / ratePerSecond).rounded(.up))) }
    }

    /// The answer for one request.
    public struct Decision: Sendable, Hashable {
        public let allowed: Bool
        /// Whole tokens left after this request.
        public let remaining: Int
        /// When a denied request may retry (one token will be there), or `.zero` when allowed.
        public let retryAfter: Duration
        /// How long until the bucket is full again (`RateLimit` header's reset).
        public let resetAfter: Duration
    }

    public let policy: Policy
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    /// A full bucket at `now`.
    public init(policy: Policy, now: ContinuousClock.Instant) {
        self.policy = policy
        self.tokens = Double(policy.burst)
        self.updated = now
    }

    /// Takes a token if there is one.
    package mutating func take(at now: ContinuousClock.Instant) -> Decision {
        refill(to: now)
        let allowed = tokens >= 1
        if allowed { tokens -= 1 }
        let missing = allowed ? 0 : 1 - tokens
        return Decision(
            allowed: allowed,
            remaining: Int(tokens.rounded(.down)),
            retryAfter: .seconds(missing / policy.ratePerSecond),
            resetAfter: .seconds((Double(policy.burst) - tokens) / policy.ratePerSecond)
        )
    }

    /// Whether the bucket would be full at `now`: an idle bucket a store may forget.
    package func isFull(at now: ContinuousClock.Instant) -> Bool {
        var copy = self
        copy.refill(to: now)
        return copy.tokens >= Double(policy.burst)
    }

    private mutating func refill(to now: ContinuousClock.Instant) {
        guard now > updated else { return }
        let elapsed = (now - updated) / .seconds(1)
        tokens = min(Double(policy.burst), tokens + elapsed * policy.ratePerSecond)
        updated = now
    }
}
