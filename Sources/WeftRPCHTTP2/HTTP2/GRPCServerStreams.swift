import NIOCore
import WeftHTTP2
import WeftRPC

/// The gRPC side of one server connection: each HTTP/2 stream becomes a call run by the
/// dispatcher in its own task. Lives on the connection's event loop.
final class GRPCServerStreams: HTTP2StreamDelegate {
    private let connection: NIOLoopBound<HTTP2Connection>
    private let eventLoop: any EventLoop
    private let dispatcher: CallDispatcher
    private let maximumMessageSize: Int
    /// The client's identity from its certificate, once the TLS handshake is done.
    private let peerIdentity: () -> String?
    /// Where handler tasks run: this connection's event loop, or (nil) the global executor.
    private let handlerExecutor: EventLoopTaskExecutor?
    private var calls: [Int32: ServerCall] = [:]
    /// The calls' deadlines, served by one timer: a call still running at its deadline has its
    /// handler's task cancelled.
    private lazy var deadlines = CallDeadlineTimer(eventLoop: eventLoop) { [weak self] streams in
        for stream in streams {
            if let task = self?.calls[stream]?.task { task.cancel() }
        }
    }
    /// Makes the delegate for requests that are not gRPC (`GRPCServer.Configuration.otherRequests`).
    private let makeOtherRequests: (() -> any HTTP2StreamDelegate)?
    /// That delegate, once a request needed it, and the streams it answers.
    private var otherRequests: (any HTTP2StreamDelegate)?
    private var otherStreams: Set<Int32> = []

    /// One call's receiving side.
    struct ServerCall {
        var deframer: MessageDeframer
        var window: ReceiveWindow
        let requests: AsyncQueue<ReceivedMessage>
        let responder: HTTP2ServerResponder
        let task: Task<Void, Never>

        /// The call is over for the transport: no more messages.
        func end() {
            requests.finish()
        }
    }

    init(
        connection: HTTP2Connection, dispatcher: CallDispatcher, maximumMessageSize: Int,
        handlersOnEventLoop: EventLoopTaskExecutor.Shutdown?, peerIdentity: @escaping () -> String?,
        otherRequests: (() -> any HTTP2StreamDelegate)? = nil
    ) {
        self.peerIdentity = peerIdentity
        self.makeOtherRequests = otherRequests
        self.handlerExecutor = handlersOnEventLoop.map { EventLoopTaskExecutor(connection.eventLoop, shutdown: $0) }
        self.connection = NIOLoopBound(connection, eventLoop: connection.eventLoop)
        self.eventLoop = connection.eventLoop
        self.dispatcher = dispatcher
        self.maximumMessageSize = maximumMessageSize
    }

    func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection) {
        if let other = otherDelegate(for: id, headers) {
            return other.stream(id, didReceiveHeaders: headers, endStream: endStream, on: connection)
        }
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
        let requests = AsyncQueue<ReceivedMessage>()
        if endStream { requests.finish() }
        let responder = HTTP2ServerResponder(connection: self.connection, eventLoop: eventLoop, stream: id)
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let eventLoop = self.eventLoop
        let source = QueueSource(queue: requests) { wireBytes in
            eventLoop.execute { bound.value.handlerRead(wireBytes, stream: id) }
        }
        let peer = peerIdentity()
        // The deadline is the connection's timer on this loop (`deadlines`). The instant is
        // taken before the timer is armed, so when the timer fires it has passed.
        let deadline = head.timeout.map { ContinuousClock.now + $0 }
        let task = Task(executorPreference: handlerExecutor) { [dispatcher] in
            await dispatcher.serve(head: head, peerIdentity: peer, requests: source, responder: responder, cancelledAt: deadline)
        }
        calls[id] = ServerCall(
            deframer: MessageDeframer(maximumMessageSize: maximumMessageSize, encoding: head.encoding),
            window: ReceiveWindow(limit: Int(connection.initialWindowSize)),
            requests: requests, responder: responder, task: task)
        if let timeout = head.timeout {
            deadlines.watch(id, until: .now() + .nanoseconds(timeout.nanosecondsRoundedUp), runningCalls: calls.count) { calls[$0] != nil }
        }
    }

    func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection) {
        if !otherStreams.isEmpty, otherStreams.contains(id), let otherRequests {
            return otherRequests.stream(id, didReceiveData: data, endStream: endStream, on: connection)
        }
        // The call's state is changed in place (`calls.values[index]`): a copy taken out and put
        // back would copy its deframer's buffered bytes on every frame of a split message.
        // Nothing below changes `calls` before the last use of `index` (a push resumes the
        // handler's task elsewhere).
        guard let index = calls.index(forKey: id) else {
            connection.consume(data.readableBytes, stream: id)  // a stream already answered
            return
        }
        calls.values[index].deframer.append(data)
        let requests = calls.values[index].requests
        do {
            var completed = 0
            while true {
                let before = calls.values[index].deframer.bufferedByteCount
                guard let message = try calls.values[index].deframer.next() else { break }
                let wireBytes = before - calls.values[index].deframer.bufferedByteCount
                completed += wireBytes
                requests.push(ReceivedMessage(bytes: message, wireBytes: wireBytes))
            }
            connection.consume(calls.values[index].window.received(data.readableBytes, completedMessageBytes: completed), stream: id)
        } catch {
            // An oversize or malformed message fails this call only; the connection lives on.
            // The status goes out first, so the cancelled handler's own ending is dropped.
            let call = calls.remove(at: index).value
            call.responder.failFromTransport(error as? Status ?? Status(.internal, "\(error)"))
            call.task.cancel()
            call.end()
            connection.consume(call.window.unacknowledged + data.readableBytes, stream: id)
            return
        }
        if endStream { requests.finish() }
    }

    func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection) {
        otherRequests?.connectionDidClose(error: error, on: connection)
        otherStreams = []
        deadlines.stop()
        // Nobody is left to answer: stop every handler still running.
        for call in calls.values {
            call.responder.connectionClosed()
            call.end()
            call.task.cancel()
        }
        calls = [:]
    }

    /// The delegate answering stream `id`: the other requests' one for a stream it took, or a
    /// new request that is not gRPC when there is one; nil for gRPC.
    private func otherDelegate(for id: Int32, _ headers: HeaderFields) -> (any HTTP2StreamDelegate)? {
        // A server without other requests (the usual case) pays no lookup per header block.
        guard let makeOtherRequests else { return nil }
        if otherStreams.contains(id) { return otherRequests }
        guard calls[id] == nil else { return nil }
        let contentType = headers.first { $0.name == "content-type" }?.value
        if let contentType, RequestHead.isGRPCContentType(contentType) { return nil }
        otherStreams.insert(id)
        if let otherRequests { return otherRequests }
        let made = makeOtherRequests()
        otherRequests = made
        return made
    }

    /// The handler took a message: acknowledge what the window now allows.
    func handlerRead(_ wireBytes: Int, stream id: Int32) {
        guard let index = calls.index(forKey: id) else { return }
        let acknowledge = calls.values[index].window.read(wireBytes)
        connection.value.consume(acknowledge, stream: id)
    }

    func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection) {
        if !otherStreams.isEmpty, otherStreams.remove(id) != nil {
            otherRequests?.streamDidClose(id, errorCode: errorCode, on: connection)
            return
        }
        guard let call = calls.removeValue(forKey: id) else { return }
        // Bytes never acknowledged still hold the connection's window.
        connection.consume(call.window.unacknowledged, stream: id)
        call.end()
        // Closed by RST_STREAM (the client cancelled, or the connection went away).
        if errorCode != 0 { call.task.cancel() }
    }
}

/// A received message and the bytes it took on the wire (what flow control counts).
struct ReceivedMessage: Sendable {
    let bytes: [UInt8]
    let wireBytes: Int
}

/// Request messages of one call, as the handler pulls them; each pull is reported so the
/// connection can open the client's window again.
struct QueueSource: MessageSource {
    let queue: AsyncQueue<ReceivedMessage>
    let didRead: @Sendable (Int) -> Void

    func next() async throws -> [UInt8]? {
        guard let message = await queue.pop() else {
            try Task.checkCancellation()
            return nil
        }
        didRead(message.wireBytes)
        return message.bytes
    }
}
