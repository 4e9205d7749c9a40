import NIOCore
import Synchronization
import WeftHTTP2

/// Sends one call's response over its HTTP/2 stream, hopping onto the connection's event loop.
final class HTTP2ServerResponder: ServerResponder {
    let connection: NIOLoopBound<HTTP2Connection>
    let eventLoop: any EventLoop
    let stream: Int32
    /// Set once the call has ended (normally, or failed by the transport): later sends are dropped.
    private let ended = Atomic(false)
    /// Set once the response headers went out: an ending must then be trailers, not Trailers-Only.
    private let headersSent = Atomic(false)
    /// Bytes queued by `send` and not yet written.
    private let unsent = Atomic(0)
    /// How many unsent bytes a call may queue before `send` waits for them to go out.
    static let unsentLimit = 64 * 1024

    init(connection: NIOLoopBound<HTTP2Connection>, eventLoop: any EventLoop, stream: Int32) {
        self.connection = connection
        self.eventLoop = eventLoop
        self.stream = stream
    }

    /// Queues the headers on the event loop without waiting: later sends and the ending are
    /// queued behind them, in order.
    func sendHeaders(_ metadata: Metadata, compression: CompressionAlgorithm) async throws {
        headersSent.store(true, ordering: .relaxed)
        onLoop { connection, stream in
            connection.sendHeaders(
                ResponseHead.initialHeaders(metadata: metadata, encoding: compression), stream: stream, endStream: false)
        }
    }

    /// Queues one message. It waits only while more than `unsentLimit` bytes of this call are
    /// still unsent, which the client's window paces: a handler that writes faster than the
    /// client reads waits here, while a small response costs no round trip to the event loop.
    func send(_ message: [UInt8], compression: CompressionAlgorithm) async throws {
        guard !ended.load(ordering: .relaxed) else { return }
        let framed = try MessageFraming.frame(message, compression: compression, allocator: ByteBufferAllocator())
        let size = framed.readableBytes
        let mustWait = unsent.add(size, ordering: .relaxed).newValue > Self.unsentLimit
        let sent = eventLoop.makePromise(of: Void.self)
        sent.futureResult.whenComplete { [self] _ in unsent.subtract(size, ordering: .relaxed) }
        let queued = onLoop { connection, stream in connection.sendData(framed, stream: stream, sent: sent) }
        // The call ended meanwhile: nothing will complete the promise but this.
        if !queued { sent.fail(Status(.cancelled, "the call ended before the response was sent")) }
        guard mustWait else { return }
        do {
            try await sent.futureResult.get()
        } catch {
            throw Status(.cancelled, "the stream closed before the response was sent")
        }
    }

    func finish(status: Status, trailers: Metadata, trailersOnly: Bool) async {
        guard !ended.exchange(true, ordering: .relaxed) else { return }
        onLoop(evenIfEnded: true) { connection, stream in
            if trailersOnly {
                connection.sendHeaders(ResponseHead.trailersOnly(status: status, metadata: trailers), stream: stream, endStream: true)
            } else {
                connection.endStream(stream, trailers: ResponseHead.trailers(status: status, metadata: trailers))
            }
        }
    }

    /// Ends the call with `status` because of what the transport saw (an oversize message), before
    /// the handler does; called on the event loop.
    func failFromTransport(_ status: Status) {
        guard !ended.exchange(true, ordering: .relaxed) else { return }
        if headersSent.load(ordering: .relaxed) {
            connection.value.endStream(stream, trailers: ResponseHead.trailers(status: status, metadata: Metadata()))
        } else {
            connection.value.sendHeaders(ResponseHead.trailersOnly(status: status), stream: stream, endStream: true)
        }
    }

    /// The connection closed (on the event loop, before its loop may stop): the handler's later
    /// sends and its ending are dropped instead of being queued on a connection that is gone.
    func connectionClosed() {
        ended.store(true, ordering: .relaxed)
    }

    /// Runs `body` on the event loop, after everything this call queued before; false when the
    /// call has ended and `body` will not run.
    @discardableResult
    private func onLoop(evenIfEnded: Bool = false, _ body: @escaping @Sendable (HTTP2Connection, Int32) -> Void) -> Bool {
        guard evenIfEnded || !ended.load(ordering: .relaxed) else { return false }
        let (connection, stream) = (self.connection, self.stream)
        eventLoop.execute { body(connection.value, stream) }
        return true
    }
}
