import Synchronization
import WeftMessages
import WeftRPC

/// `grpc.health.v1.Health`: the serving status of the server ("") and of each service, which
/// the server sets (and flips to NOT_SERVING when it starts draining).
public final class HealthService: Health.Handler {
    public typealias Status = HealthCheckResponse.ServingStatus

    private struct State {
        var statuses: [String: Status] = [:]
        var watchers: [Int: (service: String, continuation: AsyncStream<Status>.Continuation)] = [:]
        var nextWatcher = 0
    }

    private let state = Mutex(State())

    /// A health service reporting `services` and the server ("") as SERVING.
    public init(serving services: [String]) {
        state.withLock { state in
            state.statuses[""] = .serving
            for service in services { state.statuses[service] = .serving }
        }
    }

    /// Sets `service`'s status ("" for the server) and tells its watchers.
    public func setStatus(_ status: Status, for service: String) {
        let watchers = state.withLock { state in
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.continuation)
        }
        for watcher in watchers { watcher.yield(status) }
    }

    /// Every known service (and the server) becomes NOT_SERVING: the server is draining.
    public func drain() {
        let services = state.withLock { Array($0.statuses.keys) }
        for service in services { setStatus(.notServing, for: service) }
    }

    /// The current status of `service`, nil when unknown.
    public func status(of service: String) -> Status? {
        state.withLock { $0.statuses[service] }
    }

    public func check(_ request: HealthCheckRequest, context: ServerContext) async throws -> HealthCheckResponse {
        guard let status = status(of: request.service) else {
            throw WeftRPC.Status(.notFound, "unknown service \(request.service)")
        }
        return HealthCheckResponse(status: status)
    }

    public func watch(
        _ request: HealthCheckRequest, responses: ResponseWriter<HealthCheckResponse>, context: ServerContext
    ) async throws {
        let (updates, continuation) = AsyncStream.makeStream(of: Status.self)
        let (id, current) = state.withLock { state in
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = (request.service, continuation)
            return (id, state.statuses[request.service] ?? .serviceUnknown)
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        defer { continuation.finish() }
        var last = current
        try await responses.write(HealthCheckResponse(status: current))
        for await status in updates where status != last {
            last = status
            try await responses.write(HealthCheckResponse(status: status))
        }
        try Task.checkCancellation()
    }
}
