import Testing
import WeftGateway
import WeftRPC

/// Time is driven by hand: every type takes `now` as an argument.
let start = ContinuousClock.now

@Suite struct TokenBucketTests {
    @Test func burstThenRateThenRetryAfter() {
        var bucket = TokenBucket(policy: .init(ratePerSecond: 2, burst: 3), now: start)
        for _ in 0..<3 {
            let decision = bucket.take(at: start)
            #expect(decision.allowed)
        }
        let denied = bucket.take(at: start)
        #expect(!denied.allowed)
        #expect(denied.remaining == 0)
        #expect(denied.retryAfter == .milliseconds(500))
        #expect(denied.resetAfter == .milliseconds(1500))
        // Half a second later one token has come back.
        #expect(bucket.take(at: start + .milliseconds(500)).allowed)
        #expect(!bucket.take(at: start + .milliseconds(500)).allowed)
        // Idle long enough, the bucket is full again (and no fuller than its burst).
        #expect(bucket.isFull(at: start + .seconds(60)))
        #expect(bucket.take(at: start + .seconds(60)).remaining == 2)
    }

    @Test func policyWindowIsTheTimeToRefill() {
        #expect(TokenBucket.Policy(ratePerSecond: 10, burst: 20).windowSeconds == 2)
        #expect(TokenBucket.Policy(ratePerSecond: 100, burst: 1).windowSeconds == 1)
    }
}

@Suite struct RateLimiterTests {
    @Test func callersHaveSeparateBuckets() {
        var limiter = RateLimiter(policy: .init(ratePerSecond: 1, burst: 1))
        #expect(limiter.take(for: "alice", at: start).allowed)
        #expect(!limiter.take(for: "alice", at: start).allowed)
        #expect(limiter.take(for: "bob", at: start).allowed)
    }

    @Test func memoryStaysBoundedWithManyDistinctCallers() {
        var limiter = RateLimiter(policy: .init(ratePerSecond: 10, burst: 5), maximumKeys: 2_000)
        var now = start
        var mostTracked = 0
        for index in 0..<200_000 {
            if index % 1000 == 0 { now += .milliseconds(1) }
            _ = limiter.take(for: "client-\(index)", at: now)
            mostTracked = max(mostTracked, limiter.trackedKeys)
        }
        #expect(mostTracked <= 2_000)
        // Once every bucket has refilled, a sweep forgets them all.
        _ = limiter.take(for: "late", at: now + .seconds(60))
        #expect(limiter.trackedKeys == 1)
    }
}

@Suite struct CircuitBreakerTests {
    var policy: CircuitBreaker.Policy {
        var policy = CircuitBreaker.Policy.defaults
        policy.minimumCalls = 10
        policy.failureRatio = 0.5
        policy.consecutiveFailures = 100
        policy.openDuration = .seconds(5)
        return policy
    }

    @Test func opensOnFailureRateOnlyAboveTheMinimumVolume() {
        var breaker = CircuitBreaker(policy: policy)
        for _ in 0..<4 { breaker.record(.failure, at: start) }
        #expect(breaker.state == .closed)  // 4 of 4 failed, but 4 calls are too few to judge
        for _ in 0..<5 { breaker.record(.success, at: start) }
        breaker.record(.failure, at: start)  // 5 of 10 failed
        #expect(breaker.state == .open(until: start + .seconds(5)))
        #expect(breaker.allow(at: start + .seconds(1)) == .reject(retryAfter: .seconds(4)))
    }

    @Test func opensOnConsecutiveFailures() {
        var breaker = CircuitBreaker(policy: .defaults)
        for _ in 0..<4 { breaker.record(.failure, at: start) }
        breaker.record(.success, at: start)
        for _ in 0..<4 { breaker.record(.failure, at: start) }
        #expect(breaker.state == .closed)
        breaker.record(.failure, at: start)
        #expect(breaker.state != .closed)
    }

    @Test func halfOpenProbeClosesOnSuccessAndReopensOnFailure() {
        var breaker = CircuitBreaker(policy: .defaults)
        for _ in 0..<5 { breaker.record(.failure, at: start) }
        let later = start + .seconds(6)
        #expect(breaker.allow(at: later) == .allow)  // the probe
        #expect(breaker.state == .halfOpen(probesInFlight: 1))
        #expect(breaker.allow(at: later) != .allow)  // only one probe at a time
        breaker.record(.failure, at: later)
        #expect(breaker.state == .open(until: later + .seconds(5)))

        let muchLater = later + .seconds(6)
        #expect(breaker.allow(at: muchLater) == .allow)
        breaker.record(.success, at: muchLater)
        #expect(breaker.state == .closed)
    }

    @Test func oldFailuresAgeOutOfTheWindow() {
        var breaker = CircuitBreaker(policy: policy)
        for _ in 0..<9 { breaker.record(.failure, at: start) }
        // Eleven seconds on, those failures are outside the 10-second window.
        for _ in 0..<9 { breaker.record(.success, at: start + .seconds(11)) }
        breaker.record(.failure, at: start + .seconds(11))
        #expect(breaker.state == .closed)
    }

    @Test func theCallThatReachesTheMinimumJudgesEvenWhenItSucceeds() {
        var breaker = CircuitBreaker(policy: policy)
        for _ in 0..<5 { breaker.record(.failure, at: start) }
        for _ in 0..<4 { breaker.record(.success, at: start) }
        #expect(breaker.state == .closed)  // 9 calls: too few to judge
        breaker.record(.success, at: start)  // the tenth: 5 of 10 failed
        #expect(breaker.state == .open(until: start + .seconds(5)))
    }

    @Test func bucketsAgeOutOneByOne() {
        var window = SlidingWindow(length: .seconds(10))
        #expect(window.add(failed: true, at: start) == (1, 1))
        #expect(window.add(failed: false, at: start + .seconds(4)) == (2, 1))
        #expect(window.add(failed: true, at: start + .milliseconds(4_500)) == (3, 2))
        // The first bucket has aged out; the second (4 s, two calls) has not.
        #expect(window.add(failed: false, at: start + .seconds(10)) == (3, 1))
        // Now only the last call's bucket is left.
        #expect(window.add(failed: false, at: start + .seconds(15)) == (2, 0))
    }

    @Test func onlyUpstreamTroubleCounts() {
        #expect(CircuitBreaker.Outcome(Status(.unavailable)) == .failure)
        #expect(CircuitBreaker.Outcome(Status(.deadlineExceeded)) == .failure)
        #expect(CircuitBreaker.Outcome(Status(.internal)) == .failure)
        #expect(CircuitBreaker.Outcome(Status(.notFound)) == .neutral)
        #expect(CircuitBreaker.Outcome(Status(.invalidArgument)) == .neutral)
        #expect(CircuitBreaker.Outcome(.ok) == .success)
    }
}

@Suite struct BulkheadTests {
    @Test func refusesBeyondTheLimitUntilACallLeaves() {
        var bulkhead = Bulkhead(limit: 2)
        let entries = [bulkhead.tryEnter(), bulkhead.tryEnter(), bulkhead.tryEnter()]
        #expect(entries == [true, true, false])
        bulkhead.leave()
        let afterLeaving = bulkhead.tryEnter()
        #expect(afterLeaving)
    }
}
