import NIOCore
import WeftMessages
import WeftRPC

/// Where the gateway sends a routed service's calls: its endpoints over HTTP/2
/// (`UpstreamPool`), or, when the gateway is embedded in the server of that service, the
/// service itself in this process (`LocalUpstream`).
protocol GatewayUpstream: Sendable {
    /// A unary call from `eventLoop`; the future completes there.
    func unary(on eventLoop: any EventLoop, _ method: MethodDescriptor, request: [UInt8], options: CallOptions) -> EventLoopFuture<RawUnaryResponse>
    /// A transport for streaming calls made from `eventLoop`.
    func transport(on eventLoop: any EventLoop) -> any ClientTransport
    /// Whether the upstream can be reached, for readiness.
    func probe(on eventLoop: any EventLoop) -> EventLoopFuture<Bool>
    /// Closes what the upstream holds open.
    func close() async
}

/// A service the gateway's own process serves, called in-process: the server's dispatch,
/// interceptors and authorization, and no socket.
struct LocalUpstream: GatewayUpstream {
    let services: any ClientTransport

    func unary(on eventLoop: any EventLoop, _ method: MethodDescriptor, request: [UInt8], options: CallOptions) -> EventLoopFuture<RawUnaryResponse> {
        eventLoop.makeFutureWithTask { try await services.unary(method, request: request, options: options) }
    }

    func transport(on eventLoop: any EventLoop) -> any ClientTransport { services }

    func probe(on eventLoop: any EventLoop) -> EventLoopFuture<Bool> { eventLoop.makeSucceededFuture(true) }

    func close() async {}
}
