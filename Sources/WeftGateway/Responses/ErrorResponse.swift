import WeftMessages
import WeftRPC

/// How a failed call looks to an HTTP client: the standard gRPC → HTTP status table and the
/// JSON body `{"code": …, "message": …, "details": […]}`.
public enum ErrorResponse {
    /// The HTTP status for a gRPC status code (CANCELLED is nginx's 499, "client closed request").
    public static func httpStatus(for code: Status.Code) -> Int {
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

    /// The JSON body for `status`.
    public static func body(for status: Status) -> [UInt8] {
        JSONValue.object([
            ("code", .number(String(status.code.rawValue))),
            ("message", .string(status.message)),
            ("details", .array([])),
        ]).utf8Bytes
    }
}
