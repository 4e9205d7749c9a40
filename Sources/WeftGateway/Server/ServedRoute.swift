import WeftMesh

/// What the gateway resolves for a route once, at start, so that a request to it does not look
/// these up by name: its upstream, that upstream's breaker and bulkhead, its timeout and rate
/// limit policy, and its metrics. (A rate-limited route still finds its callers' buckets by
/// route and caller.)
struct ServedRoute: Sendable {
    let upstream: any GatewayUpstream
    let protection: GatewayProtection.UpstreamGuard
    /// The route's timeout (the client may ask for less).
    let timeout: Duration
    /// Nil when the route is unlimited.
    let rateLimit: TokenBucket.Policy?
    let metrics: RequestMetrics.LabelMetrics
}
