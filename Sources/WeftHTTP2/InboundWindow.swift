/// The receive side of flow control: DATA bytes each stream received and the consumer has not
/// yet consumed. A plain value: `HTTP2Connection` acknowledges (WINDOW_UPDATE) only what it
/// says, and gives a closing stream's unconsumed bytes back to the connection window.
struct InboundWindow {
    private var unconsumed: [Int32: Int] = [:]

    /// `byteCount` bytes of DATA arrived on `stream`.
    mutating func received(_ byteCount: Int, stream: Int32) {
        unconsumed[stream, default: 0] += byteCount
    }

    /// The consumer is done with `byteCount` bytes of `stream`: how many may be acknowledged
    /// (never more than arrived and were not acknowledged yet).
    mutating func consume(_ byteCount: Int, stream: Int32) -> Int {
        guard let held = unconsumed[stream], byteCount > 0 else { return 0 }
        let count = min(byteCount, held)
        unconsumed[stream] = held - count
        return count
    }

    /// `stream` closed: the bytes it never consumed, which the connection window gets back.
    mutating func close(stream: Int32) -> Int {
        unconsumed.removeValue(forKey: stream) ?? 0
    }
}
