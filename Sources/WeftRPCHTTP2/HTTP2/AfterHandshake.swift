import NIOCore
import WeftTLS
import WeftRPC

/// Waits in a TLS connection's pipeline for the handshake to complete, then installs what
/// serves the connection (the HTTP/2 handler) in its place: a handshake that never finishes
/// holds no HTTP/2 session, only its TLS state.
final class AfterHandshake: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let install: (ChannelHandlerContext) throws -> Void

    /// `install` adds handlers after this one's context; it then leaves the pipeline.
    init(install: @escaping (ChannelHandlerContext) throws -> Void) {
        self.install = install
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is TLSHandshakeCompleted else { return context.fireUserInboundEventTriggered(event) }
        do {
            try install(context)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
