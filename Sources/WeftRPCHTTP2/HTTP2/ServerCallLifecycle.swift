import WeftRPC

/// One server call's response, as its connection's event loop sees it: whether the headers went
/// out, how many message bytes wait unsent, whether the call has ended, and what each event
/// makes the connection do. A plain value confined to the event loop: `HTTP2ServerResponder`
/// brings it the handler's requests (hopping onto the loop) and the transport's events, and
/// performs the actions it returns, so no decision is taken on one thread and acted on by
/// another.
struct ServerCallLifecycle {
    private enum State {
        /// Nothing sent yet: an ending now is a Trailers-Only response.
        case awaitingHeaders
        /// The response headers went out: an ending now is trailers.
        case streaming
        /// Trailers went out, or the connection is gone: nothing more is sent.
        case ended
    }

    /// How an ending goes out.
    enum Ending: Equatable {
        /// One HEADERS frame with the status and END_STREAM (no headers were sent).
        case trailersOnly
        /// Trailers after the headers and messages already sent.
        case trailers
        /// The call has ended already: nothing to send.
        case none
    }

    /// What to do with a message the handler writes.
    enum MessageAction: Equatable {
        /// Queue it; when `waitUntilSent`, the handler waits until it went out (too many bytes
        /// wait unsent: the client reads slower than the handler writes).
        case send(waitUntilSent: Bool)
        /// The call has ended: the message is dropped.
        case drop
    }

    private var state = State.awaitingHeaders
    private var unsentBytes = 0
    /// How many unsent bytes a call may queue before the handler waits for them to go out.
    let unsentLimit: Int

    init(unsentLimit: Int) {
        self.unsentLimit = unsentLimit
    }

    /// The handler's response headers: whether to send them (once, and only before an ending).
    mutating func headersRequested() -> Bool {
        guard case .awaitingHeaders = state else { return false }
        state = .streaming
        return true
    }

    /// The handler wrote a message of `size` bytes (after its headers).
    mutating func messageWritten(size: Int) -> MessageAction {
        guard case .streaming = state else { return .drop }
        unsentBytes += size
        return .send(waitUntilSent: unsentBytes > unsentLimit)
    }

    /// `size` bytes of a message went out (or were abandoned with the stream).
    mutating func messageLeft(size: Int) {
        unsentBytes -= size
    }

    /// The call ends, by its handler or by the transport (an oversize request message): how
    /// its status goes out, once.
    mutating func end() -> Ending {
        switch state {
        case .awaitingHeaders:
            state = .ended
            return .trailersOnly
        case .streaming:
            state = .ended
            return .trailers
        case .ended:
            return .none
        }
    }

    /// The connection closed: whatever the handler still sends is dropped.
    mutating func connectionClosed() {
        state = .ended
    }
}
