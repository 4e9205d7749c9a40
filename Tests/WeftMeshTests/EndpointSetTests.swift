import Synchronization
import Testing
import WeftMesh
import WeftRPC

/// The endpoint bookkeeping MeshChannel and the gateway share, as a plain value.
@Suite struct EndpointSetTests {
    let a = Endpoint(host: "10.0.0.1", port: 1)
    let b = Endpoint(host: "10.0.0.2", port: 1)
    let c = Endpoint(host: "10.0.0.3", port: 1)

    @Test func aNewListKeepsWhatStaysAndReturnsWhatLeft() {
        var set = EndpointSet([a, b, a], balancing: .roundRobin)
        #expect(set.endpoints == [a, b])  // duplicates dropped
        let now = ContinuousClock.now
        #expect(set.pick(at: now) { _ in false } == a)  // a call in flight on a
        #expect(set.replace(with: [a, b]) == nil)  // no change
        #expect(set.replace(with: [c, a]) == [b])
        #expect(set.endpoints == [c, a] && set.contains(a) && !set.contains(b))
        // The call that began before the change still finds its endpoint by address.
        #expect(set.inFlight(a) == 1)
        set.finished(a, .succeeded(latency: .milliseconds(1)), at: now)
        #expect(set.inFlight(a) == 0)
        set.finished(b, .endpointFailed, at: now)  // left the set: nothing to do
    }

    @Test func successesEndARunOfFailuresAndStreamsGiveNoLatency() {
        var policy = OutlierPolicy()
        policy.consecutiveFailures = 2
        var set = EndpointSet([a, b], balancing: .roundRobin, outliers: policy)
        let now = ContinuousClock.now
        for outcome in [CallOutcome.endpointFailed, .succeeded(latency: nil), .endpointFailed] {
            _ = set.pick(at: now) { _ in true }
            let ejected = set.finished(a, outcome, at: now)
            #expect(!ejected)  // never two failures in a row
        }
        _ = set.pick(at: now) { _ in true }
        let ejected = set.finished(a, .endpointFailed, at: now)
        #expect(ejected)  // the second in a row ejects
        #expect(set.loads(at: now)[0].ejected)
        #expect(CallOutcome.failed(Status(.unavailable, "down")) == .endpointFailed)
        #expect(CallOutcome.failed(Status(.notFound, "no")) == .neutral)
    }

    @Test func aFailedConnectBacksOffUntilItsTimeOrAConnection() {
        var set = EndpointSet([a, b], balancing: .roundRobin)
        let now = ContinuousClock.now
        set.connectFailed(a, at: now)
        // Skipped while backing off (at most 100 ms + 20% after a first failure)...
        let picks = (0..<4).map { _ in set.pick(at: now) { _ in false }! }
        #expect(picks == [b, b, b, b])
        // ...taken again after it, and at once once a connection to it opened.
        #expect(set.pick(at: now + .seconds(1)) { _ in false } == a)
        set.connectFailed(a, at: now)
        set.connected(a)
        #expect(Set((0..<2).map { _ in set.pick(at: now) { _ in false }! }) == [a, b])
    }
}

/// Lookups for a channel's endpoints: coalesced, spaced, stopped.
@Suite struct EndpointRefresherTests {
    /// A resolver that takes 100 ms and counts its lookups.
    final class CountingResolver: EndpointResolver {
        let lookups = Mutex(0)
        var description: String { "counting" }

        func resolve() async throws -> [Endpoint] {
            let count = lookups.withLock { count in
                count += 1
                return count
            }
            try await Task.sleep(for: .milliseconds(100))
            return [Endpoint(host: "10.0.0.\(count)", port: 1)]
        }
    }

    @Test func lookupsAreCoalescedAndSpaced() async throws {
        let resolver = CountingResolver()
        let delivered = Mutex<[[Endpoint]]>([])
        let refresher = EndpointRefresher(resolver, every: .seconds(3600), minimumGap: .seconds(3600), lookUpAtOnce: false) { found in
            delivered.withLock { $0.append(found) }
        }
        // Five callers at once: one lookup (the others wait for it, or come within the gap).
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { await refresher.lookUpNow() } }
        }
        #expect(resolver.lookups.withLock { $0 } == 1)
        #expect(delivered.withLock { $0 } == [[Endpoint(host: "10.0.0.1", port: 1)]])
        await refresher.lookUpNow()
        #expect(resolver.lookups.withLock { $0 } == 1)
    }

    @Test func afterTheGapAnotherLookupAndNoneOnceStopped() async throws {
        let resolver = CountingResolver()
        let refresher = EndpointRefresher(resolver, every: .seconds(3600), minimumGap: .zero, lookUpAtOnce: false) { _ in }
        await refresher.lookUpNow()
        await refresher.lookUpNow()
        #expect(resolver.lookups.withLock { $0 } == 2)
        refresher.stop()
        await refresher.lookUpNow()
        #expect(resolver.lookups.withLock { $0 } == 2)
    }
}
