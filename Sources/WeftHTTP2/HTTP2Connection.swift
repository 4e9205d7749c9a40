import CNGHTTP2
import NIOCore

/// One HTTP/2 connection's nghttp2 session: it parses what the peer sends, reports streams to
/// its delegate and turns `send…` calls into frames. Confined to the channel's event loop (every
/// method must be called there; `HTTP2StreamWriter` hops there from other tasks). Nothing above
/// this type sees nghttp2's pointers.
public final class HTTP2Connection {
    /// The stream window this side advertises (SETTINGS_INITIAL_WINDOW_SIZE).
    public let initialWindowSize: UInt32

    /// Which side of the connection this is.
    public enum Role: Sendable { case server, client }

    let session: OpaquePointer
    /// The event loop every method must be called on.
    public let eventLoop: any EventLoop
    weak var delegate: (any HTTP2StreamDelegate)?
    /// Where frames go; set by the channel handler.
    var output: ((ByteBuffer) -> Void)?
    private let allocator = ByteBufferAllocator()
    /// Headers being received, per stream, until END_HEADERS.
    var incomingHeaders: [Int32: HeaderFields] = [:]
    /// Body bytes queued per stream, and whether the stream then ends (with trailers or not).
    var outgoing: [Int32: OutgoingBody] = [:]

    struct OutgoingBody {
        /// Queued bytes, each with the promise completed once nghttp2 has taken all of it (which
        /// the peer's flow-control window paces).
        var chunks: [(bytes: ByteBuffer, sent: EventLoopPromise<Void>?)] = []
        var end: End?

        enum End {
            case endStream
            case trailers(HeaderFields)
        }
    }

    /// A session for `role` with `configuration`'s settings.
    public init(role: Role, configuration: HTTP2Configuration, eventLoop: any EventLoop) throws {
        self.eventLoop = eventLoop
        self.initialWindowSize = configuration.initialWindowSize
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else { throw HTTP2Error.outOfMemory }
        defer { nghttp2_session_callbacks_del(callbacks) }
        NGHTTP2Callbacks.install(on: callbacks)
        // Received DATA is acknowledged (WINDOW_UPDATE) only when the layer above says it has
        // consumed it: a slow reader then stops its peer, which is the backpressure.
        var options: OpaquePointer?
        guard nghttp2_option_new(&options) == 0, let options else { throw HTTP2Error.outOfMemory }
        defer { nghttp2_option_del(options) }
        nghttp2_option_set_no_auto_window_update(options, 1)
        var session: OpaquePointer?
        let created = role == .server
            ? nghttp2_session_server_new2(&session, callbacks, nil, options)
            : nghttp2_session_client_new2(&session, callbacks, nil, options)
        guard created == 0, let session else { throw HTTP2Error.outOfMemory }
        self.session = session
        // The session calls back with this object; it never outlives the session (freed in deinit).
        nghttp2_session_set_user_data(session, Unmanaged.passUnretained(self).toOpaque())
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: configuration.maximumConcurrentStreams),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: configuration.initialWindowSize),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue), value: configuration.maximumFrameSize),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: configuration.maximumHeaderListSize),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        // A connection-level window as large as a stream's, so one stream can use its whole window.
        nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(configuration.initialWindowSize))
    }

    deinit {
        nghttp2_session_del(session)
    }

    /// Feeds bytes from the peer; frames are reported to the delegate, replies flushed.
    func receive(_ buffer: ByteBuffer) throws {
        let consumed = buffer.withUnsafeReadableBytes { bytes in
            nghttp2_session_mem_recv(session, bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count)
        }
        guard consumed >= 0 else { throw HTTP2Error.protocolError(String(cString: nghttp2_strerror(Int32(consumed)))) }
        flush()
    }

    /// Writes whatever frames nghttp2 has ready.
    func flush() {
        var pending = allocator.buffer(capacity: 0)
        while true {
            var data: UnsafePointer<UInt8>?
            let length = nghttp2_session_mem_send(session, &data)
            guard length > 0, let data else { break }
            pending.writeBytes(UnsafeRawBufferPointer(start: data, count: length))
        }
        if pending.readableBytes > 0 { output?(pending) }
    }

    /// Whether the session has nothing more to do (both sides said goodbye).
    var isFinished: Bool {
        nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
    }

    // MARK: Sending

    /// Sends a header block that opens a response (server) with a body to follow, or ends the
    /// stream at once when `endStream` (e.g. a Trailers-Only gRPC response).
    public func sendHeaders(_ headers: HeaderFields, stream: Int32, endStream: Bool) {
        Self.withNameValues(headers) { nva in
            if endStream {
                _ = nghttp2_submit_response(session, stream, nva.baseAddress, nva.count, nil)
            } else {
                outgoing[stream] = OutgoingBody()
                var provider = nghttp2_data_provider(source: nghttp2_data_source(fd: 0), read_callback: NGHTTP2Callbacks.readBody)
                _ = nghttp2_submit_response(session, stream, nva.baseAddress, nva.count, &provider)
            }
        }
        flush()
    }

    /// Opens a client stream with request `headers` and a body to follow; returns its id.
    public func sendRequest(_ headers: HeaderFields) -> Int32 {
        let id = Self.withNameValues(headers) { nva in
            var provider = nghttp2_data_provider(source: nghttp2_data_source(fd: 0), read_callback: NGHTTP2Callbacks.readBody)
            return nghttp2_submit_request(session, nil, nva.baseAddress, nva.count, &provider, nil)
        }
        if id > 0 { outgoing[id] = OutgoingBody() }
        flush()
        return id
    }

    /// Queues body bytes; they go out as the peer's flow-control window allows, and `sent`
    /// completes then, so a producer that waits for it is paced by the peer (fails if the
    /// stream closes first).
    public func sendData(_ data: ByteBuffer, stream: Int32, sent: EventLoopPromise<Void>? = nil) {
        guard outgoing[stream] != nil else {
            sent?.fail(HTTP2Error.streamClosed)
            return
        }
        outgoing[stream]?.chunks.append((data, sent))
        nghttp2_session_resume_data(session, stream)
        flush()
    }

    /// Ends the stream's body, with trailers when given.
    public func endStream(_ stream: Int32, trailers: HeaderFields?) {
        guard outgoing[stream] != nil else { return }
        outgoing[stream]?.end = trailers.map(OutgoingBody.End.trailers) ?? .endStream
        nghttp2_session_resume_data(session, stream)
        flush()
    }

    /// Acknowledges `count` received body bytes of `stream` (those of a closed stream still count
    /// for the connection), opening the peer's window by as much.
    public func consume(_ count: Int, stream: Int32) {
        guard count > 0 else { return }
        nghttp2_session_consume_connection(session, count)
        _ = nghttp2_session_consume_stream(session, stream, count)  // fails harmlessly once the stream is gone
        flush()
    }

    /// Resets the stream (RST_STREAM with `errorCode`, e.g. 8 CANCEL).
    public func reset(_ stream: Int32, errorCode: UInt32) {
        dropOutgoing(stream)
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream, errorCode)
        flush()
    }

    /// Starts a graceful shutdown: GOAWAY, streams in flight finish, new ones are refused.
    public func shutDownGracefully() {
        nghttp2_submit_goaway(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session),
            NGHTTP2_NO_ERROR.rawValue, nil, 0)
        flush()
    }

    /// Forgets a stream's unsent body, failing the promises of bytes that will never go out.
    func dropOutgoing(_ stream: Int32) {
        guard let body = outgoing.removeValue(forKey: stream) else { return }
        for chunk in body.chunks { chunk.sent?.fail(HTTP2Error.streamClosed) }
    }

    /// Runs `body` with `headers` as nghttp2 name/value pairs (valid only inside `body`).
    static func withNameValues<Result>(_ headers: HeaderFields, _ body: (UnsafeMutableBufferPointer<nghttp2_nv>) -> Result) -> Result {
        // One buffer holds every name and value back to back; nghttp2 copies them on submit.
        var storage: [UInt8] = []
        var ranges: [(name: Range<Int>, value: Range<Int>)] = []
        for (name, value) in headers {
            let nameStart = storage.count
            storage += name.utf8
            let valueStart = storage.count
            storage += value.utf8
            ranges.append((nameStart..<valueStart, valueStart..<storage.count))
        }
        return storage.withUnsafeMutableBufferPointer { bytes in
            var nva = ranges.map { range in
                nghttp2_nv(
                    name: bytes.baseAddress! + range.name.lowerBound, value: bytes.baseAddress! + range.value.lowerBound,
                    namelen: range.name.count, valuelen: range.value.count, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
            }
            return nva.withUnsafeMutableBufferPointer { body($0) }
        }
    }
}

/// A connection-level failure.
public enum HTTP2Error: Error, Sendable, Equatable {
    case outOfMemory
    case protocolError(String)
    /// The stream closed before the bytes could be sent.
    case streamClosed
}
