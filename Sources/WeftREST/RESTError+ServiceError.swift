import WeftMessages

extension RESTError {
    /// The error body as a `google.rpc.Status` (details whose type is not registered with
    /// `AnyTypeRegistry` are left out).
    public var rpcStatus: Google_Rpc_Status {
        let details = self.details.compactMap { detail in try? Google_Protobuf_Any(jsonUTF8Bytes: detail.utf8Bytes) }
        return Google_Rpc_Status(code: Int32(truncatingIfNeeded: code), message: message, details: details)
    }

    /// The typed failure this answer carries, when its details name one of `Reason`'s reasons.
    public func serviceError<Reason: ErrorReason>(_ reason: Reason.Type) -> ServiceError<Reason>? {
        ServiceError(rpcStatus: rpcStatus)
    }
}
