/// HTTP/2 settings for one connection, with the defaults Weft uses.
public struct HTTP2Configuration: Sendable, Hashable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS: streams the peer may open at once.
    public var maximumConcurrentStreams: UInt32 = 1_000
    /// SETTINGS_INITIAL_WINDOW_SIZE: bytes a peer may send on a stream before a window update.
    public var initialWindowSize: UInt32 = 1 << 20
    /// SETTINGS_MAX_FRAME_SIZE.
    public var maximumFrameSize: UInt32 = 1 << 14
    /// SETTINGS_MAX_HEADER_LIST_SIZE.
    public var maximumHeaderListSize: UInt32 = 16 * 1024

    /// The defaults: 1000 streams, 1 MiB stream window, 16 KiB frames, 16 KiB header lists.
    public static var defaults: HTTP2Configuration { HTTP2Configuration() }
}

/// A header field as HTTP/2 carries it (lowercase names, pseudo-headers first).
public typealias HeaderFields = [(name: String, value: String)]
