import NIOCore

/// The channel handler that runs an `HTTP2Connection`: bytes in become frames for the session,
/// frames out become writes. It sits above TLS (or directly on TCP for h2c).
public final class HTTP2ConnectionHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private let role: HTTP2Connection.Role
    private let configuration: HTTP2Configuration
    private let makeDelegate: (HTTP2Connection) -> any HTTP2StreamDelegate
    /// The delegate is owned here; the connection only holds it weakly.
    private var delegate: (any HTTP2StreamDelegate)?
    public private(set) var connection: HTTP2Connection?
    /// Why the connection is failing, reported to the delegate when it closes.
    private var failure: (any Error)?

    /// A handler whose streams go to the delegate `makeDelegate` creates for the connection.
    public init(
        role: HTTP2Connection.Role, configuration: HTTP2Configuration = .defaults,
        makeDelegate: @escaping (HTTP2Connection) -> any HTTP2StreamDelegate
    ) {
        self.role = role
        self.configuration = configuration
        self.makeDelegate = makeDelegate
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        do {
            let connection = try HTTP2Connection(role: role, configuration: configuration, eventLoop: context.eventLoop)
            let delegate = makeDelegate(connection)
            self.delegate = delegate
            connection.delegate = delegate
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            connection.output = { bytes in
                bound.value.writeAndFlush(NIOAny(bytes), promise: nil)
            }
            self.connection = connection
            if context.channel.isActive { connection.flush() }
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }

    public func channelActive(context: ChannelHandlerContext) {
        connection?.flush()  // the connection preface and our SETTINGS
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection else { return }
        do {
            try connection.receive(unwrapInboundIn(data))
            if connection.isFinished { context.close(promise: nil) }
        } catch {
            // A malformed frame stream ends this connection only (nghttp2 sent GOAWAY already).
            connection.flush()
            context.close(promise: nil)
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failure = failure ?? error
        context.fireErrorCaught(error)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if let connection { delegate?.connectionDidClose(error: failure, on: connection) }
        connection?.output = nil
        connection = nil
        delegate = nil
        context.fireChannelInactive()
    }
}
