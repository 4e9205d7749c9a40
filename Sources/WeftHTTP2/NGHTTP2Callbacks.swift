import CNGHTTP2

/// nghttp2's C callbacks: each finds its `NGHTTP2Session` in the user data and forwards to the
/// session's delegate as Swift values.
enum NGHTTP2Callbacks {
    static func install(on callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks, beginFrame)
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, beginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, header)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, frameReceived)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, dataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, streamClosed)
        nghttp2_session_callbacks_set_send_data_callback(callbacks, sendData)
    }

    private static func session(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2Session {
        Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
    }

    /// `body` run with the session's delegate, retaining neither (both are alive while nghttp2
    /// calls back: see `NGHTTP2Session.delegate`); nil without a delegate.
    private static func withDelegate<Result>(_ userData: UnsafeMutableRawPointer?, _ body: (HTTP2Connection) -> Result) -> Result? {
        Unmanaged<NGHTTP2Session>.fromOpaque(userData!)._withUnsafeGuaranteedRef { session in
            session.delegate?._withUnsafeGuaranteedRef(body)
        }
    }

    private static let beginFrame: nghttp2_on_begin_frame_callback = { _, header, userData in
        guard let header else { return 0 }
        let accepted = withDelegate(userData) {
            $0.sessionBeganFrame(type: header.pointee.type, flags: header.pointee.flags, stream: header.pointee.stream_id)
        } ?? true
        return accepted ? 0 : NGHTTP2_ERR_CALLBACK_FAILURE.rawValue
    }

    private static let beginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
        guard let frame else { return 0 }
        withDelegate(userData) { $0.sessionBeganHeaders(stream: frame.pointee.hd.stream_id) }
        return 0
    }

    private static let header: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
        guard let frame, let name, let value else { return 0 }
        withDelegate(userData) {
            $0.sessionReceivedHeader(
                name: UnsafeBufferPointer(start: name, count: nameLength), value: UnsafeBufferPointer(start: value, count: valueLength),
                stream: frame.pointee.hd.stream_id)
        }
        return 0
    }

    private static let frameReceived: nghttp2_on_frame_recv_callback = { _, frame, userData in
        guard let frame else { return 0 }
        withDelegate(userData) { received(frame, by: $0) }
        return 0
    }

    private static func received(_ frame: UnsafePointer<nghttp2_frame>, by delegate: HTTP2Connection) {
        let header = frame.pointee.hd
        let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            delegate.sessionReceived(.headers(stream: header.stream_id, endStream: endStream))
        case NGHTTP2_DATA.rawValue where endStream:
            delegate.sessionReceived(.endOfData(stream: header.stream_id))
        case NGHTTP2_PING.rawValue where header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0:
            let payload = withUnsafeBytes(of: frame.pointee.ping.opaque_data) { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
            delegate.sessionReceived(.pingAck(payload: payload))
        case NGHTTP2_GOAWAY.rawValue:
            let goAway = frame.pointee.goaway
            delegate.sessionReceived(.goAway(lastStreamID: goAway.last_stream_id, errorCode: goAway.error_code))
        case NGHTTP2_SETTINGS.rawValue where header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0:
            delegate.sessionReceived(.settings)
        default:
            break
        }
    }

    private static let dataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, stream, data, length, userData in
        guard let data else { return 0 }
        withDelegate(userData) { $0.sessionReceivedData(UnsafeRawBufferPointer(start: data, count: length), stream: stream) }
        return 0
    }

    private static let streamClosed: nghttp2_on_stream_close_callback = { _, stream, errorCode, userData in
        withDelegate(userData) { $0.sessionClosed(stream: stream, errorCode: errorCode) }
        return 0
    }

    /// nghttp2 asks for body bytes: the delegate says how many (written by `sendData`), or
    /// defers until `resumeBody`; at the body's end, END_STREAM or trailers.
    static let readBody: nghttp2_data_source_read_callback = { _, stream, _, length, flags, _, userData in
        guard let flags, let chunk = withDelegate(userData, { $0.sessionBodyChunk(stream: stream, maximum: length) }) else {
            return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue)
        }
        switch chunk {
        case .deferred:
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        case .data(let count, let end):
            if count > 0 { flags.pointee |= NGHTTP2_DATA_FLAG_NO_COPY.rawValue }
            switch end {
            case nil:
                break
            case .endStream:
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            case .trailers(let trailers):
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue | NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                session(userData).submitTrailers(stream: stream, headers: trailers)
            }
            return count
        }
    }

    private static let sendData: nghttp2_send_data_callback = { _, frame, frameHeader, length, _, userData in
        guard let frame, let frameHeader else { return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue }
        // No padding is ever requested (no select_padding callback), so the frame is header + payload.
        let sent: Void? = withDelegate(userData) {
            $0.sessionSendDataFrame(header: UnsafeRawBufferPointer(start: frameHeader, count: 9), length: length, stream: frame.pointee.hd.stream_id)
        }
        return sent == nil ? NGHTTP2_ERR_CALLBACK_FAILURE.rawValue : 0
    }
}
