/// At most `limit` calls in flight to one upstream; the next one is refused at once (503)
/// rather than queued, so a slow upstream cannot tie up the whole gateway.
public struct Bulkhead: Sendable, Hashable {
    public let limit: Int
    package private(set) var inFlight = 0

    public init(limit: Int) {
        precondition(limit > 0, "a bulkhead needs room for one call")
        self.limit = limit
    }

    /// Takes a slot if one is free; a taken slot must be released when the call ends.
    package mutating func tryEnter() -> Bool {
        guard inFlight < limit else { return false }
        inFlight += 1
        return true
    }

    package mutating func leave() {
        precondition(inFlight > 0, "leaving a bulkhead nobody entered")
        inFlight -= 1
    }
}
