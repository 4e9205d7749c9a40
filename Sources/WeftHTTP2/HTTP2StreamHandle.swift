import NIOCore

/// One stream of an `HTTP2Connection`, usable from any thread or Task. Every operation runs on
/// the connection's event loop: at once when called there, otherwise enqueued onto it, so the
/// calls one thread or Task makes run in the order it made them.
public struct HTTP2StreamHandle: Sendable {
    /// The stream id.
    public let id: Int32
    private let connection: NIOLoopBound<HTTP2Connection>

    init(id: Int32, connection: NIOLoopBound<HTTP2Connection>) {
        self.id = id
        self.connection = connection
    }

    /// The event loop of the stream's connection.
    public var eventLoop: any EventLoop { connection.eventLoop }

    /// Sends the response header block (server); see `HTTP2Connection.sendHeaders`.
    public func sendHeaders(_ headers: HeaderFields, endStream: Bool) {
        // Called directly on the loop (no closure made for it), as a unary answer is.
        if eventLoop.inEventLoop { return connection.value.sendHeaders(headers, stream: id, endStream: endStream) }
        onLoop { connection, id in connection.sendHeaders(headers, stream: id, endStream: endStream) }
    }

    /// Sends the response header block and its whole `body`, ending the stream (see
    /// `HTTP2Connection.sendResponse`); at once when called on the loop.
    public func sendResponse(_ headers: HeaderFields, body: ByteBuffer) {
        if eventLoop.inEventLoop { return connection.value.sendResponse(headers, body: body, stream: id) }
        onLoop { connection, id in connection.sendResponse(headers, body: body, stream: id) }
    }

    /// Queues body bytes; the future completes once they are written, which waits for the peer's
    /// flow-control window: awaiting it is how a producer follows the consumer's pace.
    public func sendData(_ data: ByteBuffer, endStream: Bool = false) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        sendData(data, endStream: endStream, sent: promise)
        return promise.futureResult
    }

    /// Queues body bytes; `sent`, when given, completes once they are written (see
    /// `HTTP2Connection.sendData`). Without it no future is made: for a whole answer's body.
    public func sendData(_ data: ByteBuffer, endStream: Bool, sent: EventLoopPromise<Void>?) {
        if eventLoop.inEventLoop { return connection.value.sendData(data, stream: id, endStream: endStream, sent: sent) }
        onLoop { connection, id in connection.sendData(data, stream: id, endStream: endStream, sent: sent) }
    }

    /// Ends the body, with `trailers` when given; the future completes once the end is written.
    public func endStream(trailers: HeaderFields?) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        onLoop { connection, id in connection.endStream(id, trailers: trailers, sent: promise) }
        return promise.futureResult
    }

    /// Opens the peer's window by `byteCount` consumed bytes; see `HTTP2Connection.consume`.
    public func consume(_ byteCount: Int) {
        onLoop { connection, id in connection.consume(byteCount, stream: id) }
    }

    /// Resets the stream with RST_STREAM `errorCode`.
    public func reset(errorCode: UInt32) {
        onLoop { connection, id in connection.reset(id, errorCode: errorCode) }
    }

    private func onLoop(_ body: @escaping @Sendable (HTTP2Connection, Int32) -> Void) {
        let (connection, id) = (self.connection, self.id)
        if eventLoop.inEventLoop {
            body(connection.value, id)
        } else {
            eventLoop.execute { body(connection.value, id) }
        }
    }
}
