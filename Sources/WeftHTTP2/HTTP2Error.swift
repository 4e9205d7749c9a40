/// Why an HTTP/2 operation failed.
public enum HTTP2Error: Error, Sendable, Equatable {
    /// nghttp2 could not allocate a session.
    case outOfMemory
    /// The peer broke the protocol; the connection is closed.
    case protocolError(String)
    /// The stream closed (RST_STREAM, GOAWAY or END_STREAM both ways) before the write went out;
    /// `errorCode` is the HTTP/2 error code, 0 for a normal close.
    case streamClosed(stream: Int32, errorCode: UInt32)
    /// The stream has no open body to write to: headers not sent yet, or already ended.
    case streamNotWritable(stream: Int32)
    /// The connection closed before the write went out.
    case connectionClosed
    /// No PING ACK arrived within the keepalive timeout; the connection is closed.
    case keepaliveTimeout
    /// The peer flooded the connection or held it without progress (`PeerLimits`); the
    /// connection is closed with GOAWAY `ENHANCE_YOUR_CALM`.
    case peerMisbehaved(String)
}

/// HTTP/2 error codes (RFC 9113 §7), as carried by RST_STREAM and GOAWAY.
public enum HTTP2ErrorCode {
    /// A graceful close.
    public static let noError: UInt32 = 0x0
    /// The peer broke the protocol.
    public static let protocolError: UInt32 = 0x1
    /// An unexpected failure on the sending side.
    public static let internalError: UInt32 = 0x2
    /// The peer sent beyond its flow-control window.
    public static let flowControlError: UInt32 = 0x3
    /// A frame arrived for a stream already half-closed.
    public static let streamClosed: UInt32 = 0x5
    /// The stream was not processed and may be retried (e.g. above a GOAWAY's last stream).
    public static let refusedStream: UInt32 = 0x7
    /// The stream is no longer wanted (a cancelled call).
    public static let cancel: UInt32 = 0x8
    /// The peer is generating excessive load.
    public static let enhanceYourCalm: UInt32 = 0xb
}
