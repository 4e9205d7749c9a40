import CNGHTTP2
import NIOCore

/// nghttp2's C callbacks, forwarding to the `HTTP2Connection` set as the session's user data.
enum NGHTTP2Callbacks {
    static func install(on callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, beginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, header)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, frameReceived)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, dataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, streamClosed)
    }

    private static func connection(_ userData: UnsafeMutableRawPointer?) -> HTTP2Connection {
        Unmanaged<HTTP2Connection>.fromOpaque(userData!).takeUnretainedValue()
    }

    private static let beginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
        guard let frame else { return 0 }
        connection(userData).incomingHeaders[frame.pointee.hd.stream_id] = []
        return 0
    }

    private static let header: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
        guard let frame, let name, let value else { return 0 }
        let field = (
            name: String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
            value: String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
        )
        connection(userData).incomingHeaders[frame.pointee.hd.stream_id, default: []].append(field)
        return 0
    }

    private static let frameReceived: nghttp2_on_frame_recv_callback = { _, frame, userData in
        guard let frame else { return 0 }
        let connection = connection(userData)
        let stream = frame.pointee.hd.stream_id
        let endStream = frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(frame.pointee.hd.type) {
        case NGHTTP2_HEADERS.rawValue:
            let headers = connection.incomingHeaders.removeValue(forKey: stream) ?? []
            connection.delegate?.stream(stream, didReceiveHeaders: headers, endStream: endStream, on: connection)
        case NGHTTP2_DATA.rawValue where endStream:
            // The body's bytes came through the data-chunk callback; this marks its end.
            connection.delegate?.stream(stream, didReceiveData: ByteBuffer(), endStream: true, on: connection)
        default:
            break
        }
        return 0
    }

    private static let dataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, stream, data, length, userData in
        guard let data else { return 0 }
        let connection = connection(userData)
        var buffer = ByteBufferAllocator().buffer(capacity: length)
        buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: length))
        connection.delegate?.stream(stream, didReceiveData: buffer, endStream: false, on: connection)
        return 0
    }

    private static let streamClosed: nghttp2_on_stream_close_callback = { _, stream, errorCode, userData in
        let connection = connection(userData)
        connection.dropOutgoing(stream)
        connection.incomingHeaders[stream] = nil
        connection.delegate?.streamDidClose(stream, errorCode: errorCode, on: connection)
        return 0
    }

    /// Supplies a stream's queued body bytes to nghttp2; defers when none are queued yet, and ends
    /// the stream (or hands over to trailers) when the body is complete.
    static let readBody: nghttp2_data_source_read_callback = { session, stream, target, length, flags, _, userData in
        guard let target, let flags else { return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue) }
        let connection = connection(userData)
        guard var body = connection.outgoing[stream] else { return Int(NGHTTP2_ERR_DEFERRED.rawValue) }
        var written = 0
        while written < length, !body.chunks.isEmpty {
            let count = min(length - written, body.chunks[0].bytes.readableBytes)
            body.chunks[0].bytes.withUnsafeReadableBytes { source in
                UnsafeMutableRawPointer(target + written).copyMemory(from: source.baseAddress!, byteCount: count)
            }
            body.chunks[0].bytes.moveReaderIndex(forwardBy: count)
            written += count
            if body.chunks[0].bytes.readableBytes == 0 { body.chunks.removeFirst().sent?.succeed(()) }
        }
        if body.chunks.isEmpty, let end = body.end {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            if case .trailers(let trailers) = end {
                flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                HTTP2Connection.withNameValues(trailers) { nva in
                    _ = nghttp2_submit_trailer(session, stream, nva.baseAddress, nva.count)
                }
            }
            connection.outgoing[stream] = nil
            return written
        }
        connection.outgoing[stream] = body
        return written == 0 ? Int(NGHTTP2_ERR_DEFERRED.rawValue) : written
    }
}
