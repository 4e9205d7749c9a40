import Synchronization
import WeftMessages
import WeftRPC
import WeftTLS

/// Where a service listens.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

/// Calls to a service that runs on several endpoints: one HTTP/2 connection per endpoint,
/// opened on first use and reopened after it breaks, with exponential backoff and jitter
/// between failed attempts; calls go round robin over the endpoints not backing off. A call
/// that provably never reached a server (the connection could not be opened, was closed, or
/// refused new streams after GOAWAY because the server is draining) is retried on the next
/// endpoint, so a server going away loses no call.
public final class MeshChannel: ClientTransport {
    private struct EndpointState {
        var channel: GRPCChannel?
        var connecting: Task<GRPCChannel, any Error>?
        var failures = 0
        var retryAt: ContinuousClock.Instant?
    }

    private struct State {
        var endpoints: [EndpointState]
        var next = 0
    }

    public let endpoints: [Endpoint]
    private let tls: TLSContext?
    private let backoff: Backoff
    private let state: Mutex<State>

    /// A channel over `endpoints` (TLS when `tls` is given); nothing connects until a call.
    public init(endpoints: [Endpoint], tls: TLSContext?, backoff: Backoff = Backoff()) {
        precondition(!endpoints.isEmpty, "a MeshChannel needs at least one endpoint")
        self.endpoints = endpoints
        self.tls = tls
        self.backoff = backoff
        self.state = Mutex(State(endpoints: Array(repeating: EndpointState(), count: endpoints.count)))
    }

    public func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        try await onSomeEndpoint { try await $0.startCall(method, options: options) }
    }

    public func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> RawUnaryResponse {
        try await onSomeEndpoint { try await $0.unary(method, request: request, options: options) }
    }

    /// Closes every connection.
    public func close() async {
        let open = state.withLock { state in
            defer { for index in state.endpoints.indices { state.endpoints[index].channel = nil } }
            return state.endpoints.compactMap(\.channel)
        }
        for channel in open { try? await channel.close() }
    }

    /// Runs `body` on the next usable endpoint's connection, moving on while the call was never
    /// sent; at most one attempt per endpoint, plus one.
    private func onSomeEndpoint<Result: Sendable>(_ body: (GRPCChannel) async throws -> Result) async throws -> Result {
        var lastFailure: (any Error)?
        for _ in 0...endpoints.count {
            guard let index = nextEndpoint() else { break }
            let channel: GRPCChannel
            do {
                channel = try await connection(to: index)
            } catch {
                lastFailure = error
                continue
            }
            do {
                return try await body(channel)
            } catch where GRPCChannel.wasNeverSent(error) {
                forget(channel, at: index)
                lastFailure = error
            }
        }
        throw Status(
            .unavailable,
            "no endpoint of \(endpoints.map(\.description).joined(separator: ", ")) took the call"
                + (lastFailure.map { ": \($0)" } ?? " (all are backing off)"))
    }

    /// The next endpoint round robin that is not backing off, if any.
    private func nextEndpoint() -> Int? {
        let now = ContinuousClock.now
        return state.withLock { state in
            for offset in 0..<state.endpoints.count {
                let index = (state.next + offset) % state.endpoints.count
                if let retryAt = state.endpoints[index].retryAt, retryAt > now, state.endpoints[index].channel == nil { continue }
                state.next = index + 1
                return index
            }
            return nil
        }
    }

    private func connection(to index: Int) async throws -> GRPCChannel {
        let endpoint = endpoints[index]
        let tls = self.tls
        if let channel = state.withLock({ $0.endpoints[index].channel }) { return channel }
        let attempt: Task<GRPCChannel, any Error> = state.withLock { state in
            if let connecting = state.endpoints[index].connecting { return connecting }
            let connecting = Task { try await GRPCChannel.connect(host: endpoint.host, port: endpoint.port, tls: tls) }
            state.endpoints[index].connecting = connecting
            return connecting
        }
        do {
            let channel = try await attempt.value
            state.withLock { state in
                if state.endpoints[index].connecting == attempt {
                    state.endpoints[index] = EndpointState(channel: channel)
                }
            }
            return channel
        } catch {
            let delay = backoff.delay(afterFailures: state.withLock { $0.endpoints[index].failures + 1 })
            state.withLock { state in
                guard state.endpoints[index].connecting == attempt else { return }
                state.endpoints[index].connecting = nil
                state.endpoints[index].failures += 1
                state.endpoints[index].retryAt = .now + delay
            }
            throw Status(.unavailable, "\(endpoint) is unreachable: \(error)")
        }
    }

    /// Forgets a connection that refused a call; the next call to its endpoint reconnects.
    private func forget(_ channel: GRPCChannel, at index: Int) {
        let forgotten = state.withLock { state in
            guard state.endpoints[index].channel === channel else { return false }
            state.endpoints[index].channel = nil
            return true
        }
        if forgotten { Task { try? await channel.close() } }
    }
}
