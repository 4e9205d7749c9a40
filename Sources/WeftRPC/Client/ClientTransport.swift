import WeftMessages

/// Carries a client's calls to a server: HTTP/2 connections in production, in-process in tests.
public protocol ClientTransport: Sendable {
    /// Starts a call of `method`; its messages then flow through the returned call.
    func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall

    /// One request message, one response message: what most calls are. A transport may carry
    /// it faster than through `startCall`; the default does exactly that.
    func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> RawUnaryResponse
}

extension ClientTransport {
    public func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> RawUnaryResponse {
        try await ClientCalls.raw(self, method, options: options) { call in
            try await call.send(request)
            try await call.finishRequests()
            return try await ClientCalls.onlyRawResponse(of: call)
        }
    }
}

/// A unary call's answer as raw bytes.
public struct RawUnaryResponse: Sendable {
    public var message: [UInt8]
    public var initialMetadata: Metadata
    public var trailingMetadata: Metadata

    public init(message: [UInt8], initialMetadata: Metadata, trailingMetadata: Metadata) {
        self.message = message
        self.initialMetadata = initialMetadata
        self.trailingMetadata = trailingMetadata
    }
}

/// One call in flight, as a transport carries it.
public protocol ClientCall: MessageSource {
    /// Sends one request message; returns when the transport has taken it.
    func send(_ message: [UInt8]) async throws
    /// Half-closes: no more request messages.
    func finishRequests() async throws
    /// The server's initial metadata, once its response headers arrive. A call that fails
    /// before any response (Trailers-Only) throws its status here.
    func initialMetadata() async throws -> Metadata
    /// The next response message; nil when the call ended with OK. A call that ended with any
    /// other status throws it.
    func next() async throws -> [UInt8]?
    /// The server's trailing metadata; valid once `next()` has returned nil or thrown.
    func trailingMetadata() async -> Metadata
    /// Abandons the call (RST_STREAM CANCEL on HTTP/2); a finished call ignores it.
    func cancel()
}
