import CoreMetrics
import Synchronization

/// Request counts by outcome, a latency histogram and the requests in flight per label (a
/// route, an rpc), recorded through swift-metrics: `<name>_total{<label>,<outcome>}`,
/// `<name>_duration_seconds{<label>}` (a timer) and `<name>_in_flight{<label>}` (a meter).
/// Shared by the gateway and the RPC server.
public final class RequestMetrics: Sendable {
    /// `weft_gateway_requests`, `weft_rpc_server_calls`, …
    public let name: String
    /// What a label names (`route`, `method`) and what an outcome is (`status`, `code`).
    public let labelName: String
    public let outcomeName: String
    private let factory: any MetricsFactory

    /// The metrics of one label, made once: swift-metrics handles are found by name and
    /// dimensions, which is too slow to repeat on every request.
    private final class LabelMetrics: Sendable {
        let duration: Timer
        let inFlight: Meter
        let outcomes = Mutex<[String: Counter]>([:])

        init(duration: Timer, inFlight: Meter) {
            self.duration = duration
            self.inFlight = inFlight
        }
    }

    private let labels = Mutex<[String: LabelMetrics]>([:])

    /// Metrics named `name` recorded into `factory`; a `PrometheusRegistry` also gets `help`.
    public init(name: String, help: String, labelName: String, outcomeName: String, factory: any MetricsFactory) {
        self.name = name
        self.labelName = labelName
        self.outcomeName = outcomeName
        self.factory = factory
        if let registry = factory as? PrometheusRegistry {
            registry.describe("\(name)_total", help: help)
            registry.describe("\(name)_duration_seconds", help: "Time from request to the end of the answer.")
            registry.describe("\(name)_in_flight", help: "Requests being answered now.")
        }
    }

    /// A request to `label` started (for the in-flight gauge).
    public func started(_ label: String) {
        metrics(of: label).inFlight.increment()
    }

    /// A request to `label` ended with `outcome` after `duration`.
    public func record(_ label: String, outcome: String, duration: Duration, wasStarted: Bool = false) {
        let metrics = metrics(of: label)
        if wasStarted { metrics.inFlight.decrement() }
        metrics.duration.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        let counter = metrics.outcomes.withLock { outcomes in
            if let counter = outcomes[outcome] { return counter }
            let counter = Counter(label: "\(name)_total", dimensions: [(labelName, label), (outcomeName, outcome)], factory: factory)
            outcomes[outcome] = counter
            return counter
        }
        counter.increment()
    }

    private func metrics(of label: String) -> LabelMetrics {
        labels.withLock { labels in
            if let existing = labels[label] { return existing }
            let made = LabelMetrics(
                duration: Timer(label: "\(name)_duration_seconds", dimensions: [(labelName, label)], factory: factory),
                inFlight: Meter(label: "\(name)_in_flight", dimensions: [(labelName, label)], factory: factory))
            labels[label] = made
            return made
        }
    }
}
