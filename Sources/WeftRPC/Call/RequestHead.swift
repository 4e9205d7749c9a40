/// A gRPC request's headers, validated: what a server needs to route and run the call.
public struct RequestHead: Sendable {
    /// `/<package>.<Service>/<Method>`.
    public let path: String
    /// The fully-qualified service name from the path, e.g. `weft.interop.v1.TestService`.
    public let service: String
    /// The method name from the path, e.g. `UnaryCall`.
    public let method: String
    /// How long the client allows (`grpc-timeout`), nil without a deadline.
    public let timeout: Duration?
    /// How request messages are compressed (`grpc-encoding`), nil when not compressed.
    public let encoding: CompressionAlgorithm?
    /// Algorithms the client accepts for responses (`grpc-accept-encoding`).
    public let acceptedEncodings: [String]
    /// The caller's custom metadata.
    public let metadata: Metadata

    /// Validates request header fields as the gRPC HTTP/2 protocol requires. A request that
    /// cannot be served gets the `Status` to answer it with (as a Trailers-Only response).
    public init(headerFields: [(name: String, value: String)]) throws {
        var method: String?
        var path: String?
        var contentType: String?
        var timeout: Duration?
        var encodingName: String?
        var accepted: [String] = []
        for (name, value) in headerFields {
            switch name {
            case ":method": method = value
            case ":path": path = value
            case "content-type": contentType = value
            case "grpc-timeout":
                guard let parsed = GRPCTimeout.parse(value) else {
                    throw Status(.internal, "malformed grpc-timeout \"\(value)\"")
                }
                timeout = parsed
            case "grpc-encoding": encodingName = value
            case "grpc-accept-encoding":
                accepted += value.split(separator: ",").map(\.trimmingSpaces)
            default: break
            }
        }
        guard method == "POST" else { throw Status(.internal, "gRPC requests use POST, not \(method ?? "no method")") }
        guard let contentType, Self.isGRPCContentType(contentType) else {
            throw Status(.internal, "content-type \(contentType ?? "(none)") is not application/grpc")
        }
        guard let path, path.hasPrefix("/") else { throw Status(.unimplemented, "missing or malformed :path") }
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw Status(.unimplemented, "malformed method path \(path)")
        }
        var encoding: CompressionAlgorithm?
        if let encodingName, encodingName != "identity" {
            guard let known = CompressionAlgorithm(named: encodingName) else {
                throw Status(.unimplemented, "grpc-encoding \(encodingName) is not supported")
            }
            encoding = known
        }
        self.path = path
        self.service = String(parts[0])
        self.method = String(parts[1])
        self.timeout = timeout
        self.encoding = encoding
        self.acceptedEncodings = accepted
        self.metadata = try Metadata(headerFields: headerFields)
    }

    /// The head of a call made without HTTP (in-process): the path must be `/<service>/<method>`.
    init(path: String, timeout: Duration?, metadata: Metadata) {
        let parts = path.dropFirst().split(separator: "/", maxSplits: 1)
        self.path = path
        self.service = parts.first.map(String.init) ?? ""
        self.method = parts.count > 1 ? String(parts[1]) : ""
        self.timeout = timeout
        self.encoding = nil
        self.acceptedEncodings = []
        self.metadata = metadata
    }

    /// `application/grpc`, optionally `+proto` or another subtype, optionally with parameters.
    static func isGRPCContentType(_ value: String) -> Bool {
        let mediaType = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        return mediaType == "application/grpc" || mediaType.hasPrefix("application/grpc+")
    }
}
