import WeftMessages

/// Serves calls inside the process through the same `CallDispatcher` a network server uses:
/// for services of one process calling each other, and for testing services and their clients
/// without sockets.
public struct InProcessTransport: ClientTransport {
    private let dispatcher: CallDispatcher
    private var peerIdentity: String?

    /// A transport whose calls reach `services` through `interceptors`, from a caller whose
    /// identity (as a server's `context.peerIdentity` and its policy see it) is `peerIdentity`;
    /// handlers' outgoing calls carry on the request metadata `propagatedMetadataKeys` name.
    public init(
        services: [any RegisteredService], interceptors: [any ServerInterceptor] = [], peerIdentity: String? = nil,
        propagatedMetadataKeys: Set<String> = CallDispatcher.defaultPropagatedMetadataKeys
    ) {
        dispatcher = CallDispatcher(services: services, interceptors: interceptors, propagatedMetadataKeys: propagatedMetadataKeys)
        self.peerIdentity = peerIdentity
    }

    /// The same services, called by `peerIdentity`.
    package func calling(as peerIdentity: String?) -> InProcessTransport {
        var transport = self
        transport.peerIdentity = peerIdentity
        return transport
    }

    public func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        let call = InProcessCall()
        let head = RequestHead(path: method.path, timeout: options.timeout, metadata: options.metadata)
        let server = ServerEnd(call: call)
        let task = Task { [dispatcher, peerIdentity] in
            await dispatcher.serve(head: head, peerIdentity: peerIdentity, requests: server, responder: server)
        }
        await call.attach(serverTask: task)
        return call
    }

    /// A unary call served in the caller's task: the dispatcher runs the handler (with its
    /// interceptors and deadline) and the answer comes back without queues or a server task.
    /// Cancelling the caller cancels the handler. As on a server, the deadline cancels the
    /// handler and the call ends when the handler returns: one that ignores cancellation
    /// holds its caller until then.
    public func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> RawUnaryResponse {
        try await unary(method, request: request, options: options, cancelledAt: nil)
    }

    /// `unary(_:request:options:)` for a caller that cancels its own task at the call's
    /// deadline, `cancelledAt` (an event loop's timer does it for less than the dispatcher's
    /// timer task); nil has the dispatcher race the deadline itself.
    package func unary(
        _ method: MethodDescriptor, request: [UInt8], options: CallOptions, cancelledAt deadline: ContinuousClock.Instant?
    ) async throws -> RawUnaryResponse {
        let head = RequestHead(path: method.path, timeout: options.timeout, metadata: options.metadata)
        let exchange = InProcessUnary(request: request)
        await dispatcher.serve(head: head, peerIdentity: peerIdentity, requests: exchange, responder: exchange, cancelledAt: deadline)
        return try exchange.response()
    }
}

/// The client end of an in-process call.
actor InProcessCall: ClientCall {
    let requests = AsyncQueue<[UInt8]>()
    let reader = ResponseReader()
    private var serverTask: Task<Void, Never>?

    func attach(serverTask: Task<Void, Never>) {
        self.serverTask = serverTask
    }

    func send(_ message: [UInt8]) async throws {
        if let ending = await reader.ending {
            throw ending.status.isOK ? Status.transport(.internal, "the call has already ended") : ending.status
        }
        requests.push(message)
    }

    func finishRequests() async throws {
        requests.finish()
    }

    package func initialMetadata() async throws -> Metadata { try await reader.initialMetadata() }
    package func next() async throws -> [UInt8]? { try await reader.next() }
    package func trailingMetadata() async -> Metadata { await reader.trailingMetadata() }

    package nonisolated func cancel() {
        Task { await self.cancelCall() }
    }

    private func cancelCall() async {
        // Cancelling a server task that already finished does nothing, so no state check here.
        serverTask?.cancel()
        requests.finish()
        await reader.cancel()
    }
}

/// The server end of an in-process call: a message source and a responder.
struct ServerEnd: MessageSource, ServerResponder {
    let call: InProcessCall

    package func next() async throws -> [UInt8]? {
        guard let message = await call.requests.pop() else {
            try Task.checkCancellation()
            return nil
        }
        return message
    }

    /// In-process messages are never compressed: there is no wire to save.
    func sendHeaders(_ metadata: Metadata, compression: CompressionAlgorithm) async throws {
        call.reader.events.push(.headers(metadata))
    }

    func send(_ message: [UInt8], compression: CompressionAlgorithm) async throws {
        try Task.checkCancellation()
        call.reader.events.push(.message(message, wireBytes: 0))
    }

    /// The client reads the status as it would from a peer's trailers: only its code and message.
    package func finish(status: Status, trailers: Metadata, trailersOnly: Bool) async {
        call.reader.events.push(.end(status.from(.peer), trailers))
        call.reader.events.finish()
    }
}
