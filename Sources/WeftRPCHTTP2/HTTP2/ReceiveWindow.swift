import WeftRPC

/// When to acknowledge a stream's received bytes. Bytes are acknowledged at once while the
/// messages waiting for their reader stay under `limit`; past it, acknowledgment waits until the
/// reader takes messages, so the peer stops sending. A plain value kept on the event loop.
struct ReceiveWindow {
    let limit: Int
    /// Received, not yet acknowledged.
    private(set) var unacknowledged = 0
    /// Wire bytes of whole messages queued for the reader.
    private(set) var queued = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// `count` bytes arrived, of which `completedMessageBytes` completed queued messages; how
    /// many to acknowledge now.
    mutating func received(_ count: Int, completedMessageBytes: Int) -> Int {
        unacknowledged += count
        queued += completedMessageBytes
        return release()
    }

    /// The reader took a message of `wireBytes`; how many to acknowledge now.
    mutating func read(_ wireBytes: Int) -> Int {
        queued -= wireBytes
        return release()
    }

    private mutating func release() -> Int {
        guard queued < limit else { return 0 }
        defer { unacknowledged = 0 }
        return unacknowledged
    }
}
