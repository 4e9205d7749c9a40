import NIOCore
import Synchronization
import WeftHTTP2
import WeftRPC

/// Sends one call's response over its HTTP/2 stream. Every decision is taken on the
/// connection's event loop by the call's `ServerCallLifecycle`: a handler running on that loop
/// (the default) acts at once; one running elsewhere hops onto the loop, in order.
final class HTTP2ServerResponder: ServerResponder {
    private let connection: NIOLoopBound<HTTP2Connection>
    private let eventLoop: any EventLoop
    private let stream: Int32
    private let lifecycle: NIOLoopBoundBox<ServerCallLifecycle>
    /// Cleared on the event loop when the connection closes, which happens before its loop may
    /// stop: a handler elsewhere then stops hopping onto a loop that may be gone. The one fact
    /// shared across threads; every decision about the call is the lifecycle's, on the loop.
    private let connectionOpen = Atomic(true)
    /// How many unsent bytes a call may queue before `send` waits for them to go out.
    static let unsentLimit = 64 * 1024

    init(connection: NIOLoopBound<HTTP2Connection>, eventLoop: any EventLoop, stream: Int32) {
        self.connection = connection
        self.eventLoop = eventLoop
        self.stream = stream
        self.lifecycle = NIOLoopBoundBox(ServerCallLifecycle(unsentLimit: Self.unsentLimit), eventLoop: eventLoop)
    }

    /// Sends the headers unless the call has ended; later sends and the ending follow them.
    func sendHeaders(_ metadata: Metadata, compression: CompressionAlgorithm) async throws {
        let (connection, lifecycle, stream) = (self.connection, self.lifecycle, self.stream)
        onLoop {
            guard lifecycle.value.headersRequested() else { return }
            connection.value.sendHeaders(ResponseHead.initialHeaders(metadata: metadata, encoding: compression), stream: stream, endStream: false)
        }
    }

    /// Queues one message (dropped once the call has ended). It waits only while more than
    /// `unsentLimit` bytes of this call are still unsent, which the client's window paces: a
    /// handler that writes faster than the client reads waits here. A handler on the event loop
    /// pays no round trip for a small response; one elsewhere waits for its hop onto the loop.
    func send(_ message: [UInt8], compression: CompressionAlgorithm) async throws {
        let framed = try MessageFraming.frame(message, compression: compression, allocator: ByteBufferAllocator())
        let sent: EventLoopFuture<Void>?
        if eventLoop.inEventLoop {
            sent = queue(framed)
        } else if !connectionOpen.load(ordering: .acquiring) {
            return
        } else {
            let queued = eventLoop.makePromise(of: EventLoopFuture<Void>?.self)
            eventLoop.execute { [self] in queued.succeed(queue(framed)) }
            sent = try await queued.futureResult.get()
        }
        do {
            try await sent?.get()
        } catch {
            throw Status(.cancelled, "the stream closed before the response was sent")
        }
    }

    /// Queues `framed` on the stream (on the event loop): the future to wait for before the
    /// handler goes on, nil when it need not wait (or the message was dropped).
    private func queue(_ framed: ByteBuffer) -> EventLoopFuture<Void>? {
        let size = framed.readableBytes
        guard case .send(let waitUntilSent) = lifecycle.value.messageWritten(size: size) else { return nil }
        let sent = eventLoop.makePromise(of: Void.self)
        let lifecycle = self.lifecycle
        sent.futureResult.whenComplete { _ in lifecycle.value.messageLeft(size: size) }
        connection.value.sendData(framed, stream: stream, sent: sent)
        return waitUntilSent ? sent.futureResult : nil
    }

    /// Ends the call with `status`: trailers after headers, a Trailers-Only response before
    /// them, nothing when the call has ended already (the lifecycle knows which; `trailersOnly`
    /// is the dispatcher's view of the same fact).
    func finish(status: Status, trailers: Metadata, trailersOnly: Bool) async {
        onLoop { [self] in end(with: status, trailers: trailers) }
    }

    /// Ends the call with `status` because of what the transport saw (an oversize message),
    /// before the handler does; called on the event loop.
    func failFromTransport(_ status: Status) {
        end(with: status, trailers: Metadata())
    }

    /// The connection closed (on the event loop, before its loop may stop): the handler's later
    /// sends and its ending are dropped instead of being queued on a connection that is gone.
    func connectionClosed() {
        connectionOpen.store(false, ordering: .releasing)
        lifecycle.value.connectionClosed()
    }

    private func end(with status: Status, trailers: Metadata) {
        switch lifecycle.value.end() {
        case .trailersOnly:
            connection.value.sendHeaders(ResponseHead.trailersOnly(status: status, metadata: trailers), stream: stream, endStream: true)
        case .trailers:
            connection.value.endStream(stream, trailers: ResponseHead.trailers(status: status, metadata: trailers))
        case .none:
            break
        }
    }

    /// Runs `body` on the event loop: now when already there, else after everything this call
    /// queued before; not at all once the connection has closed (the loop may have stopped).
    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop {
            body()
        } else if connectionOpen.load(ordering: .acquiring) {
            eventLoop.execute(body)
        }
    }
}
