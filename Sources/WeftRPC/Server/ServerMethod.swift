import WeftMessages

/// One servable rpc: its descriptor and a handler over raw messages. Generated code builds
/// these from a service's protocol; the four factories adapt the four call kinds.
public struct ServerMethod: Sendable {
    public let descriptor: MethodDescriptor
    /// Runs the call: reads requests from the source, writes responses to the sink.
    @usableFromInline let run: @Sendable (_ requests: any MessageSource, _ responses: any MessageSink, _ context: ServerContext) async throws -> Void

    // The factories are `@inlinable`: a service's generated module specializes them for its
    // message types, instead of every call running them generically.
    @usableFromInline init(
        descriptor: MethodDescriptor,
        run: @escaping @Sendable (_ requests: any MessageSource, _ responses: any MessageSink, _ context: ServerContext) async throws -> Void
    ) {
        self.descriptor = descriptor
        self.run = run
    }

    /// A call with one request and one response.
    @inlinable public static func unary<Request: WeftMessage, Response: WeftMessage>(
        _ descriptor: MethodDescriptor,
        _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) -> ServerMethod {
        ServerMethod(descriptor: descriptor) { requests, responses, context in
            let request: Request = try await onlyRequest(from: requests)
            try await ResponseWriter(sink: responses).write(handler(request, context))
        }
    }

    /// One request, a stream of responses.
    @inlinable public static func serverStreaming<Request: WeftMessage, Response: WeftMessage>(
        _ descriptor: MethodDescriptor,
        _ handler: @escaping @Sendable (Request, ResponseWriter<Response>, ServerContext) async throws -> Void
    ) -> ServerMethod {
        ServerMethod(descriptor: descriptor) { requests, responses, context in
            let request: Request = try await onlyRequest(from: requests)
            try await handler(request, ResponseWriter(sink: responses), context)
        }
    }

    /// A stream of requests, one response.
    @inlinable public static func clientStreaming<Request: WeftMessage, Response: WeftMessage>(
        _ descriptor: MethodDescriptor,
        _ handler: @escaping @Sendable (RequestStream<Request>, ServerContext) async throws -> Response
    ) -> ServerMethod {
        ServerMethod(descriptor: descriptor) { requests, responses, context in
            try await ResponseWriter(sink: responses).write(handler(RequestStream(source: requests), context))
        }
    }

    /// Streams both ways, interleaved as the handler likes.
    @inlinable public static func bidirectionalStreaming<Request: WeftMessage, Response: WeftMessage>(
        _ descriptor: MethodDescriptor,
        _ handler: @escaping @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
    ) -> ServerMethod {
        ServerMethod(descriptor: descriptor) { requests, responses, context in
            try await handler(RequestStream(source: requests), ResponseWriter(sink: responses), context)
        }
    }

    /// Exactly one request message: none, or a second one, is a protocol violation.
    @inlinable static func onlyRequest<Request: WeftMessage>(from source: any MessageSource) async throws -> Request {
        var requests = RequestStream<Request>(source: source).makeAsyncIterator()
        guard let request = try await requests.next() else {
            throw Status(.internal, "the client half-closed without sending a request")
        }
        guard try await requests.next() == nil else {
            throw Status(.internal, "the client sent more than one request to a unary method")
        }
        return request
    }
}

/// A service a server can host: generated for each schema service, implemented by the user.
public protocol RegisteredService: Sendable {
    /// The service's methods, ready to dispatch.
    var serverMethods: [ServerMethod] { get }
    /// The schema's description of the service (generated services have one): what reflection
    /// and the health service report.
    var serviceDescriptor: ServiceDescriptor? { get }
}

extension RegisteredService {
    /// A service written by hand has no schema description unless it gives one.
    public var serviceDescriptor: ServiceDescriptor? { nil }
}
