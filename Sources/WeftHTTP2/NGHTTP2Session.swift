import CNGHTTP2

/// Owns one `nghttp2_session` (freed in `deinit`) and turns its C API into Swift calls: bytes in,
/// frames out, submissions, and the callbacks forwarded to `delegate`. Nothing outside this file
/// and `NGHTTP2Callbacks` sees nghttp2's pointers. Not thread-safe: its owner confines it to
/// one event loop.
final class NGHTTP2Session {
    private let session: OpaquePointer
    /// Where callbacks go while `receive` or `nextOutput` run: the `HTTP2Connection` that owns
    /// this session. Unmanaged, so a callback neither retains it nor loads a weak reference
    /// (both were a measurable part of each request). Sound because that connection holds the
    /// only reference to this session, and nghttp2 calls back only inside the calls it makes
    /// on the session (`receive`, `nextOutput`), where its caller holds it; `nghttp2_session_del`
    /// calls nothing back.
    var delegate: Unmanaged<HTTP2Connection>?

    /// A session for `role`: our SETTINGS from `configuration` are queued at once, and receive
    /// windows open only through `consume` (no automatic WINDOW_UPDATE).
    init(role: HTTP2Connection.Role, configuration: HTTP2Configuration) throws {
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else { throw HTTP2Error.outOfMemory }
        defer { nghttp2_session_callbacks_del(callbacks) }
        NGHTTP2Callbacks.install(on: callbacks)
        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else { throw HTTP2Error.outOfMemory }
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_no_auto_window_update(option, 1)
        // Set explicitly rather than left to the library's defaults, which vary by version.
        nghttp2_option_set_max_outbound_ack(option, configuration.peerLimits.maximumQueuedAcknowledgements)
        nghttp2_option_set_max_settings(option, configuration.peerLimits.maximumSettingsEntries)
        var session: OpaquePointer?
        let created = role == .server
            ? nghttp2_session_server_new2(&session, callbacks, nil, option)
            : nghttp2_session_client_new2(&session, callbacks, nil, option)
        guard created == 0, let session else { throw HTTP2Error.outOfMemory }
        self.session = session
        // nghttp2 calls back with this object; it lives as long as the session (deleted in deinit).
        nghttp2_session_set_user_data(session, Unmanaged.passUnretained(self).toOpaque())
        var settings = [
            Self.setting(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, configuration.maximumConcurrentStreams),
            Self.setting(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, configuration.initialWindowSize),
            Self.setting(NGHTTP2_SETTINGS_MAX_FRAME_SIZE, configuration.maximumFrameSize),
            Self.setting(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, configuration.maximumHeaderListSize),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        nghttp2_session_set_local_window_size(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(clamping: configuration.connectionWindowSize))
    }

    deinit {
        nghttp2_session_del(session)
    }

    private static func setting(_ id: nghttp2_settings_id, _ value: UInt32) -> nghttp2_settings_entry {
        nghttp2_settings_entry(settings_id: Int32(id.rawValue), value: value)
    }

    // MARK: Bytes in and out

    /// Parses `bytes` from the peer, calling the delegate for what they contain.
    /// A flood nghttp2 detects (acknowledgements the peer does not read) throws
    /// `HTTP2Error.peerMisbehaved`; any other failure is a protocol error.
    func receive(_ bytes: UnsafeRawBufferPointer) throws {
        let consumed = nghttp2_session_mem_recv(session, bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count)
        guard consumed < 0 else { return }
        if consumed == NGHTTP2_ERR_FLOODED.rawValue { throw HTTP2Error.peerMisbehaved(Self.describe(Int32(consumed))) }
        throw HTTP2Error.protocolError(Self.describe(Int32(consumed)))
    }

    /// The next serialized frames to write, or nil when nothing is ready. DATA frames with a
    /// body reach the delegate (`sessionSendDataFrame`) instead, in order, during this call.
    /// The bytes are valid until the next call.
    func nextOutput() throws -> UnsafeRawBufferPointer? {
        var data: UnsafePointer<UInt8>?
        let length = nghttp2_session_mem_send(session, &data)
        if length < 0 { throw HTTP2Error.protocolError(Self.describe(Int32(length))) }
        guard length > 0, let data else { return nil }
        return UnsafeRawBufferPointer(start: data, count: length)
    }

    /// Whether the session is done: neither side has anything more to say (after GOAWAY with no
    /// streams left, or a connection error).
    var isFinished: Bool {
        nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
    }

    // MARK: Submissions (frames go out with the next `nextOutput`)

    /// Queues a response header block; a body follows through the delegate unless `endStream`.
    @discardableResult
    func submitResponse(stream: Int32, headers: HeaderFields, endStream: Bool) -> Bool {
        NGHTTP2HeaderBlock.withNameValues(headers) { nva in
            if endStream { return nghttp2_submit_response(session, stream, nva.baseAddress, nva.count, nil) == 0 }
            var provider = Self.bodyProvider
            return nghttp2_submit_response(session, stream, nva.baseAddress, nva.count, &provider) == 0
        }
    }

    /// Queues a request header block on a new stream; its id, or nil when no stream may be opened
    /// (GOAWAY sent or received, stream ids exhausted).
    func submitRequest(headers: HeaderFields, endStream: Bool) -> Int32? {
        guard nghttp2_session_check_request_allowed(session) != 0 else { return nil }
        let id = NGHTTP2HeaderBlock.withNameValues(headers) { nva in
            if endStream { return nghttp2_submit_request(session, nil, nva.baseAddress, nva.count, nil, nil) }
            var provider = Self.bodyProvider
            return nghttp2_submit_request(session, nil, nva.baseAddress, nva.count, &provider, nil)
        }
        return id > 0 ? id : nil
    }

    /// Queues trailers ending `stream`; call while nghttp2 asks for the body's end.
    func submitTrailers(stream: Int32, headers: HeaderFields) {
        NGHTTP2HeaderBlock.withNameValues(headers) { nva in
            _ = nghttp2_submit_trailer(session, stream, nva.baseAddress, nva.count)
        }
    }

    /// Asks nghttp2 to call for `stream`'s body again after the delegate deferred it.
    func resumeBody(stream: Int32) {
        nghttp2_session_resume_data(session, stream)
    }

    /// Queues RST_STREAM for `stream`.
    func submitReset(stream: Int32, errorCode: UInt32) {
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream, errorCode)
    }

    /// Queues a PING carrying `payload`.
    func submitPing(payload: UInt64) {
        withUnsafeBytes(of: payload.bigEndian) { bytes in
            _ = nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), bytes.bindMemory(to: UInt8.self).baseAddress)
        }
    }

    /// Queues the first GOAWAY of a graceful server shutdown (last stream id 2^31-1).
    func submitShutdownNotice() {
        nghttp2_submit_shutdown_notice(session)
    }

    /// Queues GOAWAY naming the last stream this side processed: later streams are refused.
    func submitGoAway(errorCode: UInt32) {
        nghttp2_submit_goaway(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session), errorCode, nil, 0)
    }

    /// Queues GOAWAY with `errorCode` and ends the session after it is sent.
    func terminate(errorCode: UInt32) {
        nghttp2_session_terminate_session(session, errorCode)
    }

    /// Opens the receive windows of `stream` and of the connection by `byteCount` (WINDOW_UPDATE
    /// when nghttp2 decides enough was consumed).
    func consume(stream: Int32, byteCount: Int) {
        nghttp2_session_consume(session, stream, byteCount)
    }

    /// Opens only the connection's receive window by `byteCount` (for streams already closed).
    func consumeConnection(byteCount: Int) {
        nghttp2_session_consume_connection(session, byteCount)
    }

    /// Whether a new request stream may be opened (client; false after GOAWAY).
    var allowsNewRequests: Bool { nghttp2_session_check_request_allowed(session) != 0 }

    private static var bodyProvider: nghttp2_data_provider {
        nghttp2_data_provider(source: nghttp2_data_source(fd: 0), read_callback: NGHTTP2Callbacks.readBody)
    }

    private static func describe(_ code: Int32) -> String { String(cString: nghttp2_strerror(code)) }
}

/// The frames the session reports (to `HTTP2Connection.sessionReceived`) once they are complete.
enum NGHTTP2Frame: Equatable {
    case headers(stream: Int32, endStream: Bool)
    /// A DATA frame with END_STREAM (its bytes came through `sessionReceivedData`).
    case endOfData(stream: Int32)
    case pingAck(payload: UInt64)
    case goAway(lastStreamID: Int32, errorCode: UInt32)
    /// The peer's SETTINGS (not an acknowledgement of ours).
    case settings
}

/// The answer to nghttp2 asking for body bytes.
enum NGHTTP2BodyChunk {
    /// Nothing to send yet; `resumeBody` when there is.
    case deferred
    /// `length` bytes (written by `sessionSendDataFrame` when non-zero), and then
    /// the end of the body when `end` is set.
    case data(length: Int, end: BodyEnd?)

    /// How a body ends.
    enum BodyEnd {
        /// END_STREAM on the last DATA frame.
        case endStream
        /// A trailers HEADERS frame with END_STREAM.
        case trailers(HeaderFields)
    }
}
