/// A gRPC request's headers, validated: what a server needs to route and run the call.
public struct RequestHead: Sendable {
    /// `/<package>.<Service>/<Method>`.
    public let path: String
    /// The fully-qualified service name from the path, e.g. `weft.interop.v1.TestService`.
    public var service: String {
        String(path.utf8.dropFirst().prefix { $0 != UInt8(ascii: "/") }) ?? ""
    }
    /// The method name from the path, e.g. `UnaryCall`.
    public var method: String {
        path.utf8.dropFirst().firstIndex(of: UInt8(ascii: "/")).flatMap { String(path.utf8[path.utf8.index(after: $0)...]) } ?? ""
    }
    /// How long the client allows (`grpc-timeout`), nil without a deadline.
    public let timeout: Duration?
    /// How request messages are compressed (`grpc-encoding`), nil when not compressed.
    public let encoding: CompressionAlgorithm?
    /// Algorithms the client accepts for responses (`grpc-accept-encoding`).
    public var acceptedEncodings: [String] { acceptEncoding.names }
    /// `grpc-accept-encoding` as received, read only if a response is to be compressed.
    let acceptEncoding: AcceptEncodingList
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
        var accepted = AcceptEncodingList()
        for (name, value) in headerFields {
            // Names are compared only with those sharing their first byte: comparing every
            // field's name with all six was a measurable part of each call.
            switch name.utf8.first {
            case UInt8(ascii: ":"):
                if name == ":path" { path = value } else if name == ":method" { method = value }
            case UInt8(ascii: "c"):
                if name == "content-type" { contentType = value }
            case UInt8(ascii: "g"):
                switch name {
                case "grpc-timeout":
                    guard let parsed = GRPCTimeout.parse(value) else {
                        throw Status(.internal, "malformed grpc-timeout \"\(value)\"")
                    }
                    timeout = parsed
                case "grpc-encoding": encodingName = value
                case "grpc-accept-encoding": accepted.append(field: value)
                default: break
                }
            default: break
            }
        }
        guard method == "POST" else { throw Status(.internal, "gRPC requests use POST, not \(method ?? "no method")") }
        guard let contentType, Self.isGRPCContentType(contentType) else {
            throw Status(.internal, "content-type \(contentType ?? "(none)") is not application/grpc")
        }
        guard let path, path.hasPrefix("/") else { throw Status(.unimplemented, "missing or malformed :path") }
        guard Self.isMethodPath(path) else { throw Status(.unimplemented, "malformed method path \(path)") }
        var encoding: CompressionAlgorithm?
        if let encodingName, encodingName != "identity" {
            guard let known = CompressionAlgorithm(named: encodingName) else {
                throw Status(.unimplemented, "grpc-encoding \(encodingName) is not supported")
            }
            encoding = known
        }
        self.path = path
        self.timeout = timeout
        self.encoding = encoding
        self.acceptEncoding = accepted
        self.metadata = try Metadata(headerFields: headerFields)
    }

    /// The head of a call made without HTTP (in-process): the path must be `/<service>/<method>`.
    init(path: String, timeout: Duration?, metadata: Metadata) {
        self.path = path
        self.timeout = timeout
        self.encoding = nil
        self.acceptEncoding = AcceptEncodingList()
        self.metadata = metadata
    }

    /// `application/grpc`, optionally `+proto` or another subtype, optionally with parameters.
    package static func isGRPCContentType(_ value: String) -> Bool {
        guard value.hasUTF8Prefix("application/grpc") else { return false }
        let rest = value.utf8.dropFirst("application/grpc".utf8.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: ";")
    }

    /// `/<service>/<method>`: exactly two non-empty parts (checked without splitting: every
    /// call's path goes through here).
    private static func isMethodPath(_ path: String) -> Bool {
        let utf8 = path.utf8.dropFirst()
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")), slash != utf8.startIndex else { return false }
        let method = utf8[utf8.index(after: slash)...]
        return !method.isEmpty && !method.contains(UInt8(ascii: "/"))
    }
}
