import CoreMetrics

/// What a `MeshChannel` reports through swift-metrics, each labelled with its upstream:
/// `weft_rpc_client_connections` (open now), `weft_rpc_client_connect_failures_total`,
/// `weft_rpc_client_retries_total{reason="policy"|"never_sent"}` and
/// `weft_rpc_client_ejections_total`.
public struct ChannelMetrics: Sendable {
    /// Connections open now.
    public let connections: Meter
    /// Connection attempts that failed.
    public let connectFailures: Counter
    /// Calls sent again because the retry policy allowed it.
    public let policyRetries: Counter
    /// Calls sent again because the first try provably never left.
    public let neverSentRetries: Counter
    /// Endpoints taken out of rotation.
    public let ejections: Counter

    /// Metrics of the channel to `upstream`, recorded into `factory`.
    public init(upstream: String, factory: any MetricsFactory) {
        let upstreamLabel = [("upstream", upstream)]
        connections = Meter(label: "weft_rpc_client_connections", dimensions: upstreamLabel, factory: factory)
        connectFailures = Counter(label: "weft_rpc_client_connect_failures_total", dimensions: upstreamLabel, factory: factory)
        policyRetries = Counter(
            label: "weft_rpc_client_retries_total", dimensions: upstreamLabel + [("reason", "policy")], factory: factory)
        neverSentRetries = Counter(
            label: "weft_rpc_client_retries_total", dimensions: upstreamLabel + [("reason", "never_sent")], factory: factory)
        ejections = Counter(label: "weft_rpc_client_ejections_total", dimensions: upstreamLabel, factory: factory)
        if let registry = factory as? PrometheusRegistry {
            registry.describe("weft_rpc_client_connections", help: "Connections a channel holds open, per upstream.")
            registry.describe("weft_rpc_client_connect_failures_total", help: "Connection attempts that failed, per upstream.")
            registry.describe(
                "weft_rpc_client_retries_total",
                help: "Calls sent again: by retry policy, or because the first try provably never left.")
            registry.describe("weft_rpc_client_ejections_total", help: "Endpoints taken out of rotation after failing in a row.")
        }
    }
}
