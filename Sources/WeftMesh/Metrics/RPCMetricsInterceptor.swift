import CoreMetrics
import WeftRPC

/// Counts every call a server handles by method and status code, with its latency and the calls
/// in flight (`weft_rpc_server_calls_total`, `…_duration_seconds`, `…_in_flight`). A handler
/// cancelled at its deadline counts as CANCELLED here (the deadline's status is set around it).
public struct RPCMetricsInterceptor: ServerInterceptor {
    public let metrics: RequestMetrics

    /// Records into `factory` (swift-metrics).
    public init(factory: any MetricsFactory) {
        metrics = RequestMetrics(
            name: "weft_rpc_server_calls", help: "Calls handled, by method and status code.", labelName: "method",
            outcomeName: "code", factory: factory)
    }

    public func intercept(
        _ call: InterceptedServerCall, next: @Sendable (InterceptedServerCall) async throws -> Void
    ) async throws {
        let started = ContinuousClock.now
        let method = call.context.path
        metrics.started(method)
        do {
            try await next(call)
            metrics.record(method, outcome: "OK", duration: .now - started, wasStarted: true)
        } catch {
            let code = Status(error: error).code
            metrics.record(method, outcome: code.description, duration: .now - started, wasStarted: true)
            throw error
        }
    }
}
