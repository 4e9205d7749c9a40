import CoreMetrics
import Synchronization

/// A swift-metrics backend that keeps every metric in memory and renders them as Prometheus
/// text (exposition format 0.0.4): counters and meters as they are, timers as latency histograms
/// in seconds, aggregating recorders as histograms over `recorderBuckets`, other recorders as
/// gauges holding the last value.
///
/// Weft's servers and channels record through swift-metrics into a registry of their own (the
/// admin listener's `/metrics`), or into any other backend given to them.
public final class PrometheusRegistry: MetricsFactory, Sendable {
    /// Upper bounds of timer histograms, in seconds.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Key: Hashable {
        let name: String
        let labels: [Label]
    }

    private struct Label: Hashable {
        let name: String
        let value: String
    }

    private enum Metric {
        case counter(IntegerCounter)
        case floatingCounter(FloatingValue)
        case gauge(FloatingValue)
        case histogram(Histogram)

        var typeName: String {
            switch self {
            case .counter, .floatingCounter: "counter"
            case .gauge: "gauge"
            case .histogram: "histogram"
            }
        }
    }

    private let metrics = Mutex<[Key: Metric]>([:])
    private let helps = Mutex<[String: String]>([:])
    private let recorderBuckets: [Double]

    /// A registry; aggregating recorders get `recorderBuckets` as histogram bounds.
    public init(recorderBuckets: [Double] = [1, 10, 100, 1_000, 10_000, 100_000]) {
        self.recorderBuckets = recorderBuckets
    }

    /// Sets the `# HELP` line of the metric `name`.
    public func describe(_ name: String, help: String) {
        helps.withLock { $0[Self.sanitized(name)] = help }
    }

    // MARK: MetricsFactory

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        metric(label, dimensions, make: { .counter(IntegerCounter()) }) { existing in
            if case .counter(let handler) = existing { return handler }
            return nil
        } ?? IntegerCounter()
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        metric(label, dimensions, make: { .floatingCounter(FloatingValue()) }) { existing in
            if case .floatingCounter(let handler) = existing { return handler }
            return nil
        } ?? FloatingValue()
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        metric(label, dimensions, make: { .gauge(FloatingValue()) }) { existing in
            if case .gauge(let handler) = existing { return handler }
            return nil
        } ?? FloatingValue()
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        if !aggregate {
            return metric(label, dimensions, make: { .gauge(FloatingValue()) }) { existing in
                if case .gauge(let handler) = existing { return handler }
                return nil
            } ?? FloatingValue()
        }
        let buckets = recorderBuckets
        return metric(label, dimensions, make: { .histogram(Histogram(bounds: buckets)) }) { existing in
            if case .histogram(let handler) = existing { return handler }
            return nil
        } ?? Histogram(bounds: buckets)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        metric(label, dimensions, make: { .histogram(Histogram(bounds: Self.latencyBuckets)) }) { existing in
            if case .histogram(let handler) = existing { return handler }
            return nil
        } ?? Histogram(bounds: Self.latencyBuckets)
    }

    // Metrics stay once made: a scrape shows every series seen since the start.
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}

    /// The handler stored under `label` and `dimensions`, made by `make` the first time; nil
    /// when the name is already taken by a metric of another kind (the caller then records into
    /// a handler nobody renders, as swift-metrics backends do on such conflicts).
    private func metric<Handler>(
        _ label: String, _ dimensions: [(String, String)], make: () -> Metric, as cast: (Metric) -> Handler?
    ) -> Handler? {
        let key = Key(
            name: Self.sanitized(label),
            labels: dimensions.map { Label(name: Self.sanitized($0.0, allowsColon: false), value: $0.1) })
        return metrics.withLock { metrics in
            if let existing = metrics[key] { return cast(existing) }
            let made = make()
            if let sameName = metrics.first(where: { $0.key.name == key.name })?.value, sameName.typeName != made.typeName {
                return nil
            }
            metrics[key] = made
            return cast(made)
        }
    }

    // MARK: Rendering

    /// Every metric as Prometheus text, grouped by name, series sorted by their labels.
    public func render() -> String {
        let snapshot = metrics.withLock { $0 }
        let helps = self.helps.withLock { $0 }
        let byName = Dictionary(grouping: snapshot, by: \.key.name)
        var text = ""
        for name in byName.keys.sorted() {
            let series = byName[name]!.sorted { Self.labelText($0.key.labels) < Self.labelText($1.key.labels) }
            if let help = helps[name] { text += "# HELP \(name) \(help)\n" }
            text += "# TYPE \(name) \(series[0].value.typeName)\n"
            for (key, metric) in series {
                switch metric {
                case .counter(let handler): text += "\(name)\(Self.labelText(key.labels)) \(handler.value)\n"
                case .floatingCounter(let handler), .gauge(let handler):
                    text += "\(name)\(Self.labelText(key.labels)) \(Self.number(handler.value))\n"
                case .histogram(let handler): text += handler.render(name: name, labels: key.labels)
                }
            }
        }
        return text
    }

    private static func labelText(_ labels: [Label], extra: Label? = nil) -> String {
        let all = labels + (extra.map { [$0] } ?? [])
        guard !all.isEmpty else { return "" }
        return "{" + all.map { "\($0.name)=\"\(escaped($0.value))\"" }.joined(separator: ",") + "}"
    }

    private static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// Metric names are `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names the same without `:`; anything
    /// else becomes `_`.
    private static func sanitized(_ name: String, allowsColon: Bool = true) -> String {
        var result = ""
        for (index, scalar) in name.unicodeScalars.enumerated() {
            let valid = scalar.isASCII && (scalar == "_" || (allowsColon && scalar == ":") || (scalar.properties.isAlphabetic)
                || (index > 0 && ("0"..."9").contains(Character(scalar))))
            result.unicodeScalars.append(valid ? scalar : "_")
        }
        return result
    }

    private static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    // MARK: Handlers

    private final class IntegerCounter: CounterHandler, Sendable {
        private let count = Atomic<Int64>(0)
        var value: Int64 { count.load(ordering: .relaxed) }
        func increment(by amount: Int64) { count.add(amount, ordering: .relaxed) }
        func reset() { count.store(0, ordering: .relaxed) }
    }

    /// A floating-point counter or a gauge (meters and last-value recorders).
    private final class FloatingValue: FloatingPointCounterHandler, MeterHandler, RecorderHandler, Sendable {
        private let current = Mutex<Double>(0)
        var value: Double { current.withLock { $0 } }
        func increment(by amount: Double) { current.withLock { $0 += amount } }
        func decrement(by amount: Double) { current.withLock { $0 -= amount } }
        func set(_ value: Int64) { current.withLock { $0 = Double(value) } }
        func set(_ value: Double) { current.withLock { $0 = value } }
        func record(_ value: Int64) { set(value) }
        func record(_ value: Double) { set(value) }
        func reset() { set(Double(0)) }
    }

    /// Counts per bucket, the sum and the count; timers record seconds.
    private final class Histogram: RecorderHandler, TimerHandler, Sendable {
        private struct Counts {
            var buckets: [Int]
            var count = 0
            var sum = 0.0
        }

        private let bounds: [Double]
        private let counts: Mutex<Counts>

        init(bounds: [Double]) {
            self.bounds = bounds
            self.counts = Mutex(Counts(buckets: Array(repeating: 0, count: bounds.count)))
        }

        func record(_ value: Int64) { record(Double(value)) }

        func record(_ value: Double) {
            let bucket = bounds.firstIndex { value <= $0 }
            counts.withLock { counts in
                if let bucket { counts.buckets[bucket] += 1 }
                counts.count += 1
                counts.sum += value
            }
        }

        func recordNanoseconds(_ duration: Int64) { record(Double(duration) / 1e9) }

        func render(name: String, labels: [Label]) -> String {
            let snapshot = counts.withLock { $0 }
            var text = ""
            var cumulative = 0
            for (bound, count) in zip(bounds, snapshot.buckets) {
                cumulative += count
                text += "\(name)_bucket\(PrometheusRegistry.labelText(labels, extra: Label(name: "le", value: "\(bound)"))) \(cumulative)\n"
            }
            text += "\(name)_bucket\(PrometheusRegistry.labelText(labels, extra: Label(name: "le", value: "+Inf"))) \(snapshot.count)\n"
            text += "\(name)_sum\(PrometheusRegistry.labelText(labels)) \(snapshot.sum)\n"
            text += "\(name)_count\(PrometheusRegistry.labelText(labels)) \(snapshot.count)\n"
            return text
        }
    }
}
