/// What a transport delivers to the client side of a call, in order.
package enum ResponseEvent: Sendable {
    case headers(Metadata)
    /// A message and the bytes it took on the wire (what flow control counts; 0 in-process).
    case message([UInt8], wireBytes: Int)
    case end(Status, Metadata)
}

/// The client side's view of a call's responses, fed by a transport through `events`: headers,
/// then messages, then the status. Shared by every transport.
package actor ResponseReader {
    package nonisolated let events = AsyncQueue<ResponseEvent>()
    private var headers: Metadata?
    private var pendingMessages: [(bytes: [UInt8], wireBytes: Int)] = []
    package private(set) var ending: (status: Status, trailers: Metadata)?
    /// Told of every message the caller takes, so the transport can reopen the flow-control window.
    private var onRead: (@Sendable (Int) -> Void)?

    package init() {}

    /// Reports each message the caller reads (its wire bytes) to `observer`.
    package func observeReads(_ observer: @escaping @Sendable (Int) -> Void) {
        onRead = observer
    }

    package func initialMetadata() async throws -> Metadata {
        while headers == nil, ending == nil { await receiveEvent() }
        if let headers { return headers }
        throw ending?.status ?? Status.transport(.internal, "the call ended without a status")
    }

    package func next() async throws -> [UInt8]? {
        while true {
            if !pendingMessages.isEmpty {
                let message = pendingMessages.removeFirst()
                onRead?(message.wireBytes)
                return message.bytes
            }
            if let ending {
                guard ending.status.isOK else { throw ending.status }
                return nil
            }
            await receiveEvent()
        }
    }

    /// The call's final status, waiting for it (messages before it stay readable).
    package func finalStatus() async -> Status {
        while ending == nil { await receiveEvent() }
        return ending?.status ?? Status.transport(.internal, "the call ended without a status")
    }

    package func trailingMetadata() -> Metadata {
        ending?.trailers ?? Metadata()
    }

    /// Ends the call as cancelled unless it has ended already.
    package func cancel() {
        if ending == nil { ending = (Status.transport(.cancelled, "the call was cancelled"), Metadata()) }
        events.finish()
    }

    private func receiveEvent() async {
        switch await events.pop() {
        case .headers(let metadata)?: headers = metadata
        case .message(let bytes, let wireBytes)?: pendingMessages.append((bytes, wireBytes))
        case .end(let status, let trailers)?: ending = (status, trailers)
        case nil: ending = ending ?? (Status.transport(.cancelled, "the call was cancelled"), Metadata())
        }
    }
}
