import Synchronization
import WeftMessages
import WeftRPC
import WeftTLS

/// The gateway's HTTP/2 connection to one upstream service, opened on first use and reopened
/// after it breaks. A call the connection refuses before sending anything is tried once more on
/// a fresh connection: the upstream provably never saw it.
final class UpstreamConnection: ClientTransport {
    private struct State {
        var channel: GRPCChannel?
        var connecting: Task<GRPCChannel, any Error>?
    }

    let upstream: GatewayConfiguration.Upstream
    private let tls: TLSContext?
    private let state = Mutex(State())

    init(_ upstream: GatewayConfiguration.Upstream) throws {
        self.upstream = upstream
        self.tls = try upstream.tls.map { tls in
            try TLSContext(.client(
                certificateChain: tls.certificateChainPath, privateKey: tls.privateKeyPath, trustRoots: tls.trustRootsPath,
                serverName: tls.serverName ?? upstream.host))
        }
    }

    func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        let current = try await transport()
        do {
            return try await current.startCall(method, options: options)
        } catch {
            discard(current)
            return try await transport().startCall(method, options: options)
        }
    }

    func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> RawUnaryResponse {
        let current = try await transport()
        do {
            return try await current.unary(method, request: request, options: options)
        } catch where GRPCChannel.wasNeverSent(error) {
            discard(current)
            return try await transport().unary(method, request: request, options: options)
        }
    }

    /// The open connection, connecting first when there is none.
    private func transport() async throws -> GRPCChannel {
        if let channel = state.withLock({ $0.channel }) { return channel }
        let (host, port, tls) = (upstream.host, upstream.port, self.tls)
        let attempt: Task<GRPCChannel, any Error> = state.withLock { state in
            if let connecting = state.connecting { return connecting }
            let connecting = Task { try await GRPCChannel.connect(host: host, port: port, tls: tls) }
            state.connecting = connecting
            return connecting
        }
        do {
            let channel = try await attempt.value
            state.withLock { state in
                if state.connecting == attempt {
                    state.channel = channel
                    state.connecting = nil
                }
            }
            return channel
        } catch {
            state.withLock { state in if state.connecting == attempt { state.connecting = nil } }
            throw Status(.unavailable, "upstream \(host):\(port) is unreachable: \(error)")
        }
    }

    /// Forgets `broken` (a connection that refused a call) so the next call reconnects.
    private func discard(_ broken: GRPCChannel) {
        let forgotten = state.withLock { state in
            guard state.channel === broken else { return false }
            state.channel = nil
            return true
        }
        if forgotten { Task { try? await broken.close() } }
    }

    /// Closes the connection for good.
    func close() async {
        let channel = state.withLock { state in
            defer { state.channel = nil }
            return state.channel
        }
        try? await channel?.close()
    }
}
