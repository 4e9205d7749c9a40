/// The endpoints one channel spreads calls over: the list, each endpoint's health (failed
/// connection attempts and the backoff they earn), its load (`EndpointBalancer`), and what the
/// owner keeps per endpoint (`Connections`: one connection, or one per event loop). Endpoints
/// are found by address, so a call that began before the list changed still finds its own (or
/// learns it left). What `MeshChannel` and the gateway's upstreams share; a plain value, kept
/// under its owner's lock, with `now` passed in.
public struct EndpointSet<Connections> {
    fileprivate struct Member {
        let endpoint: Endpoint
        var connections: Connections
        var failures = 0
        var retryAt: ContinuousClock.Instant?
    }

    private var members: [Member] = []
    private var balancer: EndpointBalancer
    private let backoff: Backoff
    /// What a new endpoint starts with.
    private let empty: Connections

    /// A set of `endpoints` (duplicates dropped), each starting with `empty` connections.
    public init(
        _ endpoints: [Endpoint], empty: Connections, balancing: Balancing, outliers: OutlierPolicy = OutlierPolicy(),
        backoff: Backoff = Backoff()
    ) {
        self.empty = empty
        self.backoff = backoff
        self.balancer = EndpointBalancer(count: 0, balancing: balancing, outliers: outliers)
        _ = replace(with: endpoints)
    }

    /// The endpoints, in order.
    public var endpoints: [Endpoint] { members.map(\.endpoint) }

    /// How many endpoints there are.
    public var count: Int { members.count }

    /// Every endpoint's connections.
    public var allConnections: [Connections] { members.map(\.connections) }

    /// Per endpoint, in order: calls in flight, and whether it is ejected at `now`.
    public func loads(at now: ContinuousClock.Instant) -> [(inFlight: Int, ejected: Bool)] {
        members.indices.map { (balancer.loads[$0].inFlight, balancer.isEjected($0, at: now)) }
    }

    /// Calls in flight to `endpoint` (0 when it is not in the set).
    public func inFlight(_ endpoint: Endpoint) -> Int {
        members.firstIndex { $0.endpoint == endpoint }.map { balancer.loads[$0].inFlight } ?? 0
    }

    /// The connections kept for `endpoint`; nil when it is not (or no longer) in the set.
    public subscript(endpoint: Endpoint) -> Connections? {
        members.firstIndex { $0.endpoint == endpoint }.map { members[$0].connections }
    }

    /// Changes `endpoint`'s connections in place; nil (and `body` not run) when the endpoint is
    /// not in the set.
    @discardableResult
    public mutating func modify<Result>(_ endpoint: Endpoint, _ body: (inout Connections) -> Result) -> Result? {
        guard let index = members.firstIndex(where: { $0.endpoint == endpoint }) else { return nil }
        return body(&members[index].connections)
    }

    /// Forgets every endpoint's connections (the owner closes them).
    public mutating func removeAllConnections() {
        for index in members.indices { members[index].connections = empty }
    }

    /// The endpoint for the next call by the balancing rule, counted in flight until
    /// `finished`: among those with a connection (`isConnected`) or not backing off after a
    /// failed attempt. Nil when none may take a call.
    public mutating func pick(at now: ContinuousClock.Instant, isConnected: (Connections) -> Bool) -> Endpoint? {
        let usable = members.indices.filter { index in
            isConnected(members[index].connections) || (members[index].retryAt.map { $0 <= now } ?? true)
        }
        return balancer.pick(usable: usable, at: now).map { members[$0].endpoint }
    }

    /// Ends a call picked for `endpoint`; whether its outcome got the endpoint ejected (after
    /// `OutlierPolicy.consecutiveFailures` failures in a row). An endpoint that left the set
    /// took its load along: nothing to do.
    @discardableResult
    public mutating func finished(_ endpoint: Endpoint, _ outcome: CallOutcome, at now: ContinuousClock.Instant) -> Bool {
        guard let index = members.firstIndex(where: { $0.endpoint == endpoint }) else { return false }
        return balancer.finished(index, outcome, at: now)
    }

    /// A connection attempt to `endpoint` failed: it backs off, longer after each failure in a row.
    public mutating func connectFailed(_ endpoint: Endpoint, at now: ContinuousClock.Instant) {
        guard let index = members.firstIndex(where: { $0.endpoint == endpoint }) else { return }
        members[index].failures += 1
        members[index].retryAt = now + backoff.delay(afterFailures: members[index].failures)
    }

    /// A connection to `endpoint` opened: its backoff is over.
    public mutating func connected(_ endpoint: Endpoint) {
        guard let index = members.firstIndex(where: { $0.endpoint == endpoint }) else { return }
        members[index].failures = 0
        members[index].retryAt = nil
    }

    /// Replaces the list (duplicates dropped, an empty list ignored): endpoints that stay keep
    /// their connections, health and load, new ones start empty. The connections of those that
    /// left, for their owner to close; nil when nothing changed.
    public mutating func replace(with listed: [Endpoint]) -> [Connections]? {
        var newEndpoints: [Endpoint] = []
        for endpoint in listed where !newEndpoints.contains(endpoint) { newEndpoints.append(endpoint) }
        guard !newEndpoints.isEmpty, newEndpoints != endpoints else { return nil }
        let previous = newEndpoints.map { endpoint in members.firstIndex { $0.endpoint == endpoint } }
        let kept = Set(previous.compactMap { $0 })
        let left = members.indices.filter { !kept.contains($0) }.map { members[$0].connections }
        members = zip(newEndpoints, previous).map { endpoint, index in
            index.map { members[$0] } ?? Member(endpoint: endpoint, connections: empty)
        }
        balancer.remap(previous)
        return left
    }
}

extension EndpointSet: Sendable where Connections: Sendable {}
extension EndpointSet.Member: Sendable where Connections: Sendable {}
