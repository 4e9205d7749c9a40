import Synchronization

/// Request counts by outcome and a latency histogram per label (a route, an rpc), rendered as
/// Prometheus text (exposition format 0.0.4). Shared by the gateway and the RPC server.
public final class RequestMetrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Stats {
        var byOutcome: [String: Int] = [:]
        var bucketCounts = [Int](repeating: 0, count: RequestMetrics.latencyBuckets.count)
        var count = 0
        var sumSeconds = 0.0
    }

    /// `weft_gateway_requests`, `weft_rpc_server_calls`, …: the counter is `<name>_total`, the
    /// histogram `<name>_duration_seconds`.
    public let name: String
    /// What a label names (`route`, `method`) and what an outcome is (`status`, `code`).
    public let labelName: String
    public let outcomeName: String
    private let help: String
    private let stats = Mutex([String: Stats]())
    private let inFlight = Mutex([String: Int]())

    public init(name: String, help: String, labelName: String, outcomeName: String) {
        self.name = name
        self.help = help
        self.labelName = labelName
        self.outcomeName = outcomeName
    }

    /// A request to `label` started (for the in-flight gauge).
    public func started(_ label: String) {
        inFlight.withLock { $0[label, default: 0] += 1 }
    }

    /// A request to `label` ended with `outcome` after `duration`.
    public func record(_ label: String, outcome: String, duration: Duration, wasStarted: Bool = false) {
        if wasStarted { inFlight.withLock { $0[label, default: 1] -= 1 } }
        let seconds = duration.inSeconds
        stats.withLock { stats in
            var entry = stats[label] ?? Stats()
            entry.byOutcome[outcome, default: 0] += 1
            entry.count += 1
            entry.sumSeconds += seconds
            if let bucket = Self.latencyBuckets.firstIndex(where: { seconds <= $0 }) { entry.bucketCounts[bucket] += 1 }
            stats[label] = entry
        }
    }

    /// The counter, the histogram and (when anything was `started`) the in-flight gauge.
    public func render() -> String {
        let all = stats.withLock { $0 }.sorted { $0.key < $1.key }
        var text = "# HELP \(name)_total \(help)\n# TYPE \(name)_total counter\n"
        for (label, entry) in all {
            for (outcome, count) in entry.byOutcome.sorted(by: { $0.key < $1.key }) {
                text += "\(name)_total{\(labelName)=\"\(label)\",\(outcomeName)=\"\(outcome)\"} \(count)\n"
            }
        }
        text += "# HELP \(name)_duration_seconds Time from request to the end of the answer.\n"
        text += "# TYPE \(name)_duration_seconds histogram\n"
        for (label, entry) in all {
            var cumulative = 0
            for (bound, count) in zip(Self.latencyBuckets, entry.bucketCounts) {
                cumulative += count
                text += "\(name)_duration_seconds_bucket{\(labelName)=\"\(label)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            text += "\(name)_duration_seconds_bucket{\(labelName)=\"\(label)\",le=\"+Inf\"} \(entry.count)\n"
            text += "\(name)_duration_seconds_sum{\(labelName)=\"\(label)\"} \(entry.sumSeconds)\n"
            text += "\(name)_duration_seconds_count{\(labelName)=\"\(label)\"} \(entry.count)\n"
        }
        let running = inFlight.withLock { $0 }.sorted { $0.key < $1.key }
        if !running.isEmpty {
            text += "# HELP \(name)_in_flight Requests being answered now.\n# TYPE \(name)_in_flight gauge\n"
            for (label, count) in running { text += "\(name)_in_flight{\(labelName)=\"\(label)\"} \(count)\n" }
        }
        return text
    }
}
