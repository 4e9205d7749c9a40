// What a served call costs in metrics: `RequestMetrics` (a call started, then recorded with its
// outcome and duration: an in-flight meter up and down, a timer, a counter), recorded into
// Weft's `PrometheusRegistry` (what a service's /metrics serves) and into swift-prometheus's
// `PrometheusMetricsFactory` as it comes, side by side in one run, from one thread and from two
// at once; then the cost of rendering /metrics.
// Usage: metrics-path [calls per thread]
import CoreMetrics
import Foundation
import Prometheus
import WeftMesh

let calls = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let methods = (0..<8).map { "/shop.v1.Shop/Method\($0)" }

/// Nanoseconds per call of `threads` threads each recording `calls` calls into `metrics`.
func measure(_ metrics: RequestMetrics, threads: Int) -> Double {
    let started = ContinuousClock.now
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
        for call in 0..<calls {
            let method = methods[(call + thread) & 7]
            metrics.started(method)
            metrics.record(method, outcome: call % 50 == 0 ? "UNAVAILABLE" : "OK", duration: .microseconds(call % 2_000), wasStarted: true)
        }
    }
    let elapsed = ContinuousClock.now - started
    return Double(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000) / Double(calls * threads)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let weft = PrometheusRegistry()
var prometheus = PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())
prometheus.defaultDurationHistogramBuckets = PrometheusRegistry.latencyBuckets.map { .nanoseconds(Int64($0 * 1e9)) }
let candidates: [(String, any MetricsFactory)] = [("PrometheusRegistry", weft), ("PrometheusMetricsFactory", prometheus)]
let recorders = candidates.map { name, factory in
    (name, RequestMetrics(name: "weft_rpc_server_calls", help: "Calls served.", labelName: "method", outcomeName: "code", factory: factory))
}

print("metrics-path: \(calls) calls per thread, 8 methods, 5 rounds each, medians")
for threads in [1, 2] {
    var results: [String: [Double]] = [:]
    for _ in 0..<5 {
        for (name, metrics) in recorders { results[name, default: []].append(measure(metrics, threads: threads)) }
    }
    let line = recorders.map { name, _ in String(format: "%@ %.0f ns", name, median(results[name]!)) }.joined(separator: ", ")
    print("\(threads) thread\(threads == 1 ? "" : "s"): \(line) per call")
}

var renders: [String: [Double]] = [:]
for _ in 0..<50 {
    var started = ContinuousClock.now
    _ = weft.render()
    renders["weft", default: []].append(Double((ContinuousClock.now - started).components.attoseconds) / 1e12)
    started = ContinuousClock.now
    var buffer: [UInt8] = []
    prometheus.registry.emit(into: &buffer)
    renders["prometheus", default: []].append(Double((ContinuousClock.now - started).components.attoseconds) / 1e12)
}
print(String(format: "render /metrics: PrometheusRegistry %.0f µs, PrometheusMetricsFactory's registry %.0f µs",
             median(renders["weft"]!), median(renders["prometheus"]!)))
