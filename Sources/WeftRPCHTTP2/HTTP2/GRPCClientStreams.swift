import NIOCore
import WeftHTTP2
import WeftRPC

/// The gRPC side of one client connection: each call's stream feeds its `ResponseReader`.
/// Lives on the connection's event loop.
final class GRPCClientStreams: HTTP2StreamDelegate {
    let connection: HTTP2Connection
    private let maximumMessageSize: Int
    /// Set when the connection has closed: new calls fail at once with this status.
    private(set) var closedStatus: Status?
    /// Without the runtime's exclusivity check (several per frame), as `HTTP2Connection`'s
    /// per-frame state: it is touched on the event loop only, and no access spans a call out
    /// of this type (a reader's `push`, a completion, the connection) that could reach it again;
    /// those run after the access, on what was read or removed. Keep it so.
    @exclusivity(unchecked) private var calls: [Int32: CallState] = [:]
    /// The unary calls' deadlines, served by one timer.
    private lazy var deadlines = CallDeadlineTimer(eventLoop: connection.eventLoop) { [weak self] streams in
        for stream in streams {
            self?.abandon(stream, Status.transport(.deadlineExceeded, "the deadline passed before the server answered"))
        }
    }
    /// Completed when the server first speaks HTTP/2 (its SETTINGS), failed when the connection
    /// closes before that (a refused TLS handshake, say): what `GRPCConnection.connect` waits for.
    let ready: EventLoopPromise<Void>

    struct CallState {
        let receiver: Receiver
        var deframer: MessageDeframer
        var window: ReceiveWindow
        var lifecycle = ClientCallLifecycle()
    }

    /// Who takes a call's responses: the reader of a streaming call, or the collector of a
    /// unary one, which hands the whole answer on once.
    enum Receiver {
        case reader(ResponseReader)
        case unary(UnaryCollector)
    }

    /// A unary call's answer as it arrives; lives on the event loop.
    final class UnaryCollector {
        let completion: (Result<RawUnaryResponse, any Error>) -> Void
        var initialMetadata = Metadata()
        var message: [UInt8]?

        init(completion: @escaping (Result<RawUnaryResponse, any Error>) -> Void) {
            self.completion = completion
        }
    }

    init(connection: HTTP2Connection, maximumMessageSize: Int) {
        self.connection = connection
        self.maximumMessageSize = maximumMessageSize
        self.ready = connection.eventLoop.makePromise()
    }

    /// Calls whose stream is still open (streaming ones included).
    var openCallCount: Int { calls.count }
    /// Runs once no call is left (see `whenIdle`).
    private var onIdle: (() -> Void)?

    /// Runs `body` as soon as no call is running: now, or when the last one ends.
    func whenIdle(_ body: @escaping () -> Void) {
        if calls.isEmpty { body() } else { onIdle = body }
    }

    private func checkIdle() {
        guard calls.isEmpty, let body = onIdle else { return }
        onIdle = nil
        body()
    }

    func connectionDidReceiveSettings(on connection: HTTP2Connection) {
        ready.succeed()  // the first SETTINGS counts; later ones change nothing here
    }

    /// Opens a stream for a call; its id, or a non-positive number when none could be opened.
    func open(headers: HeaderFields, reader: ResponseReader) -> Int32 {
        guard closedStatus == nil else { return -1 }
        let stream = connection.sendRequest(headers)
        if stream > 0 { calls[stream] = newCall(.reader(reader)) }
        return stream
    }

    /// Opens a stream, sends its only message and half-closes, all at once; `completion` gets
    /// the answer (or the status it failed with), once, on the event loop. `handle` learns the
    /// stream id, for `cancelUnary`.
    func openUnary(
        headers: HeaderFields, message: ByteBuffer, timeout: Duration?, handle: UnaryCallHandle?,
        completion: @escaping (Result<RawUnaryResponse, any Error>) -> Void
    ) {
        if let closedStatus { return completion(.failure(Status.notSent(closedStatus.message))) }
        let stream = connection.sendRequest(headers, body: message)
        guard stream > 0 else { return completion(.failure(Status.notSent("the connection refused a new stream"))) }
        handle?.stream.value = stream
        let collector = UnaryCollector(completion: completion)
        calls[stream] = newCall(.unary(collector))
        if let timeout {
            deadlines.watch(stream, until: .now() + .nanoseconds(timeout.nanosecondsRoundedUp), runningCalls: calls.count) { calls[$0] != nil }
        }
    }

    /// Cancels the unary call `handle` started, if it is still running.
    func cancelUnary(_ handle: UnaryCallHandle) {
        let stream = handle.stream.value
        if stream > 0 { abandon(stream, Status.transport(.cancelled, "the call was cancelled")) }
    }

    private func newCall(_ receiver: Receiver) -> CallState {
        CallState(
            receiver: receiver, deframer: MessageDeframer(maximumMessageSize: maximumMessageSize),
            window: ReceiveWindow(limit: Int(connection.initialWindowSize)))
    }

    /// Ends a running call with `status` and resets its stream.
    private func abandon(_ stream: Int32, _ status: Status) {
        guard calls[stream] != nil else { return }
        end(stream, status, metadata: Metadata())
        connection.reset(stream, errorCode: 8)  // CANCEL
    }

    func cancel(_ stream: Int32) {
        guard calls.removeValue(forKey: stream) != nil else { return }
        connection.reset(stream, errorCode: 8)  // CANCEL
        checkIdle()
    }

    func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection) {
        // Changed in place, as in `didReceiveData`: `index` is not used once `end` has run.
        guard let index = calls.index(forKey: id) else { return }
        let action = calls.values[index].lifecycle.headersReceived(
            httpStatus: headers.first { $0.name == ":status" }.flatMap { Int($0.value) },
            carriesStatus: headers.contains { $0.name == "grpc-status" }, endStream: endStream)
        switch action {
        case .ignore:
            return
        case .endWithStatus:
            end(id, ResponseHead.status(fromTrailers: headers), metadata: (try? Metadata(headerFields: headers)) ?? Metadata())
            return
        case .endNotGRPC(let httpStatus):
            end(id, Status(httpStatus: httpStatus), metadata: Metadata())
            connection.reset(id, errorCode: 8)
            return
        case .deliverInitialMetadata:
            break
        }
        let encoding = headers.first { $0.name == "grpc-encoding" }.flatMap { CompressionAlgorithm(named: $0.value) }
        calls.values[index].deframer = MessageDeframer(maximumMessageSize: maximumMessageSize, encoding: encoding)
        let receiver = calls.values[index].receiver
        do {
            let metadata = try Metadata(headerFields: headers)
            switch receiver {
            case .reader(let reader): reader.events.push(.headers(metadata))
            case .unary(let collector): collector.initialMetadata = metadata
            }
        } catch {
            fail(id, error)
        }
    }

    func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection) {
        // The call's state is changed in place (`calls.values[index]`): a copy taken out and put
        // back would copy its deframer's buffered bytes on every frame of a split message.
        // Nothing below changes `calls` before the last use of `index` (a reader's `push`
        // resumes its task elsewhere; `fail` comes last).
        guard let index = calls.index(forKey: id) else {
            connection.consume(data.readableBytes, stream: id)  // a call already over
            return
        }
        calls.values[index].deframer.append(data)
        let receiver = calls.values[index].receiver
        do {
            var completed = 0
            while true {
                let before = calls.values[index].deframer.bufferedByteCount
                guard let message = try calls.values[index].deframer.next() else { break }
                let wireBytes = before - calls.values[index].deframer.bufferedByteCount
                switch receiver {
                case .reader(let reader):
                    completed += wireBytes
                    reader.events.push(.message(message, wireBytes: wireBytes))
                case .unary(let collector):
                    // Taken at once: nothing waits for a reader.
                    guard collector.message == nil else {
                        throw Status.secondResponse
                    }
                    collector.message = message
                }
            }
            connection.consume(calls.values[index].window.received(data.readableBytes, completedMessageBytes: completed), stream: id)
        } catch {
            connection.consume(data.readableBytes, stream: id)  // `fail` releases the earlier bytes
            fail(id, error)
        }
    }

    /// The caller took a message: acknowledge what the window now allows.
    func readerTook(_ wireBytes: Int, stream id: Int32) {
        guard let index = calls.index(forKey: id) else { return }
        let acknowledge = calls.values[index].window.read(wireBytes)
        connection.consume(acknowledge, stream: id)
    }

    func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection) {
        let status = Status.transport(.unavailable, error.map { "the connection failed: \($0)" } ?? "the connection closed")
        closedStatus = status
        ready.fail(status)
        deadlines.stop()
        for id in Array(calls.keys) { end(id, status, metadata: Metadata()) }
    }

    func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection) {
        guard calls[id] != nil else { return }
        // The stream closed without trailers: reset by the server, or the connection went away.
        let status = switch errorCode {
        case 8: Status.transport(.cancelled, "the server cancelled the stream")
        // REFUSED_STREAM: the server did not process it (e.g. above its GOAWAY's last stream).
        case 7: Status.notSent("the server refused the stream")
        default: Status.transport(.unavailable, "the stream closed without a status (HTTP/2 error \(errorCode))")
        }
        end(id, status, metadata: Metadata())
    }

    private func end(_ id: Int32, _ status: Status, metadata: Metadata) {
        guard let call = calls.removeValue(forKey: id) else { return }
        defer { checkIdle() }
        // Bytes never acknowledged still hold the connection's window.
        connection.consume(call.window.unacknowledged, stream: id)
        switch call.receiver {
        case .reader(let reader):
            reader.events.push(.end(status, metadata))
            reader.events.finish()
        case .unary(let collector):
            guard status.isOK else { return collector.completion(.failure(status)) }
            guard let message = collector.message else {
                return collector.completion(.failure(Status.okWithoutResponse))
            }
            collector.completion(.success(
                RawUnaryResponse(message: message, initialMetadata: collector.initialMetadata, trailingMetadata: metadata)))
        }
    }

    /// A malformed response: the call fails with the status and its stream is reset.
    private func fail(_ id: Int32, _ error: any Error) {
        end(id, (error as? Status ?? Status(.internal, "\(error)")).from(.transport), metadata: Metadata())
        connection.reset(id, errorCode: 8)
    }
}

/// Where a unary call's stream id is kept once the event loop has opened it, so a cancellation
/// (which hops onto the same loop) can find it. Written and read on the loop only.
struct UnaryCallHandle: Sendable {
    let stream: NIOLoopBoundBox<Int32>

    init(eventLoop: any EventLoop) {
        stream = NIOLoopBoundBox.makeBoxSendingValue(0, eventLoop: eventLoop)
    }
}
