import NIOCore

/// The channel handler that runs an `HTTP2Connection`: bytes read become input for the session,
/// frames out become writes. It sits on TCP (h2c) or on a TLS handler, unaware which. It only
/// relays channel events; the protocol lives in `HTTP2Connection` and its state types.
///
/// Besides reads it handles: writability (frames wait while the channel is not writable),
/// `ChannelShouldQuiesceEvent` (graceful shutdown, as NIO's `ServerQuiescingHelper` sends), and
/// `close`, which sends GOAWAY before closing.
public final class HTTP2ConnectionHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundIn = Never
    public typealias OutboundOut = ByteBuffer

    private let role: HTTP2Connection.Role
    private let configuration: HTTP2Configuration
    private let makeDelegate: (HTTP2Connection) -> any HTTP2StreamDelegate
    /// The delegate is owned here; the connection only holds it weakly.
    private var delegate: (any HTTP2StreamDelegate)?
    /// The connection, from `handlerAdded` on (kept after close: its methods then do nothing).
    public private(set) var connection: HTTP2Connection?
    private var context: ChannelHandlerContext?
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
        self.context = context
        do {
            let connection = try HTTP2Connection(role: role, configuration: configuration, eventLoop: context.eventLoop)
            let delegate = makeDelegate(connection)
            self.delegate = delegate
            connection.delegate = delegate
            connection.output = self
            self.connection = connection
            if context.channel.isActive { connection.start() }
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        // A channel that never became active (its connect failed) gets no channelInactive: the
        // delegate still hears that the connection is gone, on the event loop.
        connection?.closed(error: failure)
        self.context = nil
    }

    public func channelActive(context: ChannelHandlerContext) {
        connection?.start()
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection?.receive(unwrapInboundIn(data))
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { connection?.flush() }
        context.fireChannelWritabilityChanged()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            connection?.shutDownGracefully()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failure = failure ?? error
        context.fireErrorCaught(error)
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all { connection?.goAwayBeforeClose() }
        context.close(mode: mode, promise: promise)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        connection?.closed(error: failure)
        delegate = nil
        context.fireChannelInactive()
    }
}

extension HTTP2ConnectionHandler: HTTP2ConnectionOutput {
    var isWritable: Bool { context?.channel.isWritable ?? false }

    func write(_ bytes: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.fail(HTTP2Error.connectionClosed)
            return
        }
        context.write(wrapOutboundOut(bytes), promise: promise)
    }

    func flush() {
        context?.flush()
    }

    func closeConnection(error: (any Error)?) {
        if let error { failure = failure ?? error }
        context?.close(promise: nil)
    }
}
