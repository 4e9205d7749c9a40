import WeftMessages

/// One call as a server interceptor sees it: which method, its context, and its message streams
/// (which an interceptor may wrap, e.g. to count or validate messages).
public struct InterceptedServerCall: Sendable {
    public let method: MethodDescriptor
    public let context: ServerContext
    public var requests: any MessageSource
    public var responses: any MessageSink
}

/// Code that runs around every call a server handles: authorization, logging, metrics. Throwing
/// a `Status` ends the call with it; calling `next` continues to the next interceptor and, at
/// the end of the chain, the handler.
public protocol ServerInterceptor: Sendable {
    func intercept(
        _ call: InterceptedServerCall, next: @Sendable (InterceptedServerCall) async throws -> Void
    ) async throws
}

extension ServerMethod {
    /// This method with `interceptors` around its handler, the first one outermost.
    func intercepted(by interceptors: [any ServerInterceptor]) -> ServerMethod {
        let descriptor = self.descriptor
        let chain = interceptors.reversed().reduce(
            { @Sendable (call: InterceptedServerCall) async throws in
                try await self.run(call.requests, call.responses, call.context)
            }
        ) { next, interceptor in
            { @Sendable (call: InterceptedServerCall) async throws in try await interceptor.intercept(call, next: next) }
        }
        return ServerMethod(descriptor: descriptor) { requests, responses, context in
            try await chain(InterceptedServerCall(method: descriptor, context: context, requests: requests, responses: responses))
        }
    }
}
