import WeftMessages

/// Code that runs as every call of a client starts: adding credentials or trace context to the
/// metadata, choosing a deadline, logging. Calling `next` starts the call with the (possibly
/// changed) options; throwing fails it before anything is sent.
public protocol ClientInterceptor: Sendable {
    func intercept(
        _ method: MethodDescriptor, options: CallOptions,
        next: @Sendable (MethodDescriptor, CallOptions) async throws -> any ClientCall
    ) async throws -> any ClientCall
}

/// A transport that runs `interceptors` (the first one outermost) before `base` starts a call.
public struct InterceptedTransport: ClientTransport {
    let base: any ClientTransport
    let interceptors: [any ClientInterceptor]

    /// `base` with `interceptors` in front of it.
    public init(_ base: any ClientTransport, interceptors: [any ClientInterceptor]) {
        self.base = base
        self.interceptors = interceptors
    }

    public func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        let chain = interceptors.reversed().reduce(
            { @Sendable [base] (method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall in
                try await base.startCall(method, options: options)
            }
        ) { next, interceptor in
            { @Sendable (method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall in
                try await interceptor.intercept(method, options: options, next: next)
            }
        }
        return try await chain(method, options)
    }
}
