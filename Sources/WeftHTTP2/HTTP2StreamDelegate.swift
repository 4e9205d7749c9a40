import NIOCore

/// Receives the streams of one HTTP/2 connection. Every call happens on the connection's event
/// loop; answer through the `HTTP2Connection` passed in.
public protocol HTTP2StreamDelegate: AnyObject {
    /// A header block: the request (server) or response (client) headers, or trailers.
    func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection)
    /// A chunk of a stream's body.
    func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection)
    /// The stream is over; `errorCode` is 0 for a normal close, else the RST_STREAM / GOAWAY code.
    func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection)
    /// The connection is gone (closed, reset, or its TLS handshake failed: `error`); streams still
    /// open will get no more frames.
    func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection)
}
