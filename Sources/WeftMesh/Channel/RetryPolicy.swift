import WeftRPC

/// Retries of calls that may have reached a server, for methods the schema marks
/// `idempotency_level = IDEMPOTENT` or `NO_SIDE_EFFECTS`: on the listed status codes, with
/// backoff, within the call's own deadline, and only while the retry budget lasts, so retries
/// cannot multiply the load of an outage. (Calls that never left are retried regardless.)
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maximumAttempts = 3
    public var retryableCodes: Set<Status.Code> = [.unavailable]
    /// The wait before each retry.
    public var backoff: Backoff = {
        var backoff = Backoff()
        backoff.initial = .milliseconds(25)
        backoff.maximum = .seconds(1)
        return backoff
    }()
    /// Retries allowed per call made (0.2: one retry for every five calls)…
    public var budgetRatio = 0.2
    /// …on top of this many, which are also the most that can be saved up beyond the ratio.
    public var budgetMinimum = 10.0

    public init() {}
}

/// Tokens for retries: every call adds `ratio`, every retry takes one; the balance starts at
/// `minimum` and never exceeds `minimum` plus what `ratio` earns over 100 calls. Kept in
/// thousandths, so that sums of fractions do not drift.
struct RetryBudget {
    private let earnedPerCall: Int
    private let capacity: Int
    private(set) var milliTokens: Int

    init(ratio: Double, minimum: Double) {
        self.earnedPerCall = Int((ratio * 1000).rounded())
        self.capacity = Int((minimum * 1000).rounded()) + earnedPerCall * 100
        self.milliTokens = Int((minimum * 1000).rounded())
    }

    mutating func callStarted() {
        milliTokens = min(capacity, milliTokens + earnedPerCall)
    }

    /// Takes a token for a retry, if there is one.
    mutating func takeRetry() -> Bool {
        guard milliTokens >= 1000 else { return false }
        milliTokens -= 1000
        return true
    }
}
