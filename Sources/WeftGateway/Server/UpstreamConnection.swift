import WeftMessages
import WeftRPC
import WeftTLS

/// The gateway's HTTP/2 connection to one upstream service, opened on first use and reopened
/// after it breaks. A call the connection refuses before sending anything is tried once more on
/// a fresh connection: the upstream provably never saw it.
actor UpstreamConnection: ClientTransport {
    let upstream: GatewayConfiguration.Upstream
    private let tls: TLSContext?
    private var channel: GRPCChannel?
    private var connecting: Task<GRPCChannel, any Error>?

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

    /// The open connection, connecting first when there is none.
    private func transport() async throws -> GRPCChannel {
        if let channel { return channel }
        if let connecting { return try await connecting.value }
        let (host, port, tls) = (upstream.host, upstream.port, self.tls)
        let attempt = Task { try await GRPCChannel.connect(host: host, port: port, tls: tls) }
        connecting = attempt
        defer { connecting = nil }
        do {
            let opened = try await attempt.value
            channel = opened
            return opened
        } catch {
            throw Status(.unavailable, "upstream \(host):\(port) is unreachable: \(error)")
        }
    }

    /// Forgets `broken` (a connection that refused a call) so the next call reconnects.
    private func discard(_ broken: GRPCChannel) {
        guard channel === broken else { return }
        channel = nil
        Task { try? await broken.close() }
    }

    /// Closes the connection for good.
    func close() async {
        try? await channel?.close()
        channel = nil
    }
}
