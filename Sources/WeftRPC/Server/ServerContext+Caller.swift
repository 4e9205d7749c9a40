extension ServerContext {
    /// The end user a call is made for: the `sub` of the token the gateway verified, which it
    /// forwards as `x-jwt-sub`; nil for an anonymous call.
    ///
    /// The gateway never forwards a client's own `x-jwt-*` headers, so inside the mesh these
    /// are as trustworthy as the peers allowed to call the service (its policy's allow-list).
    public var callerSubject: String? { requestMetadata.first("x-jwt-sub") }

    /// The caller's roles: the verified token's `roles` claim, forwarded as `x-jwt-roles`
    /// (comma-separated; configure the gateway's `jwt.forwardClaims` with `roles`).
    public var callerRoles: Set<String> {
        guard let roles = requestMetadata.first("x-jwt-roles") else { return [] }
        return Set(roles.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty })
    }

    /// Where the end user connected from: the address the gateway saw (`x-forwarded-for`);
    /// nil for a call from inside the mesh.
    public var callerAddress: String? { requestMetadata.first("x-forwarded-for") }

    /// Refuses the call unless its caller holds one of `roles`: `UNAUTHENTICATED` without a
    /// verified caller, `PERMISSION_DENIED` without the role. Returns the caller's subject.
    @discardableResult
    public func requireRole(_ roles: String...) throws(Status) -> String {
        guard let subject = callerSubject else { throw Status(.unauthenticated, "this call needs a signed-in caller") }
        guard !callerRoles.isDisjoint(with: roles) else {
            throw Status(.permissionDenied, "this call needs the role \(roles.joined(separator: " or "))")
        }
        return subject
    }
}
