import NIOCore
import Synchronization
import WeftMessages
import WeftRPC
import WeftTLS

/// The gateway's HTTP/2 connections to one upstream service: one per front event loop, opened
/// on first use there and reopened after they break, so a request is served and forwarded on
/// one thread. A call a connection refuses before sending anything is tried once more on a
/// fresh connection: the upstream provably never saw it.
final class UpstreamConnection: Sendable {
    let upstream: GatewayConfiguration.Upstream
    private let tls: TLSContext?
    private struct State {
        /// Per event loop, its connection or the attempt to open one.
        var attempts: [ObjectIdentifier: EventLoopFuture<GRPCChannel>] = [:]
        /// Per event loop, its open connection.
        var connected: [ObjectIdentifier: GRPCChannel] = [:]
    }

    private let state = Mutex(State())

    init(_ upstream: GatewayConfiguration.Upstream) throws {
        self.upstream = upstream
        self.tls = try upstream.tls.map { tls in
            var configuration = TLSConfiguration(
                role: .client, certificateChainPath: tls.certificateChainPath, privateKeyPath: tls.privateKeyPath,
                trustRootsPath: tls.trustRootsPath, serverName: tls.serverName ?? upstream.host)
            configuration.expectedPeerIdentity = tls.identity
            return try TLSContext(configuration)
        }
    }

    /// A unary call from `eventLoop`; the future completes there.
    func unary(on eventLoop: any EventLoop, _ method: MethodDescriptor, request: [UInt8], options: CallOptions) -> EventLoopFuture<RawUnaryResponse> {
        channel(on: eventLoop)
            .flatMap { channel in
                channel.unaryFuture(method, request: request, options: options).flatMapError { error in
                    guard GRPCChannel.wasNeverSent(error) else { return eventLoop.makeFailedFuture(error) }
                    self.discard(channel, on: eventLoop)
                    return self.channel(on: eventLoop).flatMap { $0.unaryFuture(method, request: request, options: options) }
                }
            }
            .hop(to: eventLoop)
    }

    /// A transport whose calls go over `eventLoop`'s connection (for streaming calls).
    func transport(on eventLoop: any EventLoop) -> some ClientTransport {
        EventLoopTransport(upstream: self, eventLoop: eventLoop)
    }

    /// `eventLoop`'s connection, connecting first when there is none.
    fileprivate func channel(on eventLoop: any EventLoop) -> EventLoopFuture<GRPCChannel> {
        let key = ObjectIdentifier(eventLoop)
        let (host, port, tls) = (upstream.host, upstream.port, self.tls)
        let (attempt, isNew) = state.withLock { state in
            if let existing = state.attempts[key] { return (existing, false) }
            let attempt = GRPCChannel.connect(host: host, port: port, tls: tls, on: eventLoop)
            state.attempts[key] = attempt
            return (attempt, true)
        }
        guard isNew else { return attempt }
        return attempt
            .map { channel in
                self.state.withLock { state in if state.attempts[key] === attempt { state.connected[key] = channel } }
                return channel
            }
            .flatMapErrorThrowing { error in
                self.state.withLock { state in if state.attempts[key] === attempt { state.attempts[key] = nil } }
                throw Status(.unavailable, "upstream \(host):\(port) is unreachable: \(error)")
            }
    }

    /// Forgets `broken` (a connection that refused a call) so the next call reconnects.
    fileprivate func discard(_ broken: GRPCChannel, on eventLoop: any EventLoop) {
        let key = ObjectIdentifier(eventLoop)
        let forgotten: Bool = state.withLock { state in
            guard state.connected[key] === broken else { return false }
            state.connected[key] = nil
            state.attempts[key] = nil
            return true
        }
        if forgotten { Task { try? await broken.close() } }
    }

    /// Closes every connection for good.
    func close() async {
        let open = state.withLock { state in
            defer { state = State() }
            return Array(state.connected.values)
        }
        for channel in open { try? await channel.close() }
    }
}

/// Calls over one event loop's upstream connection.
private struct EventLoopTransport: ClientTransport {
    let upstream: UpstreamConnection
    let eventLoop: any EventLoop

    func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        let channel = try await upstream.channel(on: eventLoop).get()
        do {
            return try await channel.startCall(method, options: options)
        } catch where GRPCChannel.wasNeverSent(error) {
            upstream.discard(channel, on: eventLoop)
            return try await upstream.channel(on: eventLoop).get().startCall(method, options: options)
        }
    }
}
