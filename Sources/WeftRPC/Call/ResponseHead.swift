import WeftMessages

/// The header blocks a gRPC server sends: initial metadata, trailers, or both at once
/// (Trailers-Only) when the call fails before any message.
public enum ResponseHead {
    /// Encodings the server decompresses, advertised on every response.
    static let acceptEncoding = CompressionAlgorithm.supported.map(\.name).joined(separator: ",")

    /// `:status 200`, the content type and the handler's initial metadata.
    public static func initialHeaders(
        metadata: Metadata, encoding: CompressionAlgorithm = .identity
    ) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            (":status", "200"), ("content-type", "application/grpc"), ("grpc-accept-encoding", acceptEncoding),
        ]
        if encoding != .identity { fields.append(("grpc-encoding", encoding.name)) }
        return fields + metadata.headerFields
    }

    /// The header that carries a failed status's details: a `google.rpc.Status` in base64.
    static let detailsHeader = "grpc-status-details-bin"

    /// The trailers that end a call: `grpc-status`, `grpc-message` when there is one,
    /// `grpc-status-details-bin` when a failure has details, then the handler's trailing metadata.
    public static func trailers(status: Status, metadata: Metadata) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [("grpc-status", String(status.code.rawValue))]
        if !status.message.isEmpty {
            fields.append(("grpc-message", StatusMessageCoding.encode(status.message)))
        }
        if !status.details.isEmpty, !status.isOK {
            // Unpadded, as gRPC asks senders of binary headers (readers take both).
            let encoded = Base64.encode(status.rpcStatus.serializedBytes())
            fields.append((detailsHeader, String(encoded.prefix { $0 != "=" })))
        }
        return fields + metadata.headerFields
    }

    /// A Trailers-Only response: one HEADERS frame carrying the status and the headers.
    public static func trailersOnly(status: Status, metadata: Metadata = Metadata()) -> [(name: String, value: String)] {
        [(":status", "200"), ("content-type", "application/grpc"), ("grpc-accept-encoding", acceptEncoding)]
            + trailers(status: status, metadata: metadata)
    }

    /// The status a client reads from trailers (or from a Trailers-Only response's headers).
    public static func status(fromTrailers fields: [(name: String, value: String)]) -> Status {
        guard let codeText = fields.first(where: { $0.name == "grpc-status" })?.value,
              let code = Int(codeText)
        else {
            if let http = fields.first(where: { $0.name == ":status" })?.value, let httpStatus = Int(http), httpStatus != 200 {
                return Status(httpStatus: httpStatus)
            }
            return Status.transport(.unknown, "response ended without grpc-status")
        }
        let message = fields.first(where: { $0.name == "grpc-message" }).map { StatusMessageCoding.decode($0.value) } ?? ""
        return Status(Status.Code(rawValue: code), message, details: details(fields, code: code), origin: .peer)
    }

    /// The details of `grpc-status-details-bin`, when it decodes and agrees with `grpc-status`
    /// (gRPC says the header's status must match; one that does not is ignored, not trusted).
    private static func details(_ fields: [(name: String, value: String)], code: Int) -> [Google_Protobuf_Any] {
        guard code != 0, let text = fields.first(where: { $0.name == detailsHeader })?.value,
              let bytes = Base64.decode(text),
              let status = try? Google_Rpc_Status(serializedBytes: bytes),
              Int(status.code) == code
        else { return [] }
        return status.details
    }
}
