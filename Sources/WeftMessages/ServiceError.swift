#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An enum of error reasons a schema declares (`option (weft.api.error_domain)`): generated code
/// conforms it, giving its domain and each reason's gRPC code.
public protocol ErrorReason: WeftEnum {
    /// The `google.rpc.ErrorInfo` domain of these reasons (`catalog.weft.dev`).
    static var errorDomain: String { get }
    /// The gRPC status code this reason is sent with (`5` for NOT_FOUND).
    var statusCode: Int { get }
}

/// A failure with a reason its service's schema declares: what a handler throws and what a
/// generated client throws back, over gRPC and through the gateway alike.
///
/// It is sent as a `google.rpc.Status`: the reason's code, the message, and details holding a
/// `google.rpc.ErrorInfo` (reason, domain, metadata) and, when there are field violations, a
/// `google.rpc.BadRequest`.
public struct ServiceError<Reason: ErrorReason>: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the call failed.
    public var reason: Reason
    /// A message for developers.
    public var message: String
    /// Facts about this occurrence (`["product": "products/x"]`), the ErrorInfo's metadata.
    public var metadata: [String: String]
    /// The request fields at fault (for INVALID_ARGUMENT reasons), a BadRequest detail.
    public var fieldViolations: [Google_Rpc_BadRequest.FieldViolation]
    /// Other details it came with (e.g. `google.rpc.RetryInfo`), kept as received.
    public var otherDetails: [Google_Protobuf_Any]

    /// A failure for `reason`.
    public init(
        _ reason: Reason, _ message: String = "", metadata: [String: String] = [:],
        fieldViolations: [Google_Rpc_BadRequest.FieldViolation] = [], otherDetails: [Google_Protobuf_Any] = []
    ) {
        self.reason = reason
        self.message = message
        self.metadata = metadata
        self.fieldViolations = fieldViolations
        self.otherDetails = otherDetails
    }

    /// A failure for a request whose `violations` name its fields at fault; the message lists
    /// them (`email must be an email address; password is too short`).
    public init(_ reason: Reason, fieldViolations violations: [Google_Rpc_BadRequest.FieldViolation]) {
        self.init(reason, violations.map { "\($0.field) \($0.description)" }.joined(separator: "; "), fieldViolations: violations)
    }

    /// A failure for a request whose one field `field` is at fault: `description` says why,
    /// `violationReason` names the rule (`"EMPTY"`), in its BadRequest field violation.
    public init(_ reason: Reason, field: String, _ description: String, violationReason: String = "") {
        self.init(reason, fieldViolations: [.init(field: field, description: description, reason: violationReason)])
    }

    /// The `google.rpc.Status` this failure is sent as.
    public var rpcStatus: Google_Rpc_Status {
        var info = Google_Rpc_ErrorInfo(reason: reason.protoName ?? String(reason.rawValue), domain: Reason.errorDomain)
        for (key, value) in metadata { info.metadata[ProtoString(key)] = value }
        var details = [Google_Protobuf_Any(packing: info)]
        if !fieldViolations.isEmpty { details.append(Google_Protobuf_Any(packing: Google_Rpc_BadRequest(fieldViolations: fieldViolations))) }
        return Google_Rpc_Status(code: Int32(reason.statusCode), message: message, details: details + otherDetails)
    }

    /// The failure a `google.rpc.Status` carries: nil unless its details hold an ErrorInfo of
    /// `Reason`'s domain with one of its reasons (not the first value, which means no error).
    public init?(rpcStatus status: Google_Rpc_Status) {
        var found: (Reason, [String: String])?
        var violations: [Google_Rpc_BadRequest.FieldViolation] = []
        var others: [Google_Protobuf_Any] = []
        for detail in status.details {
            if found == nil, let info = try? detail.unpack(Google_Rpc_ErrorInfo.self), info.domain == Reason.errorDomain,
               let reason = Reason(protoName: info.reason), reason.rawValue != 0 {
                found = (reason, Dictionary(uniqueKeysWithValues: info.metadata.map { ($0.key.string, $0.value) }))
            } else if let badRequest = try? detail.unpack(Google_Rpc_BadRequest.self) {
                violations += badRequest.fieldViolations
            } else {
                others.append(detail)
            }
        }
        guard let (reason, metadata) = found else { return nil }
        self.init(reason, status.message, metadata: metadata, fieldViolations: violations, otherDetails: others)
    }

    /// `PRODUCT_NOT_FOUND (catalog.weft.dev): no product x`.
    public var description: String {
        "\(reason.protoName ?? String(reason.rawValue)) (\(Reason.errorDomain))" + (message.isEmpty ? "" : ": \(message)")
    }
}
