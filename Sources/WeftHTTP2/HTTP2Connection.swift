import NIOCore

/// One HTTP/2 connection, server or client, over an nghttp2 session: it parses what the peer
/// sends and reports streams to its `HTTP2StreamDelegate`, and turns `send…` calls into frames.
///
/// Confined to the channel's event loop: call every method there (the delegate is called there).
/// From another thread or a Task, use `stream(_:)`'s `HTTP2StreamHandle`, which hops onto the
/// loop. Flow control is the backpressure both ways: received DATA opens the peer's window only
/// as the delegate calls `consume(_:stream:)`, and a write's `sent` promise completes only once
/// its bytes went out, which waits for the peer's window.
public final class HTTP2Connection {
    /// Which side of the connection this is.
    public enum Role: Sendable { case server, client }

    /// Which side of the connection this is.
    public let role: Role
    /// The event loop every method must be called on.
    public let eventLoop: any EventLoop
    let configuration: HTTP2Configuration

    /// The stream receive window this side advertises (SETTINGS_INITIAL_WINDOW_SIZE): what a
    /// peer may send on a stream before `consume` opens it again.
    public var initialWindowSize: UInt32 { configuration.initialWindowSize }
    let session: NGHTTP2Session
    /// Gets the streams; owned by the channel handler.
    weak var delegate: (any HTTP2StreamDelegate)?
    /// Where frames go; the channel handler.
    weak var output: (any HTTP2ConnectionOutput)?

    // The state changed per frame or per header field is marked `@exclusivity(unchecked)`:
    // the runtime's check of each access was about 3% of a gateway's CPU. What the check would
    // catch cannot happen to these properties: they are touched only on the connection's event
    // loop (one thread), and no access to one spans a call out of this type (a delegate, a
    // promise, nghttp2) that could reach the same property again; an access holds only value
    // operations on it (`append`, `writeBuffer`, a dictionary's subscript, `OutboundBody`'s
    // methods, whose closures touch `pending` alone). Keep it so when changing their accesses.

    /// The header block being received. HTTP/2 sends a block's frames back to back (RFC 9113
    /// §4.3), so there is at most one; kept apart from any table, not looked up per field.
    @exclusivity(unchecked) var incomingHeaderBlock: (stream: Int32, block: IncomingHeaderBlock)?
    /// The fields array of the last block delivered, for the next one (see `newHeaderBlock`).
    @exclusivity(unchecked) var spareHeaderFields: HeaderFields = []
    /// The last long value of each field that repeats on a connection, reused while it does.
    @exclusivity(unchecked) var repeatedValues = RepeatedHeaderValues()
    @exclusivity(unchecked) var outgoing: [Int32: OutboundBody] = [:]
    @exclusivity(unchecked) var inbound = InboundWindow()
    var keepalive = KeepaliveState()
    private var keepaliveTimer: Scheduled<Void>?
    var conduct: PeerConduct
    /// Why the peer's conduct ends the connection, once it does (see `PeerConduct`).
    var misconduct: String?
    private var prefaceTimer: Scheduled<Void>?
    var headerBlockTimer: Scheduled<Void>?
    var shutdown = ShutdownState.open
    private var isClosed = false
    /// The channel is already closing (its `close` passed the handler).
    private var isClosing = false

    /// The buffer being parsed: DATA payloads are slices of it rather than copies.
    var receiving: (buffer: ByteBuffer, base: UnsafeRawPointer)?
    /// Inside nghttp2 or writing out: `flush()` only notes the request, the running loop serves it.
    private var isBusy = false
    private var flushRequested = false
    /// A `flush` is queued on the event loop (see `flushSoon`).
    private var flushScheduled = false
    /// Frames produced but not yet written, and the promises completed once they are.
    @exclusivity(unchecked) var pending: ByteBuffer
    @exclusivity(unchecked) var pendingPromises: [EventLoopPromise<Void>] = []
    /// The buffer last handed to the channel, `pending`'s next turn (see `handOverPending`).
    private var written: ByteBuffer

    /// A header block being received.
    struct IncomingHeaderBlock {
        var fields: HeaderFields
        /// The block's size so far (RFC 9113 §6.5.2: each field counts its name, value and 32 bytes).
        var size = 0
        /// The block outgrew its limit: its fields are no longer kept, only counted.
        private(set) var overflowed = false

        /// Adds a field, or only counts it once the block has outgrown `limit` (its fields are
        /// dropped then: however large the block gets, it holds no more than `limit`).
        mutating func append(_ name: String, _ value: String, limit: Int) {
            size += name.utf8.count + value.utf8.count + 32
            guard !overflowed else { return }
            guard size <= limit else {
                overflowed = true
                fields = []
                return
            }
            // Room for a typical gRPC header block at once, not grown field by field.
            if fields.isEmpty { fields.reserveCapacity(12) }
            fields.append((name, value))
        }
    }

    /// Where a graceful shutdown stands.
    enum ShutdownState {
        case open
        /// Server: GOAWAY(2^31-1) and a PING sent; the final GOAWAY follows the PING's ACK.
        case draining
        /// The final GOAWAY is sent: streams in flight finish, new ones are refused.
        case goingAway
    }

    static let keepalivePingPayload: UInt64 = 0x5745_4654_4b41_4c56  // "WEFTKALV"
    static let shutdownPingPayload: UInt64 = 0x5745_4654_5348_5554  // "WEFTSHUT"

    init(role: Role, configuration: HTTP2Configuration, eventLoop: any EventLoop) throws {
        self.role = role
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.conduct = PeerConduct(limits: configuration.peerLimits)
        self.session = try NGHTTP2Session(role: role, configuration: configuration)
        self.pending = ByteBufferAllocator().buffer(capacity: 1024)
        self.written = ByteBuffer()  // no memory until its first turn
        session.delegate = Unmanaged.passUnretained(self)
    }

    // MARK: Streams

    /// What `read` finds in the body at `index` in `outgoing`, read in place: `Dictionary.Values`'s
    /// getter would copy the whole body (its buffers and promises retained, then released).
    func body<Value>(at index: Dictionary<Int32, OutboundBody>.Index, _ read: (inout OutboundBody) -> Value) -> Value {
        read(&outgoing.values[index])
    }

    /// A handle on `stream` for sending from any thread or Task.
    public func stream(_ id: Int32) -> HTTP2StreamHandle {
        HTTP2StreamHandle(id: id, connection: NIOLoopBound(self, eventLoop: eventLoop))
    }

    /// Whether a new stream may be opened (client): false once GOAWAY was sent or received, or
    /// the connection closed.
    public var canOpenStreams: Bool { !isClosed && role == .client && session.allowsNewRequests }

    /// Opens a client stream with request `headers`; a body follows through `sendData` and
    /// `endStream` unless `endStream`. Returns the stream id, or -1 when no stream may be opened
    /// (GOAWAY sent or received, connection closed): the request was not sent and may be retried
    /// on another connection.
    public func sendRequest(_ headers: HeaderFields, endStream: Bool = false) -> Int32 {
        openRequest(headers, body: endStream ? nil : OutboundBody())
    }

    /// Opens a client stream with request `headers` and its whole `body`, the stream ended after
    /// it: a unary call's request, in one step instead of `sendRequest` and `sendData`. Returns
    /// the stream id, or -1 as `sendRequest` does.
    public func sendRequest(_ headers: HeaderFields, body: ByteBuffer) -> Int32 {
        openRequest(headers, body: Self.wholeBody(body))
    }

    /// Sends the response header block on `stream` (server); a body follows through `sendData`
    /// and `endStream` unless `endStream` (a Trailers-Only gRPC response is one header block
    /// with `endStream`).
    public func sendHeaders(_ headers: HeaderFields, stream: Int32, endStream: Bool) {
        respond(headers, stream: stream, body: endStream ? nil : OutboundBody())
    }

    /// Sends the response header block on `stream` (server) and its whole `body`, the stream
    /// ended after it: in one step instead of `sendHeaders` and `sendData`.
    public func sendResponse(_ headers: HeaderFields, body: ByteBuffer, stream: Int32) {
        respond(headers, stream: stream, body: Self.wholeBody(body))
    }

    /// Submits a request, its stream ended with the header block when `body` is nil; the
    /// stream id, or -1.
    private func openRequest(_ headers: HeaderFields, body: OutboundBody?) -> Int32 {
        eventLoop.assertInEventLoop()  // the unchecked state below is the loop's alone
        guard !isClosed, role == .client, let id = session.submitRequest(headers: headers, endStream: body == nil) else { return -1 }
        // A whole body is complete before nghttp2 first asks for it (when it next writes):
        // nothing to resume.
        if let body { outgoing[id] = body }
        flushSoon()
        return id
    }

    /// Submits a response header block, the stream ended with it when `body` is nil.
    private func respond(_ headers: HeaderFields, stream: Int32, body: OutboundBody?) {
        eventLoop.assertInEventLoop()
        guard !isClosed, role == .server, session.submitResponse(stream: stream, headers: headers, endStream: body == nil) else { return }
        if let body { outgoing[stream] = body }
        flushSoon()
    }

    /// A body that is all there: `body`, then the end of the stream.
    private static func wholeBody(_ body: ByteBuffer) -> OutboundBody {
        var outbound = OutboundBody()
        if body.readableBytes > 0 { outbound.append(body, promise: nil) }
        outbound.finish(.endStream(nil))
        return outbound
    }

    /// Queues body bytes on `stream`, ending the stream after them when `endStream`. They go out
    /// as the peer's flow-control window allows, uncopied but for small frames; `sent` completes when they are
    /// written (fails when the stream or connection closes first, or the stream has no open
    /// body), so a producer that waits for it is paced by its peer.
    public func sendData(_ data: ByteBuffer, stream: Int32, endStream: Bool = false, sent: EventLoopPromise<Void>? = nil) {
        eventLoop.assertInEventLoop()
        // Changed in place, as in `sessionBodyChunk`.
        guard let index = outgoing.index(forKey: stream), body(at: index, { $0.acceptsWrites }) else {
            sent?.fail(HTTP2Error.streamNotWritable(stream: stream))
            return
        }
        if data.readableBytes > 0 { outgoing.values[index].append(data, promise: endStream ? nil : sent) }
        if endStream {
            outgoing.values[index].finish(.endStream(sent))
        } else if data.readableBytes == 0 {
            sent?.succeed()
        }
        session.resumeBody(stream: stream)
        flushSoon()
    }

    /// Ends `stream`'s body after the bytes queued, with `trailers` when given (END_STREAM on
    /// the last DATA frame otherwise). `sent` completes when the end is written.
    public func endStream(_ stream: Int32, trailers: HeaderFields?, sent: EventLoopPromise<Void>? = nil) {
        eventLoop.assertInEventLoop()
        guard let index = outgoing.index(forKey: stream), body(at: index, { $0.acceptsWrites }) else {
            sent?.fail(HTTP2Error.streamNotWritable(stream: stream))
            return
        }
        outgoing.values[index].finish(trailers.map { .trailers($0, sent) } ?? .endStream(sent))
        session.resumeBody(stream: stream)
        flushSoon()
    }

    /// Resets `stream` with RST_STREAM `errorCode` (e.g. `HTTP2ErrorCode.cancel`); writes still
    /// queued on it fail.
    public func reset(_ stream: Int32, errorCode: UInt32) {
        guard !isClosed else { return }
        session.submitReset(stream: stream, errorCode: errorCode)
        flushSoon()
    }

    /// Tells the peer it may send `byteCount` more bytes on `stream`: the delegate is done with
    /// that much of the DATA it received. Calls beyond what arrived, or for closed streams, are
    /// ignored (a closing stream's unconsumed bytes go back to the connection window by
    /// themselves).
    public func consume(_ byteCount: Int, stream: Int32) {
        eventLoop.assertInEventLoop()
        let count = inbound.consume(byteCount, stream: stream)
        guard count > 0, !isClosed else { return }
        session.consume(stream: stream, byteCount: count)
        flushSoon()
    }

    /// Starts a graceful shutdown. A server sends GOAWAY(2^31-1) and a PING, and after its ACK
    /// the final GOAWAY naming the last stream it took; a client sends GOAWAY at once. Streams in
    /// flight finish, new ones are refused (REFUSED_STREAM), and the connection closes when the
    /// last stream is done.
    public func shutDownGracefully() {
        guard case .open = shutdown, !isClosed else { return }
        switch role {
        case .server:
            session.submitShutdownNotice()
            session.submitPing(payload: Self.shutdownPingPayload)
            shutdown = .draining
        case .client:
            session.submitGoAway(errorCode: HTTP2ErrorCode.noError)
            shutdown = .goingAway
        }
        flush()
    }

    // MARK: Driven by the channel handler

    /// The channel is active: sends the preface and SETTINGS, starts the keepalive timer and,
    /// for a server, the wait for the client's preface.
    func start() {
        scheduleKeepaliveTick()
        if role == .server, prefaceTimer == nil {
            prefaceTimer = eventLoop.assumeIsolated().scheduleTask(in: configuration.peerLimits.prefaceTimeout) { [weak self] in
                guard let self, case .calmDown(let reason) = conduct.prefaceTimeoutElapsed() else { return }
                calmDown(reason)
            }
        }
        flush()
    }

    /// Ends the connection for the peer's conduct: GOAWAY `ENHANCE_YOUR_CALM`, then close.
    func calmDown(_ reason: String) {
        guard !isClosed else { return }
        misconduct = misconduct ?? reason
        session.terminate(errorCode: HTTP2ErrorCode.enhanceYourCalm)
        flush()
        output?.closeConnection(error: HTTP2Error.peerMisbehaved(reason))
    }

    /// Parses bytes from the peer; a connection error sends GOAWAY and closes the connection
    /// (`ENHANCE_YOUR_CALM` for a flood, `PROTOCOL_ERROR` otherwise).
    func receive(_ buffer: ByteBuffer) {
        guard !isClosed, buffer.readableBytes > 0 else { return }
        isBusy = true
        let result = buffer.withUnsafeReadableBytes { bytes in
            receiving = (buffer, bytes.baseAddress!)
            defer { receiving = nil }
            return Result { try session.receive(bytes) }
        }
        isBusy = false
        if case .failure(let error) = result {
            if let misconduct { return calmDown(misconduct) }
            if case HTTP2Error.peerMisbehaved(let reason) = error { return calmDown(reason) }
            session.terminate(errorCode: HTTP2ErrorCode.protocolError)
            flush()
            output?.closeConnection(error: error)
            return
        }
        flush()
    }

    /// Flushes once the event loop has run what is queued on it now: the header, data and
    /// trailer frames of a response, and the responses of every call answered in the same turn,
    /// leave in one write instead of a write each.
    private func flushSoon() {
        guard !flushScheduled, !isClosed else { return }
        flushScheduled = true
        eventLoop.assumeIsolated().execute { [self] in
            flushScheduled = false
            flush()
        }
    }

    /// Writes the frames nghttp2 has ready, while the channel is writable (the handler calls again
    /// when it becomes writable), and closes the connection once the session is finished.
    func flush() {
        flushRequested = true
        guard !isBusy, !isClosed else { return }
        isBusy = true
        while flushRequested, let output, output.isWritable {
            flushRequested = false
            do {
                while let bytes = try session.nextOutput() { pending.writeBytes(bytes) }
            } catch {
                isBusy = false
                output.closeConnection(error: error)
                return
            }
            writePending(to: output)
            output.flush()  // may complete promises whose callbacks send more: flushRequested
        }
        isBusy = false
        if session.isFinished, !isClosed, !isClosing { output?.closeConnection(error: nil) }
    }

    /// The channel is being closed: a GOAWAY goes out first unless one already did.
    func goAwayBeforeClose() {
        isClosing = true
        guard case .open = shutdown, !isClosed else { return }
        session.submitGoAway(errorCode: HTTP2ErrorCode.noError)
        shutdown = .goingAway
        flush()
    }

    /// The channel closed: everything still waiting fails and the delegate hears it.
    func closed(error: (any Error)?) {
        guard !isClosed else { return }
        isClosed = true
        keepaliveTimer?.cancel()
        keepaliveTimer = nil
        prefaceTimer?.cancel()
        headerBlockTimer?.cancel()
        let failure = HTTP2Error.connectionClosed
        // Taken out before any promise fails: its callbacks may send on the connection.
        let bodies = outgoing.values
        outgoing = [:]
        let promises = pendingPromises
        pendingPromises = []
        for var body in bodies { body.abandon().forEach { $0.fail(failure) } }
        promises.forEach { $0.fail(failure) }
        delegate?.connectionDidClose(error: error, on: self)
    }

    /// Writes the frames produced since the last write; the promises waiting on this flush
    /// complete when that write does (writes complete in order, so everything before it is out).
    private func writePending(to output: any HTTP2ConnectionOutput) {
        guard pending.readableBytes > 0 || !pendingPromises.isEmpty else { return }
        let promise = pendingPromises.isEmpty ? nil : eventLoop.makePromise(of: Void.self)
        for waiting in pendingPromises { promise?.futureResult.cascade(to: waiting) }
        pendingPromises = []
        handOverPending(to: output, promise: promise)
    }

    /// Writes `pending` and starts it afresh. The buffers take turns: the one written before is
    /// usually out by now and held here alone again, so clearing it keeps its memory, where
    /// clearing the one just handed over (still queued in the channel) would allocate a new
    /// buffer of its size every time.
    func handOverPending(to output: any HTTP2ConnectionOutput, promise: EventLoopPromise<Void>?) {
        output.write(pending, promise: promise)
        swap(&pending, &written)
        pending.clear()
    }

    // MARK: Keepalive

    private func scheduleKeepaliveTick() {
        guard let keepaliveConfiguration = configuration.keepalive, !isClosed else { return }
        keepaliveTimer = eventLoop.assumeIsolated().scheduleTask(in: keepaliveConfiguration.interval) { [weak self] in
            guard let self else { return }
            if keepalive.intervalElapsed() == .sendPing {
                session.submitPing(payload: Self.keepalivePingPayload)
                flush()
                eventLoop.assumeIsolated().scheduleTask(in: keepaliveConfiguration.timeout) { [weak self] in
                    guard let self, !isClosed, keepalive.timeoutElapsed() == .closeConnection else { return }
                    output?.closeConnection(error: HTTP2Error.keepaliveTimeout)
                }
            }
            scheduleKeepaliveTick()
        }
    }
}

/// Where an `HTTP2Connection` sends its bytes: the channel handler.
protocol HTTP2ConnectionOutput: AnyObject {
    /// Whether the channel accepts writes without queueing them up (else the connection waits).
    var isWritable: Bool { get }
    func write(_ bytes: ByteBuffer, promise: EventLoopPromise<Void>?)
    func flush()
    /// Closes the connection; `error` says why, nil for a normal end.
    func closeConnection(error: (any Error)?)
}
