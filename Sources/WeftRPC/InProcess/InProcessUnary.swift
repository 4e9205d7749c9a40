import Synchronization

/// Both ends of an in-process unary call served in the caller's own task: the one request for
/// the handler, and what the handler answers, kept until the call ends. No queues, actors or
/// tasks of its own: a unary call needs none of the streaming path's machinery.
final class InProcessUnary: MessageSource, ServerResponder {
    private struct State {
        var request: [UInt8]?
        var headers: Metadata?
        var response: [UInt8]?
        var ending: (status: Status, trailers: Metadata)?
    }

    private let state: Mutex<State>

    init(request: [UInt8]) {
        state = Mutex(State(request: request))
    }

    /// The request once, then the end of the requests.
    func next() async throws -> [UInt8]? {
        state.withLock { state in
            defer { state.request = nil }
            return state.request
        }
    }

    /// In-process messages are never compressed: there is no wire to save.
    func sendHeaders(_ metadata: Metadata, compression: CompressionAlgorithm) async throws {
        state.withLock { $0.headers = metadata }
    }

    /// Keeps the response; a second one fails the handler's write, as a client reading a
    /// single-response call fails at it.
    func send(_ message: [UInt8], compression: CompressionAlgorithm) async throws {
        try Task.checkCancellation()
        try state.withLock { state in
            guard state.response == nil else { throw Status.secondResponse }
            state.response = message
        }
    }

    func finish(status: Status, trailers: Metadata, trailersOnly: Bool) async {
        state.withLock { $0.ending = (status, trailers) }
    }

    /// The answer as a client reads it from a peer: the status's code and message (a failed
    /// call throws it), else exactly one message with its metadata.
    func response() throws -> RawUnaryResponse {
        try state.withLock { state in
            guard let ending = state.ending else { throw Status.transport(.internal, "the call ended without a status") }
            guard ending.status.isOK else { throw ending.status.from(.peer) }
            guard let message = state.response else { throw Status.okWithoutResponse }
            return RawUnaryResponse(message: message, initialMetadata: state.headers ?? Metadata(), trailingMetadata: ending.trailers)
        }
    }
}
