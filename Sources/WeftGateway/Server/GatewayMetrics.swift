import Synchronization
import WeftRPC

/// Request counts and latencies per route, rendered with the protection state as Prometheus
/// text for `/metrics`.
final class GatewayMetrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct RouteStats {
        var requestsByStatus: [Int: Int] = [:]
        var bucketCounts = [Int](repeating: 0, count: GatewayMetrics.latencyBuckets.count)
        var count = 0
        var sumSeconds = 0.0
    }

    private let routes = Mutex([String: RouteStats]())

    /// Counts one request to `route` (a method key, or `-` for requests no route matched).
    func record(route: String, status: Int, duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        routes.withLock { routes in
            routes[route, default: RouteStats()].requestsByStatus[status, default: 0] += 1
            routes[route]!.count += 1
            routes[route]!.sumSeconds += seconds
            if let bucket = Self.latencyBuckets.firstIndex(where: { seconds <= $0 }) { routes[route]!.bucketCounts[bucket] += 1 }
        }
    }

    /// The Prometheus text exposition (version 0.0.4).
    func render(protection: GatewayProtection) -> String {
        let stats = routes.withLock { $0 }
        var text = "# HELP weft_gateway_requests_total HTTP requests by route and response status.\n"
        text += "# TYPE weft_gateway_requests_total counter\n"
        for (route, stat) in stats.sorted(by: { $0.key < $1.key }) {
            for (status, count) in stat.requestsByStatus.sorted(by: { $0.key < $1.key }) {
                text += "weft_gateway_requests_total{route=\"\(route)\",status=\"\(status)\"} \(count)\n"
            }
        }
        text += "# HELP weft_gateway_request_duration_seconds Time from request to the end of the response.\n"
        text += "# TYPE weft_gateway_request_duration_seconds histogram\n"
        for (route, stat) in stats.sorted(by: { $0.key < $1.key }) {
            var cumulative = 0
            for (bound, count) in zip(Self.latencyBuckets, stat.bucketCounts) {
                cumulative += count
                text += "weft_gateway_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            text += "weft_gateway_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(stat.count)\n"
            text += "weft_gateway_request_duration_seconds_sum{route=\"\(route)\"} \(stat.sumSeconds)\n"
            text += "weft_gateway_request_duration_seconds_count{route=\"\(route)\"} \(stat.count)\n"
        }
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
