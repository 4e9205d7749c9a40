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
    fileprivate let factory: any MetricsFactory

    /// The metrics of one label, made once: swift-metrics handles are found by name and
    /// dimensions, which is too slow to repeat on every request. A caller that knows its label
    /// ahead (a gateway route) keeps this and records into it without any lookup by label.
    package final class LabelMetrics: Sendable {
        /// The counters' name and dimensions but the outcome's, and where they are made.
        private let counterName: String
        private let dimensions: [(String, String)]
        private let outcomeName: String
        private let factory: any MetricsFactory
        private let duration: Timer
        fileprivate let inFlight: Meter
        private let outcomes = Mutex(Outcomes())

        /// The counters made so far, and the last one used: a route's answers mostly share an
        /// outcome, which is then found by comparing it, not hashing it.
        private struct Outcomes {
            var counters: [String: Counter] = [:]
            var last: (outcome: String, counter: Counter)?
        }

        fileprivate init(owner: RequestMetrics, label: String) {
            self.counterName = "\(owner.name)_total"
            self.dimensions = [(owner.labelName, label)]
            self.outcomeName = owner.outcomeName
            self.factory = owner.factory
            self.duration = Timer(label: "\(owner.name)_duration_seconds", dimensions: dimensions, factory: factory)
            self.inFlight = Meter(label: "\(owner.name)_in_flight", dimensions: dimensions, factory: factory)
        }

        /// A request ended with `outcome` after `duration`.
        package func record(outcome: String, duration: Duration, wasStarted: Bool = false) {
            if wasStarted { inFlight.decrement() }
            self.duration.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
            let counter = outcomes.withLock { outcomes in
                if let last = outcomes.last, last.outcome == outcome { return last.counter }
                let counter: Counter
                if let known = outcomes.counters[outcome] {
                    counter = known
                } else {
                    counter = Counter(label: counterName, dimensions: dimensions + [(outcomeName, outcome)], factory: factory)
                    outcomes.counters[outcome] = counter
                }
                outcomes.last = (outcome, counter)
                return counter
            }
            counter.increment()
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
        metrics(of: label).record(outcome: outcome, duration: duration, wasStarted: wasStarted)
    }

    /// The metrics of `label`, to record into directly.
    package func metrics(of label: String) -> LabelMetrics {
        labels.withLock { labels in
            if let existing = labels[label] { return existing }
            let made = LabelMetrics(owner: self, label: label)
            labels[label] = made
            return made
        }
    }
}
