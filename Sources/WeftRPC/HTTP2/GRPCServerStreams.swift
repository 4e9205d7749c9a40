import NIOCore
import WeftHTTP2

/// The gRPC side of one server connection: each HTTP/2 stream becomes a call run by the
/// dispatcher in its own task. Lives on the connection's event loop.
final class GRPCServerStreams: HTTP2StreamDelegate {
    private let connection: NIOLoopBound<HTTP2Connection>
    private let eventLoop: any EventLoop
    private let dispatcher: CallDispatcher
    private let maximumMessageSize: Int
    /// The client's identity from its certificate, once the TLS handshake is done.
    private let peerIdentity: () -> String?
    private var calls: [Int32: ServerCall] = [:]

    /// One call's receiving side.
    struct ServerCall {
        var deframer: MessageDeframer
        let requests: AsyncQueue<[UInt8]>
        let responder: HTTP2ServerResponder
        let task: Task<Void, Never>
    }

    init(connection: HTTP2Connection, dispatcher: CallDispatcher, maximumMessageSize: Int, peerIdentity: @escaping () -> String?) {
        self.peerIdentity = peerIdentity
        self.connection = NIOLoopBound(connection, eventLoop: connection.eventLoop)
        self.eventLoop = connection.eventLoop
        self.dispatcher = dispatcher
        self.maximumMessageSize = maximumMessageSize
    }

    func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection) {
        guard calls[id] == nil else {
            // Trailers from the client end its messages.
            if endStream { calls[id]?.requests.finish() }
            return
        }
        let head: RequestHead
        do {
            head = try RequestHead(headerFields: headers)
        } catch {
            let status = error as? Status ?? Status(.internal, "\(error)")
            connection.sendHeaders(ResponseHead.trailersOnly(status: status), stream: id, endStream: true)
            return
        }
        let requests = AsyncQueue<[UInt8]>()
        if endStream { requests.finish() }
        let responder = HTTP2ServerResponder(connection: self.connection, eventLoop: eventLoop, stream: id)
        let source = QueueSource(queue: requests)
        let peer = peerIdentity()
        let task = Task { [dispatcher] in
            await dispatcher.serve(head: head, peerIdentity: peer, requests: source, responder: responder)
        }
        calls[id] = ServerCall(
            deframer: MessageDeframer(maximumMessageSize: maximumMessageSize, encoding: head.encoding),
            requests: requests, responder: responder, task: task)
    }

    func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection) {
        guard var call = calls[id] else { return }
        call.deframer.append(data)
        do {
            while let message = try call.deframer.next() { call.requests.push(message) }
            calls[id] = call
        } catch {
            // An oversize or malformed message fails this call only; the connection lives on.
            // The status goes out first, so the cancelled handler's own ending is dropped.
            call.responder.failFromTransport(error as? Status ?? Status(.internal, "\(error)"))
            call.task.cancel()
            call.requests.finish()
            calls[id] = nil
            return
        }
        if endStream { call.requests.finish() }
    }

    func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection) {
        // Nobody is left to answer: stop every handler still running.
        for call in calls.values {
            call.requests.finish()
            call.task.cancel()
        }
        calls = [:]
    }

    func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection) {
        guard let call = calls.removeValue(forKey: id) else { return }
        call.requests.finish()
        // Closed by RST_STREAM (the client cancelled, or the connection went away).
        if errorCode != 0 { call.task.cancel() }
    }
}

/// Request messages of one call, as the handler pulls them.
struct QueueSource: MessageSource {
    let queue: AsyncQueue<[UInt8]>

    func next() async throws -> [UInt8]? {
        guard let message = await queue.pop() else {
            try Task.checkCancellation()
            return nil
        }
        return message
    }
}
