import NIOCore

/// Tells a connection's protocol from its first bytes: the HTTP/2 client preface means HTTP/2
/// (prior-knowledge h2c, or h2 after TLS), anything else HTTP/1.1. It then has the handlers of
/// that protocol installed behind itself, replays what it read, and leaves the pipeline. A
/// connection that shows nothing within `timeout` is closed.
package final class HTTP2PrefaceSniffer: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = ByteBuffer

    private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let timeout: TimeAmount
    private let install: (_ http2: Bool, _ context: ChannelHandlerContext) throws -> Void
    private var received: ByteBuffer?
    private var deadline: Scheduled<Void>?

    /// `install` adds the handlers of the protocol seen (HTTP/2 when `http2`) after `context`'s
    /// handler, which is this one; throwing closes the connection.
    package init(timeout: TimeAmount, install: @escaping (_ http2: Bool, _ context: ChannelHandlerContext) throws -> Void) {
        self.timeout = timeout
        self.install = install
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        if received == nil {
            received = chunk
        } else {
            received!.writeBuffer(&chunk)
        }
        guard let received else { return }
        let seen = received.readableBytesView.prefix(Self.preface.count)
        let isHTTP2 = seen.elementsEqual(Self.preface.prefix(seen.count))
        // Still a prefix of the preface: wait for more before deciding.
        if isHTTP2, seen.count < Self.preface.count { return }
        do {
            try install(isHTTP2, context)
        } catch {
            context.close(promise: nil)
            return
        }
        self.received = nil
        context.fireChannelRead(NIOAny(received))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
