import WeftMessages
import WeftRPC

/// How a failed call looks to an HTTP client: the standard gRPC → HTTP status table and the
/// JSON body `{"code": …, "message": …, "details": […]}`.
package enum ErrorResponse {
    /// The HTTP status for a gRPC status code (CANCELLED is nginx's 499, "client closed request").
    package static func httpStatus(for code: Status.Code) -> Int {
        switch code {
        case .ok: 200
        case .cancelled: 499
        case .invalidArgument, .failedPrecondition, .outOfRange: 400
        case .unauthenticated: 401
        case .permissionDenied: 403
        case .notFound: 404
        case .alreadyExists, .aborted: 409
        case .resourceExhausted: 429
        case .unimplemented: 501
        case .unavailable: 503
        case .deadlineExceeded: 504
        default: 500
        }
    }

    /// What a client is told of a failure whose details are internal (a status its upstream did
    /// not send, or a server error of the gateway's own): `status`'s code, so the HTTP status
    /// stays, and a general message with the request id under which the access log keeps the
    /// complete status.
    package static func concealed(_ status: Status, requestID: String) -> Status {
        let what = switch status.code {
        case .unavailable: "the service is unavailable"
        case .deadlineExceeded: "the service did not answer in time"
        case .cancelled: "the call was cancelled"
        case .resourceExhausted: "the service is overloaded"
        case .unimplemented: "the service does not offer this call"
        case .unauthenticated, .permissionDenied: "the service refused the gateway's call"
        default: "the service failed"
        }
        return Status(status.code, "\(what) (request id \(requestID))")
    }

    /// The JSON body for `status`: `google.rpc.Status` in proto3 JSON, each detail its
    /// message's JSON with `"@type"` (the standard details, and any type registered with
    /// `AnyTypeRegistry`; a detail of another type shows its `"@type"` alone).
    package static func body(for status: Status) -> [UInt8] {
        JSONValue.object([
            ("code", .number(String(status.code.rawValue))),
            ("message", .string(status.message)),
            ("details", .array(status.details.map(detailJSON))),
        ]).utf8Bytes
    }

    private static func detailJSON(_ detail: Google_Protobuf_Any) -> JSONValue {
        if let bytes = try? detail.jsonUTF8Bytes(), let value = try? bytes.withUnsafeBytes({ try JSONValue(parsing: $0) }) {
            return value
        }
        return .object([("@type", .string(detail.typeUrl))])
    }
}
