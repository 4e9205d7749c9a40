import WeftMesh

/// What the gateway resolves for a route once, at start, so that a request to it does not look
/// these up by name: its upstream, that upstream's breaker and bulkhead, its timeout and rate
/// limit policy, and its metrics. (A rate-limited route still finds its callers' buckets by
/// route and caller.) A class, held by each request's call rather than copied into it.
final class ServedRoute: Sendable {
    let upstream: any GatewayUpstream
    let protection: GatewayProtection.UpstreamGuard
    /// The route's timeout (the client may ask for less).
    let timeout: Duration
    /// Nil when the route is unlimited.
    let rateLimit: TokenBucket.Policy?
    let metrics: RequestMetrics.LabelMetrics

    init(
        upstream: any GatewayUpstream, protection: GatewayProtection.UpstreamGuard, timeout: Duration, rateLimit: TokenBucket.Policy?,
        metrics: RequestMetrics.LabelMetrics
    ) {
        self.upstream = upstream
        self.protection = protection
        self.timeout = timeout
        self.rateLimit = rateLimit
        self.metrics = metrics
    }
}
