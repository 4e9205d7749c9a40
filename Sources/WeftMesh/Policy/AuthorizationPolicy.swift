import WeftRPC

/// Which callers (SPIFFE IDs from their client certificates) may call which services and
/// methods. A method's own rule wins over its service's; services and methods without a rule
/// follow `allowsUnlisted`. A refused call ends with PERMISSION_DENIED, whose message does not
/// name the caller (it may travel on, through a gateway, to whoever the caller serves), and is
/// reported with the caller to `onDenied` (a log line, a metric).
public struct AuthorizationPolicy: ServerInterceptor {
    /// Allowed callers per `package.Service` or `package.Service/Method`; `*` allows any caller
    /// with a certificate.
    public var rules: [String: Set<String>]
    /// Whether services and methods without a rule are open (true) or closed.
    public var allowsUnlisted: Bool
    /// Told of every refusal: the method path and the caller (nil without a certificate).
    public var onDenied: @Sendable (_ path: String, _ caller: String?) -> Void

    public init(
        rules: [String: Set<String>], allowsUnlisted: Bool = true,
        onDenied: @escaping @Sendable (_ path: String, _ caller: String?) -> Void = { _, _ in }
    ) {
        self.rules = rules
        self.allowsUnlisted = allowsUnlisted
        self.onDenied = onDenied
    }

    /// Whether `caller` may call the method at `path` (`/package.Service/Method`).
    public func allows(_ caller: String?, path: String) -> Bool {
        let method = String(path.dropFirst())  // "package.Service/Method"
        let service = String(method.prefix { $0 != "/" })
        guard let allowed = rules[method] ?? rules[service] else { return allowsUnlisted }
        guard let caller else { return false }
        return allowed.contains(caller) || allowed.contains("*")
    }

    public func intercept(
        _ call: InterceptedServerCall, next: @Sendable (InterceptedServerCall) async throws -> Void
    ) async throws {
        let caller = call.context.peerIdentity
        guard allows(caller, path: call.context.path) else {
            onDenied(call.context.path, caller)
            // The caller's identity goes to `onDenied`, not into the answer.
            throw Status(.permissionDenied, "\(caller == nil ? "a caller without a certificate" : "this caller") may not call \(call.context.path)")
        }
        try await next(call)
    }
}
