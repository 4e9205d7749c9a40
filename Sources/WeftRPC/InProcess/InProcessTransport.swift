import WeftMessages

/// Serves calls inside the process through the same `CallDispatcher` a network server uses:
/// for testing services and their clients without sockets.
public struct InProcessTransport: ClientTransport {
    private let dispatcher: CallDispatcher

    /// A transport whose calls reach `services` through `interceptors`.
    public init(services: [any RegisteredService], interceptors: [any ServerInterceptor] = []) {
        dispatcher = CallDispatcher(services: services, interceptors: interceptors)
    }

    public func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        let call = InProcessCall()
        let head = RequestHead(path: method.path, timeout: options.timeout, metadata: options.metadata)
        let server = ServerEnd(call: call)
        let task = Task { [dispatcher] in
            await dispatcher.serve(head: head, peerIdentity: nil, requests: server, responder: server)
        }
        await call.attach(serverTask: task)
        return call
    }
}

/// What flows from the server end to the client end of an in-process call.
enum ResponseEvent: Sendable {
    case headers(Metadata)
    case message([UInt8])
    case end(Status, Metadata)
}

/// The client end of an in-process call.
actor InProcessCall: ClientCall {
    let requests = AsyncQueue<[UInt8]>()
    let responses = AsyncQueue<ResponseEvent>()
    private var serverTask: Task<Void, Never>?
    private var headers: Metadata?
    private var pendingMessages: [[UInt8]] = []
    private var ending: (status: Status, trailers: Metadata)?

    func attach(serverTask: Task<Void, Never>) {
        self.serverTask = serverTask
    }

    func send(_ message: [UInt8]) async throws {
        if let ending { throw ending.status.isOK ? Status(.internal, "the call has already ended") : ending.status }
        requests.push(message)
    }

    func finishRequests() async throws {
        requests.finish()
    }

    func initialMetadata() async throws -> Metadata {
        while headers == nil, ending == nil {
            await receiveEvent()
        }
        if let headers { return headers }
        throw ending?.status ?? Status(.internal)
    }

    func next() async throws -> [UInt8]? {
        while true {
            if !pendingMessages.isEmpty { return pendingMessages.removeFirst() }
            if let ending { return try Self.endOfMessages(ending.status) }
            await receiveEvent()
        }
    }

    func trailingMetadata() async -> Metadata {
        ending?.trailers ?? Metadata()
    }

    nonisolated func cancel() {
        Task { await self.cancelCall() }
    }

    private func receiveEvent() async {
        switch await responses.pop() {
        case .headers(let metadata)?: headers = metadata
        case .message(let bytes)?: pendingMessages.append(bytes)
        case .end(let status, let trailers)?: ending = (status, trailers)
        case nil: ending = ending ?? (Status(.cancelled, "the call was cancelled"), Metadata())
        }
    }

    private func cancelCall() async {
        // Cancelling a server task that already finished does nothing, so no state check here:
        // a cancelled reader may have recorded the ending before this runs.
        serverTask?.cancel()
        if ending == nil { ending = (Status(.cancelled, "the call was cancelled"), Metadata()) }
        requests.finish()
        responses.finish()
    }

    private static func endOfMessages(_ status: Status) throws -> [UInt8]? {
        guard status.isOK else { throw status }
        return nil
    }
}

/// The server end of an in-process call: a message source and a responder.
struct ServerEnd: MessageSource, ServerResponder {
    let call: InProcessCall

    func next() async throws -> [UInt8]? {
        guard let message = await call.requests.pop() else {
            try Task.checkCancellation()
            return nil
        }
        return message
    }

    func sendHeaders(_ metadata: Metadata) async throws {
        call.responses.push(.headers(metadata))
    }

    func send(_ message: [UInt8]) async throws {
        try Task.checkCancellation()
        call.responses.push(.message(message))
    }

    func finish(status: Status, trailers: Metadata, trailersOnly: Bool) async {
        call.responses.push(.end(status, trailers))
        call.responses.finish()
    }
}
