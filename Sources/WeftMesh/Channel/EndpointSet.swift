import WeftRPC

/// The endpoints one channel spreads calls over: the list, each endpoint's health (failed
/// connection attempts and the backoff they earn) and its load (`EndpointBalancer`). Endpoints
/// are found by address, so a call that began before the list changed still finds its own (or
/// learns it left); `UpstreamConnectionTable` keeps the connections per endpoint address beside
/// the set. A plain value, kept under its owner's lock, with `now` passed in.
package struct EndpointSet: Sendable {
    private struct Member: Sendable {
        let endpoint: Endpoint
        var failures = 0
        var retryAt: ContinuousClock.Instant?
    }

    private var members: [Member] = []
    private var balancer: EndpointBalancer
    private let backoff: Backoff

    /// A set of `endpoints` (duplicates dropped).
    package init(_ endpoints: [Endpoint], balancing: Balancing, outliers: OutlierPolicy = OutlierPolicy(), backoff: Backoff = Backoff()) {
        self.backoff = backoff
        self.balancer = EndpointBalancer(count: 0, balancing: balancing, outliers: outliers)
        _ = replace(with: endpoints)
    }

    /// The endpoints, in order.
    package var endpoints: [Endpoint] { members.map(\.endpoint) }

    /// How many endpoints there are.
    package var count: Int { members.count }

    /// Whether `endpoint` is in the set.
    package func contains(_ endpoint: Endpoint) -> Bool {
        members.contains { $0.endpoint == endpoint }
    }

    /// Per endpoint, in order: calls in flight, and whether it is ejected at `now`.
    package func loads(at now: ContinuousClock.Instant) -> [(inFlight: Int, ejected: Bool)] {
        members.indices.map { (balancer.loads[$0].inFlight, balancer.isEjected($0, at: now)) }
    }

    /// Calls in flight to `endpoint` (0 when it is not in the set).
    package func inFlight(_ endpoint: Endpoint) -> Int {
        members.firstIndex { $0.endpoint == endpoint }.map { balancer.loads[$0].inFlight } ?? 0
    }

    /// The endpoint for the next call by the balancing rule, counted in flight until
    /// `finished`: among those with a connection (`isConnected`) or not backing off after a
    /// failed attempt. Nil when none may take a call.
    package mutating func pick(at now: ContinuousClock.Instant, isConnected: (Endpoint) -> Bool) -> Endpoint? {
        // The usable endpoints' indices are gathered on the stack: no array per call.
        let chosen = withUnsafeTemporaryAllocation(of: Int.self, capacity: members.count) { indices in
            var count = 0
            for index in members.indices where isConnected(members[index].endpoint) || (members[index].retryAt.map { $0 <= now } ?? true) {
                indices.initializeElement(at: count, to: index)
                count += 1
            }
            return balancer.pick(usable: UnsafeBufferPointer(rebasing: indices[..<count]), at: now)
        }
        return chosen.map { members[$0].endpoint }
    }

    /// Ends a call picked for `endpoint`; whether its outcome got the endpoint ejected (after
    /// `OutlierPolicy.consecutiveFailures` failures in a row). An endpoint that left the set
    /// took its load along: nothing to do.
    @discardableResult
    package mutating func finished(_ endpoint: Endpoint, _ outcome: CallOutcome, at now: ContinuousClock.Instant) -> Bool {
        guard let index = members.firstIndex(where: { $0.endpoint == endpoint }) else { return false }
        return balancer.finished(index, outcome, at: now)
    }

    /// A connection attempt to `endpoint` failed: it backs off, longer after each failure in a row.
    package mutating func connectFailed(_ endpoint: Endpoint, at now: ContinuousClock.Instant) {
        guard let index = members.firstIndex(where: { $0.endpoint == endpoint }) else { return }
        members[index].failures += 1
        members[index].retryAt = now + backoff.delay(afterFailures: members[index].failures)
    }

    /// A connection to `endpoint` opened: its backoff is over.
    package mutating func connected(_ endpoint: Endpoint) {
        guard let index = members.firstIndex(where: { $0.endpoint == endpoint }) else { return }
        members[index].failures = 0
        members[index].retryAt = nil
    }

    /// Why a call found no endpoint: UNAVAILABLE naming `upstream` (when given) and the
    /// endpoints, with the last attempt's failure (none: every endpoint is backing off). The
    /// call was sent nowhere.
    package func noEndpointTookTheCall(upstream: String? = nil, lastFailure: (any Error)?) -> Status {
        let listed = members.map(\.endpoint.description).joined(separator: ", ")
        return Status(
            .unavailable,
            "no endpoint of " + (upstream.map { "upstream \($0) (\(listed))" } ?? listed) + " took the call"
                + (lastFailure.map { ": \($0)" } ?? " (all are backing off)"),
            origin: .transportBeforeSending)
    }

    /// Replaces the list (duplicates dropped, an empty list ignored): endpoints that stay keep
    /// their health and load, new ones start afresh. The endpoints that left, whose connections
    /// their owner closes; nil when nothing changed.
    package mutating func replace(with listed: [Endpoint]) -> [Endpoint]? {
        var newEndpoints: [Endpoint] = []
        for endpoint in listed where !newEndpoints.contains(endpoint) { newEndpoints.append(endpoint) }
        guard !newEndpoints.isEmpty, newEndpoints != endpoints else { return nil }
        let previous = newEndpoints.map { endpoint in members.firstIndex { $0.endpoint == endpoint } }
        let left = endpoints.filter { !newEndpoints.contains($0) }
        members = zip(newEndpoints, previous).map { endpoint, index in index.map { members[$0] } ?? Member(endpoint: endpoint) }
        balancer.remap(previous)
        return left
    }
}
