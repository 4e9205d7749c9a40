/// Per-call settings a client passes with each rpc.
public struct CallOptions: Sendable {
    /// How long the call may take; sent as `grpc-timeout`, so the server stops at the same time.
    public var timeout: Duration?
    /// Custom request metadata.
    public var metadata: Metadata
    /// How request messages are compressed.
    public var compression: CompressionAlgorithm

    /// Options for one call; by default no timeout, no metadata, no compression.
    public init(timeout: Duration? = nil, metadata: Metadata = Metadata(), compression: CompressionAlgorithm = .identity) {
        self.timeout = timeout
        self.metadata = metadata
        self.compression = compression
    }
}
