import CoreMetrics
import Prometheus
import Synchronization

/// A swift-metrics backend that renders Prometheus text (exposition format 0.0.4), over
/// swift-prometheus: counters as counters, meters and last-value recorders as gauges, timers as
/// latency histograms in seconds, aggregating recorders as histograms over `recorderBuckets`.
///
/// Weft's servers and channels record through swift-metrics into a registry of their own (the
/// admin listener's `/metrics`), or into any other backend given to them. What this adds to
/// swift-prometheus's factory: `# HELP` lines for the names Weft describes, names made valid,
/// and a name taken by another kind of metric (or with and without labels) recorded apart and
/// never rendered, where swift-prometheus would stop the process.
public final class PrometheusRegistry: MetricsFactory, Sendable {
    /// Upper bounds of timer histograms, in seconds.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// What a name holds: its kind, and whether its series have labels.
    private struct Shape: Equatable {
        enum Kind { case counter, gauge, valueHistogram, durationHistogram }
        let kind: Kind
        let labeled: Bool
    }

    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let shapes = Mutex<[String: Shape]>([:])
    private let helps = Mutex<[String: String]>([:])

    /// A registry; aggregating recorders get `recorderBuckets` as histogram bounds.
    public init(recorderBuckets: [Double] = [1, 10, 100, 1_000, 10_000, 100_000]) {
        factory = Self.factory(for: registry, recorderBuckets: recorderBuckets)
    }

    private static func factory(for registry: PrometheusCollectorRegistry, recorderBuckets: [Double]) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = latencyBuckets.map { .nanoseconds(Int64(($0 * 1e9).rounded())) }
        factory.defaultValueHistogramBuckets = recorderBuckets
        factory.nameAndLabelSanitizer = { name, labels in
            (sanitized(name), labels.map { (sanitized($0.0, allowsColon: false), $0.1) })
        }
        return factory
    }

    /// Sets the `# HELP` line of the metric `name`.
    public func describe(_ name: String, help: String) {
        helps.withLock { $0[Self.sanitized(name)] = help }
    }

    // MARK: MetricsFactory

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        factory(label, dimensions, .counter).makeCounter(label: label, dimensions: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        factory(label, dimensions, .counter).makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        factory(label, dimensions, .gauge).makeMeter(label: label, dimensions: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        factory(label, dimensions, aggregate ? .valueHistogram : .gauge).makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        factory(label, dimensions, .durationHistogram).makeTimer(label: label, dimensions: dimensions)
    }

    // Metrics stay once made: a scrape shows every series seen since the start.
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}

    /// The rendered registry's factory when `label` is free or holds this kind of metric; else a
    /// registry of its own, never rendered (as swift-metrics backends do on such conflicts).
    private func factory(_ label: String, _ dimensions: [(String, String)], _ kind: Shape.Kind) -> PrometheusMetricsFactory {
        let shape = Shape(kind: kind, labeled: !dimensions.isEmpty)
        let fits = shapes.withLock { shapes in
            let name = Self.sanitized(label)
            if let existing = shapes[name] { return existing == shape }
            shapes[name] = shape
            return true
        }
        return fits ? factory : Self.factory(for: PrometheusCollectorRegistry(), recorderBuckets: factory.defaultValueHistogramBuckets)
    }

    // MARK: Rendering

    /// Every metric as Prometheus text: names in order, each one's `# HELP` (when described)
    /// before its `# TYPE`, counter and gauge series in the order of their labels.
    public func render() -> String {
        let helps = self.helps.withLock { $0 }
        // swift-prometheus writes each name's series after its `# TYPE` line, names in no set
        // order; the lines are regrouped as bytes (as Strings, this took ten times the writing).
        let emitted = registry.emitToBuffer()
        let typePrefix = Array("# TYPE ".utf8)
        var blocks: [(name: ArraySlice<UInt8>, isHistogram: Bool, lines: [ArraySlice<UInt8>])] = []
        var start = emitted.startIndex
        while start < emitted.endIndex {
            let end = emitted[start...].firstIndex(of: UInt8(ascii: "\n")) ?? emitted.endIndex
            let line = emitted[start..<end]
            if line.starts(with: typePrefix) {
                let words = line.dropFirst(typePrefix.count).split(separator: UInt8(ascii: " "))
                blocks.append((words.first ?? [], words.last?.elementsEqual("histogram".utf8) ?? false, [line]))
            } else if !blocks.isEmpty {
                blocks[blocks.count - 1].lines.append(line)
            }
            start = end + 1
        }
        var text: [UInt8] = []
        text.reserveCapacity(emitted.count + helps.count * 64)
        for block in blocks.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) }) {
            if let help = helps[String(decoding: block.name, as: UTF8.self)] {
                text += "# HELP ".utf8
                text += block.name
                text.append(UInt8(ascii: " "))
                text += help.utf8
                text.append(UInt8(ascii: "\n"))
            }
            // A histogram's lines keep their order (bucket bounds rise); others are one line a series.
            let series = block.isHistogram ? Array(block.lines.dropFirst()) : block.lines.dropFirst().sorted { $0.lexicographicallyPrecedes($1) }
            for line in [block.lines[0]] + series {
                text += line
                text.append(UInt8(ascii: "\n"))
            }
        }
        return String(decoding: text, as: UTF8.self)
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
}
