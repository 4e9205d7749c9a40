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

    init(connection: NIOLoopBound<HTTP2Connection>, eventLoop: any EventLoop, stream: Int32) {
        self.connection = connection
        self.eventLoop = eventLoop
        self.stream = stream
    }

    func sendHeaders(_ metadata: Metadata) async throws {
        headersSent.store(true, ordering: .relaxed)
        try await onLoop { connection, stream in
            connection.sendHeaders(ResponseHead.initialHeaders(metadata: metadata), stream: stream, endStream: false)
        }
    }

    /// Returns once nghttp2 has taken the bytes, which the client's window paces: a handler that
    /// writes faster than the client reads waits here.
    func send(_ message: [UInt8]) async throws {
        guard !ended.load(ordering: .relaxed) else { return }
        let framed = try MessageFraming.frame(message, allocator: ByteBufferAllocator())
        let (connection, stream) = (self.connection, self.stream)
        do {
            try await eventLoop.flatSubmit {
                let sent = connection.value.eventLoop.makePromise(of: Void.self)
                connection.value.sendData(framed, stream: stream, sent: sent)
                return sent.futureResult
            }.get()
        } catch {
            throw Status(.cancelled, "the stream closed before the response was sent")
        }
    }

    func finish(status: Status, trailers: Metadata, trailersOnly: Bool) async {
        guard !ended.exchange(true, ordering: .relaxed) else { return }
        try? await onLoop(evenIfEnded: true) { connection, stream in
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

    private func onLoop(evenIfEnded: Bool = false, _ body: @escaping @Sendable (HTTP2Connection, Int32) -> Void) async throws {
        guard evenIfEnded || !ended.load(ordering: .relaxed) else { return }
        let connection = self.connection
        let stream = self.stream
        try await eventLoop.submit { body(connection.value, stream) }.get()
    }
}
