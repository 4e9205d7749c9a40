import WeftMesh
import WeftRPC

/// The gateway's `/metrics`: requests by route and HTTP status with their latency, then the
/// protection state (breakers, bulkheads, rate-limited callers).
final class GatewayMetrics: Sendable {
    /// Where the gateway's swift-metrics series go (its upstream channels' too).
    let registry = PrometheusRegistry()
    let requests: RequestMetrics

    init() {
        requests = RequestMetrics(
            name: "weft_gateway_requests", help: "HTTP requests by route and response status.", labelName: "route",
            outcomeName: "status", factory: registry)
    }

    /// Counts one request to `route` (a method key, a built-in path, or `-` when no route matched).
    func record(route: String, status: Int, duration: Duration) {
        requests.record(route, outcome: String(status), duration: duration)
    }

    /// The Prometheus text exposition (version 0.0.4).
    func render(protection: GatewayProtection) -> String {
        var text = registry.render()
        let snapshot = protection.snapshot()
        text += "# HELP weft_gateway_circuit_state Circuit breaker per upstream: 0 closed, 1 open, 2 half-open.\n"
        text += "# TYPE weft_gateway_circuit_state gauge\n"
        for (upstream, state) in snapshot.breakers.sorted(by: { $0.key < $1.key }) {
            let value = switch state {
            case .closed: 0
            case .open: 1
            case .halfOpen: 2
            }
            text += "weft_gateway_circuit_state{upstream=\"\(upstream)\"} \(value)\n"
        }
        text += "# HELP weft_gateway_upstream_in_flight Calls in flight per upstream (the bulkhead's count).\n"
        text += "# TYPE weft_gateway_upstream_in_flight gauge\n"
        for (upstream, count) in snapshot.inFlight.sorted(by: { $0.key < $1.key }) {
            text += "weft_gateway_upstream_in_flight{upstream=\"\(upstream)\"} \(count)\n"
        }
        text += "# HELP weft_gateway_rate_limit_callers Callers with a token bucket held, per route.\n"
        text += "# TYPE weft_gateway_rate_limit_callers gauge\n"
        for (route, count) in snapshot.trackedCallers.sorted(by: { $0.key < $1.key }) {
            text += "weft_gateway_rate_limit_callers{route=\"\(route)\"} \(count)\n"
        }
        return text
    }
}
