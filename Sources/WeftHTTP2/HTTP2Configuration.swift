import NIOCore

/// HTTP/2 settings and timers for one connection, with the defaults Weft uses. Start from
/// `.defaults` and change what you need.
public struct HTTP2Configuration: Sendable, Hashable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS: streams the peer may have open at once. Default 1000.
    public var maximumConcurrentStreams: UInt32 = 1_000
    /// SETTINGS_INITIAL_WINDOW_SIZE: bytes the peer may send on one stream before this side
    /// consumes them and opens the window again. Default 1 MiB.
    public var initialWindowSize: UInt32 = 1 << 20
    /// The connection-level receive window, shared by all streams. Default 1 MiB.
    public var connectionWindowSize: UInt32 = 1 << 20
    /// SETTINGS_MAX_FRAME_SIZE: the largest frame payload the peer may send. Default 16 KiB.
    public var maximumFrameSize: UInt32 = 1 << 14
    /// SETTINGS_MAX_HEADER_LIST_SIZE: the largest header block (HPACK-decoded, 32 bytes of
    /// overhead per field) accepted; a larger one is not kept but reported to the delegate
    /// (`stream(_:didReceiveOversizeHeaders:endStream:on:)`), which by default resets its
    /// stream. Default 16 KiB.
    public var maximumHeaderListSize: UInt32 = 16 * 1024
    /// Keepalive PINGs, or nil for none. Default: a PING after 60 s without inbound bytes,
    /// the connection closed when its ACK takes longer than 20 s.
    public var keepalive: Keepalive? = Keepalive()
    /// What the peer may do before the connection is closed with GOAWAY `ENHANCE_YOUR_CALM`.
    public var peerLimits = PeerLimits()

    /// Limits on a peer's conduct, enforced by Weft on any libnghttp2 (the counting ones) or set
    /// explicitly on nghttp2 (the queue and SETTINGS ones). Exceeding one closes the connection
    /// with GOAWAY `ENHANCE_YOUR_CALM`.
    public struct PeerLimits: Sendable, Hashable {
        /// Servers: how long a new connection may take to deliver the HTTP/2 preface and its
        /// first SETTINGS (a TLS handshake included). Default 10 s.
        public var prefaceTimeout: TimeAmount = .seconds(10)
        /// How long a header block may stay unfinished (HEADERS without END_HEADERS, until its
        /// last CONTINUATION): no other frame may use the connection meanwhile. Default 10 s.
        public var headerBlockTimeout: TimeAmount = .seconds(10)
        /// CONTINUATION frames accepted after one HEADERS frame. Default 8.
        public var maximumContinuationFrames = 8
        /// RST_STREAM frames the peer may send at once (rapid reset): a token bucket of
        /// `resetBurst` tokens refilled at `resetsPerSecond`. Defaults 1000 and 33 a second.
        public var resetBurst = 1000
        public var resetsPerSecond = 33.0
        /// SETTINGS and PING acknowledgements queued for a peer that does not read them
        /// (nghttp2's outbound ACK limit). Default 1000.
        public var maximumQueuedAcknowledgements = 1000
        /// Entries accepted in one SETTINGS frame (nghttp2's limit). Default 32.
        public var maximumSettingsEntries = 32

        /// The defaults (see each property).
        public init() {}
    }

    /// How an idle connection is probed.
    public struct Keepalive: Sendable, Hashable {
        /// How long the connection may go without receiving a byte before a PING is sent.
        public var interval: TimeAmount
        /// How long the PING's ACK may take; without it the connection is closed.
        public var timeout: TimeAmount

        /// A keepalive with `interval` (default 60 s) and `timeout` (default 20 s).
        public init(interval: TimeAmount = .seconds(60), timeout: TimeAmount = .seconds(20)) {
            self.interval = interval
            self.timeout = timeout
        }
    }

    /// The defaults (see each property).
    public static var defaults: HTTP2Configuration { HTTP2Configuration() }
}

/// A header field list as HTTP/2 carries it: lowercase names, pseudo-headers (`:path`, …) first.
public typealias HeaderFields = [(name: String, value: String)]
