/// Token buckets keyed by caller (API key, JWT subject or client IP) within one route. Memory
/// stays bounded with millions of distinct callers: a bucket that has refilled completely holds
/// nothing worth keeping, so it is dropped, and at most `maximumKeys` buckets are ever held
/// (a caller evicted early just starts with a full bucket).
package struct RateLimiter: Sendable {
    package let policy: TokenBucket.Policy
    package let maximumKeys: Int
    private var buckets: [String: TokenBucket] = [:]
    private var lastSweep: ContinuousClock.Instant?

    /// A limiter applying `policy` to each key.
    package init(policy: TokenBucket.Policy, maximumKeys: Int = 100_000) {
        self.policy = policy
        self.maximumKeys = maximumKeys
    }

    /// The number of callers currently tracked.
    package var trackedKeys: Int { buckets.count }

    /// Takes a token from `key`'s bucket.
    package mutating func take(for key: String, at now: ContinuousClock.Instant) -> TokenBucket.Decision {
        sweepIfDue(at: now)
        var bucket = buckets[key] ?? TokenBucket(policy: policy, now: now)
        let decision = bucket.take(at: now)
        if buckets[key] == nil, buckets.count >= maximumKeys { evictFullBuckets(at: now, force: true) }
        buckets[key] = bucket
        return decision
    }

    /// Drops idle buckets once per refill window, so the sweep costs nothing per request.
    private mutating func sweepIfDue(at now: ContinuousClock.Instant) {
        let window = Duration.seconds(policy.windowSeconds)
        if let lastSweep, now - lastSweep < window { return }
        lastSweep = now
        evictFullBuckets(at: now, force: false)
    }

    private mutating func evictFullBuckets(at now: ContinuousClock.Instant, force: Bool) {
        buckets = buckets.filter { !$0.value.isFull(at: now) }
        // Still at the cap: every bucket is in use; drop an arbitrary half rather than grow.
        if force, buckets.count >= maximumKeys {
            buckets = Dictionary(uniqueKeysWithValues: buckets.prefix(maximumKeys / 2).map { ($0.key, $0.value) })
        }
    }
}
