import WeftRPC

/// One client call's response, as its connection's event loop sees it: what each header block
/// from the server means for the call. A plain value confined to the loop:
/// `GRPCClientStreams` brings it the header blocks and performs the action it returns.
struct ClientCallLifecycle {
    private enum State {
        /// Nothing received yet: the next block is the response's headers, or a Trailers-Only
        /// response.
        case awaitingHeaders
        /// The headers came: messages follow, then the trailers.
        case receivingMessages
        /// The call has ended.
        case ended
    }

    /// What a header block means.
    enum HeadersAction: Equatable {
        /// The response's headers: deliver their metadata; messages follow.
        case deliverInitialMetadata
        /// The call's status (trailers, or a Trailers-Only response): end the call with it.
        case endWithStatus
        /// Not a gRPC response (an HTTP status other than 200, say from a proxy): end the call
        /// with the status that maps to it and reset the stream.
        case endNotGRPC(httpStatus: Int)
        /// The call has ended already: nothing to do.
        case ignore
    }

    private var state = State.awaitingHeaders

    /// A header block arrived: `httpStatus` is its `:status` (nil when absent), `carriesStatus`
    /// whether it has `grpc-status`, `endStream` whether it ends the stream.
    mutating func headersReceived(httpStatus: Int?, carriesStatus: Bool, endStream: Bool) -> HeadersAction {
        switch state {
        case .ended:
            return .ignore
        case .receivingMessages:
            state = .ended
            return .endWithStatus
        case .awaitingHeaders:
            if carriesStatus || endStream {
                state = .ended
                return .endWithStatus
            }
            guard httpStatus == 200 else {
                state = .ended
                return .endNotGRPC(httpStatus: httpStatus ?? 0)
            }
            state = .receivingMessages
            return .deliverInitialMetadata
        }
    }
}
