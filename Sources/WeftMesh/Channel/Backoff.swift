/// How long to wait before reconnecting to an endpoint after consecutive failures: exponential
/// growth to a ceiling, with random jitter so that many clients do not retry in step.
public struct Backoff: Sendable, Hashable {
    /// The wait after the first failure.
    public var initial: Duration = .milliseconds(100)
    /// The longest wait.
    public var maximum: Duration = .seconds(10)
    /// Growth per further failure.
    public var multiplier: Double = 1.6
    /// The fraction of the wait randomly added or removed (0.2: ±20%).
    public var jitter: Double = 0.2

    public init() {}

    /// The wait after `failures` consecutive failures (at least 1); `randomness` in 0..<1
    /// places it within the jitter (0.5: no jitter).
    public func delay(afterFailures failures: Int, randomness: Double = Double.random(in: 0..<1)) -> Duration {
        var seconds = initial.inSeconds
        for _ in 1..<max(1, failures) { seconds *= multiplier }
        seconds = min(seconds, maximum.inSeconds)
        return .nanoseconds(Int64(seconds * (1 + jitter * (2 * randomness - 1)) * 1e9))
    }
}
