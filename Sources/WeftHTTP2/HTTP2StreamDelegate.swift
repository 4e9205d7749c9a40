import NIOCore

/// Receives the streams of one HTTP/2 connection. Every call happens on the connection's event
/// loop; answer through the `HTTP2Connection` passed in (or a `HTTP2StreamHandle` from another
/// thread).
///
/// A stream's events come in order: its header block (`didReceiveHeaders`: the request on a
/// server, the response on a client, pseudo-headers included), DATA chunks, then either trailers
/// (`didReceiveHeaders` with `endStream`) or the end of the body (`didReceiveData` with an empty
/// buffer and `endStream`), and finally `streamDidClose`, with the RST_STREAM code when it was
/// reset.
///
/// Received DATA is flow-controlled by the delegate: the peer may send only a window's worth
/// until the delegate calls `HTTP2Connection.consume(_:stream:)` for what its consumer has
/// taken, so a slow consumer stops its peer.
public protocol HTTP2StreamDelegate: AnyObject {
    /// A header block: the request (server) or response (client) headers, or trailers.
    func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection)
    /// A header block larger than `HTTP2Configuration.maximumHeaderListSize`: `size` bytes as
    /// RFC 9113 §6.5.2 counts them (its fields were not kept). The stream is still open, so a
    /// server may answer it (e.g. HTTP 431); by default it is reset with INTERNAL_ERROR.
    func stream(_ id: Int32, didReceiveOversizeHeaders size: Int, endStream: Bool, on connection: HTTP2Connection)
    /// A chunk of a stream's body (empty with `endStream` when the body ends without trailers).
    func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection)
    /// The stream is over; `errorCode` is 0 for a normal close, else the RST_STREAM code (e.g.
    /// `HTTP2ErrorCode.cancel` when the peer cancelled, `.refusedStream` when a GOAWAY refused it).
    func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection)
    /// The connection is gone (closed, failed, or its TLS handshake failed: `error`); streams
    /// still open get no more events.
    func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection)
    /// The peer sent GOAWAY: streams above `lastStreamID` were not processed (and close with
    /// REFUSED_STREAM), and no new stream may be opened on this connection.
    func connectionDidReceiveGoAway(lastStreamID: Int32, errorCode: UInt32, on connection: HTTP2Connection)
    /// The peer sent its SETTINGS: it speaks HTTP/2 on this connection (after TLS accepted us,
    /// where there is TLS). Each SETTINGS frame the peer sends is reported.
    func connectionDidReceiveSettings(on connection: HTTP2Connection)
}

extension HTTP2StreamDelegate {
    /// Resets the stream with INTERNAL_ERROR.
    public func stream(_ id: Int32, didReceiveOversizeHeaders size: Int, endStream: Bool, on connection: HTTP2Connection) {
        connection.reset(id, errorCode: HTTP2ErrorCode.internalError)
    }
    /// Ignores GOAWAY (its refused streams still close with REFUSED_STREAM).
    public func connectionDidReceiveGoAway(lastStreamID: Int32, errorCode: UInt32, on connection: HTTP2Connection) {}
    /// Ignores the peer's SETTINGS (nghttp2 applies them).
    public func connectionDidReceiveSettings(on connection: HTTP2Connection) {}
}
