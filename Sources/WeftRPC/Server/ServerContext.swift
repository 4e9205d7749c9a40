import Synchronization

/// What a handler knows about its call, and the response metadata it may set.
public final class ServerContext: Sendable {
    /// The method path, `/<package>.<Service>/<Method>`.
    public let path: String
    /// The caller's custom metadata.
    public let requestMetadata: Metadata
    /// When the caller stops waiting, nil without a deadline. The handler's task is cancelled
    /// then; long work can also check it to stop early.
    public let deadline: ContinuousClock.Instant?
    /// The caller's identity from its certificate (`spiffe://<domain>/service/<name>`), nil on
    /// plaintext connections or certificates without one.
    public let peerIdentity: String?

    private let response = Mutex(ResponseMetadata())

    /// Response encodings the client accepts (`grpc-accept-encoding`).
    public var acceptedResponseEncodings: [String] { acceptEncoding.names }
    private let acceptEncoding: AcceptEncodingList

    struct ResponseMetadata {
        var initial = Metadata()
        var trailing = Metadata()
        var compression = CompressionAlgorithm.identity
        /// Set once the headers went out: the encoding can no longer change.
        var compressionLocked = false
    }

    /// A context for one call.
    public convenience init(
        path: String, requestMetadata: Metadata, deadline: ContinuousClock.Instant?, peerIdentity: String?,
        acceptedResponseEncodings: [String] = []
    ) {
        self.init(
            path: path, requestMetadata: requestMetadata, deadline: deadline, peerIdentity: peerIdentity,
            acceptEncoding: AcceptEncodingList(acceptedResponseEncodings))
    }

    /// A context for one call whose client sent `acceptEncoding`.
    init(path: String, requestMetadata: Metadata, deadline: ContinuousClock.Instant?, peerIdentity: String?, acceptEncoding: AcceptEncodingList) {
        self.path = path
        self.requestMetadata = requestMetadata
        self.deadline = deadline
        self.peerIdentity = peerIdentity
        self.acceptEncoding = acceptEncoding
    }

    /// Compresses this call's response messages with `algorithm` if the client accepts it and
    /// no message has gone out yet; returns whether it will. `.identity` turns compression off.
    @discardableResult
    public func compressResponses(with algorithm: CompressionAlgorithm) -> Bool {
        let accepted = algorithm == .identity || acceptEncoding.contains(algorithm.name)
        return response.withLock { state in
            guard accepted, !state.compressionLocked else { return false }
            state.compression = algorithm
            return true
        }
    }

    /// How response messages are compressed.
    var responseCompression: CompressionAlgorithm { response.withLock { $0.compression } }

    /// The encoding the response headers announce; fixed from now on.
    func lockResponseCompression() -> CompressionAlgorithm {
        response.withLock { state in
            state.compressionLocked = true
            return state.compression
        }
    }

    /// Adds initial metadata: sent with the response headers, before the first message (or in
    /// a Trailers-Only response when the call fails first).
    public func addInitialMetadata(_ metadata: Metadata) {
        response.withLock { state in
            for (key, value) in metadata { state.initial.add(key, value) }
        }
    }

    /// Adds trailing metadata, sent with the final status.
    public func addTrailingMetadata(_ metadata: Metadata) {
        response.withLock { state in
            for (key, value) in metadata { state.trailing.add(key, value) }
        }
    }

    package var initialMetadata: Metadata { response.withLock { $0.initial } }
    package var trailingMetadata: Metadata { response.withLock { $0.trailing } }
}

extension Metadata {
    /// Appends an entry as received, text or binary.
    mutating func add(_ key: String, _ value: Value) {
        switch value {
        case .text(let text): add(key, text)
        case .binary(let bytes): add(key, binary: bytes)
        }
    }
}
