import WeftRPC

/// A circuit breaker per upstream service: closed → open when failures pass a threshold →
/// half-open probes after a pause → closed on a successful probe. A plain value: time comes in
/// as an argument, so tests drive it by hand.
public struct CircuitBreaker: Sendable {
    /// When to open and how long to stay open.
    public struct Policy: Sendable, Hashable {
        /// The sliding window the failure rate is measured over.
        public var window: Duration = .seconds(10)
        /// Calls in the window below which the rate is not judged (too few to mean anything).
        public var minimumCalls: Int = 20
        /// Failure share of the window's calls that opens the breaker.
        public var failureRatio: Double = 0.5
        /// Failures in a row that open the breaker whatever the rate.
        public var consecutiveFailures: Int = 5
        /// How long an open breaker fails calls fast before probing.
        public var openDuration: Duration = .seconds(5)
        /// Calls let through at once while half-open.
        public var halfOpenProbes: Int = 1

        /// The defaults: 10 s window, 20 calls minimum, 50 % failures or 5 in a row, 5 s open,
        /// 1 probe.
        public static var defaults: Policy { Policy() }
    }

    public enum State: Sendable, Hashable {
        case closed
        case open(until: ContinuousClock.Instant)
        case halfOpen(probesInFlight: Int)
    }

    /// What a call's outcome means for the upstream's health.
    public enum Outcome: Sendable, Hashable {
        case success
        /// Upstream trouble: UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, connection errors.
        case failure
        /// Neither: the upstream answered sensibly (NOT_FOUND, INVALID_ARGUMENT, …).
        case neutral

        /// The outcome a final status stands for.
        public init(_ status: Status) {
            switch status.code {
            case .ok: self = .success
            case .unavailable, .deadlineExceeded, .internal, .unknown: self = .failure
            default: self = .neutral
            }
        }
    }

    public enum Decision: Sendable, Hashable {
        case allow
        /// Fail fast; the caller may retry after this long (`Retry-After`).
        case reject(retryAfter: Duration)
    }

    public let policy: Policy
    package private(set) var state: State = .closed
    private var window: SlidingWindow
    private var failuresInARow = 0

    public init(policy: Policy = .defaults) {
        self.policy = policy
        self.window = SlidingWindow(length: policy.window)
    }

    /// Whether a call may go to the upstream now. An allowed call must later be `record`ed.
    package mutating func allow(at now: ContinuousClock.Instant) -> Decision {
        switch state {
        case .closed:
            return .allow
        case .open(let until) where now < until:
            return .reject(retryAfter: until - now)
        case .open:
            state = .halfOpen(probesInFlight: 1)
            return .allow
        case .halfOpen(let inFlight) where inFlight < policy.halfOpenProbes:
            state = .halfOpen(probesInFlight: inFlight + 1)
            return .allow
        case .halfOpen:
            return .reject(retryAfter: policy.openDuration)
        }
    }

    /// Records how an allowed call ended.
    package mutating func record(_ outcome: Outcome, at now: ContinuousClock.Instant) {
        switch state {
        case .halfOpen(let inFlight):
            switch outcome {
            case .success:
                close()
            case .failure:
                open(at: now)
            case .neutral:
                state = .halfOpen(probesInFlight: max(0, inFlight - 1))
            }
        case .closed:
            guard outcome != .neutral else { return }
            let (calls, failures) = window.add(failed: outcome == .failure, at: now)
            failuresInARow = outcome == .failure ? failuresInARow + 1 : 0
            let rateTripped = calls >= policy.minimumCalls && Double(failures) >= policy.failureRatio * Double(calls)
            if rateTripped || failuresInARow >= policy.consecutiveFailures { open(at: now) }
        case .open:
            break  // a call let through before the breaker opened; its outcome changes nothing
        }
    }

    private mutating func open(at now: ContinuousClock.Instant) {
        state = .open(until: now + policy.openDuration)
        failuresInARow = 0
        window = SlidingWindow(length: policy.window)
    }

    private mutating func close() {
        state = .closed
        failuresInARow = 0
        window = SlidingWindow(length: policy.window)
    }
}

/// Call and failure counts over the last `length`, in ten buckets so old calls age out without
/// keeping every timestamp.
package struct SlidingWindow: Sendable {
    static let bucketCount = 10
    let length: Duration
    /// `length / bucketCount`, divided once (a `Duration` division per call was measurable).
    private let bucketLength: Duration
    private var buckets: [(start: ContinuousClock.Instant, calls: Int, failures: Int)] = []
    /// The buckets' sums, kept as they change rather than added up per call.
    private var totals = (calls: 0, failures: 0)

    package init(length: Duration) {
        self.length = length
        self.bucketLength = length / Self.bucketCount
    }

    /// Counts a call that ended at `now`; the counts over the `length` up to `now`.
    package mutating func add(failed: Bool, at now: ContinuousClock.Instant) -> (calls: Int, failures: Int) {
        if let last = buckets.last, now - last.start < bucketLength {
            buckets[buckets.count - 1].calls += 1
            buckets[buckets.count - 1].failures += failed ? 1 : 0
        } else {
            buckets.append((now, 1, failed ? 1 : 0))
        }
        totals.calls += 1
        totals.failures += failed ? 1 : 0
        // Buckets are in time order: the expired ones are at the front.
        while let first = buckets.first, now - first.start >= length {
            totals.calls -= first.calls
            totals.failures -= first.failures
            buckets.removeFirst()
        }
        return totals
    }
}
