import NIOCore

/// The deadlines of one connection's calls, earliest first, so that one timer serves them all
/// (`CallDeadlineTimer`): scheduling and cancelling an event-loop timer per call cost more than
/// the rest of the call's bookkeeping. A call that ends leaves its entry behind (finding it
/// would take a search); entries of ended calls are skipped when they come due, and dropped
/// from the front as new ones come (`dropEndedFront`) and all at once by `compact`.
struct CallDeadlines {
    private var heap: [(deadline: NIODeadline, stream: Int32)] = []

    /// Entries held, those of ended calls included.
    var count: Int { heap.count }

    /// The earliest deadline held.
    var earliest: NIODeadline? { heap.first?.deadline }

    /// Adds `stream`'s deadline.
    mutating func add(_ deadline: NIODeadline, stream: Int32) {
        heap.append((deadline, stream))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes the entries due at `now`, earliest first, and returns their streams.
    mutating func takeDue(at now: NIODeadline) -> [Int32] {
        var due: [Int32] = []
        while let first = heap.first, first.deadline <= now {
            due.append(first.stream)
            removeFirst()
        }
        return due
    }

    /// Drops entries from the front while their streams have ended: with deadlines that come
    /// in order (the same timeout on every call), the earliest are the oldest calls, mostly over.
    mutating func dropEndedFront(isRunning: (Int32) -> Bool) {
        while let first = heap.first, !isRunning(first.stream) { removeFirst() }
    }

    /// Keeps only the entries of streams for which `isRunning` holds.
    mutating func compact(keeping isRunning: (Int32) -> Bool) {
        let kept = heap.filter { isRunning($0.stream) }
        heap = []
        heap.reserveCapacity(kept.count)
        for entry in kept { add(entry.deadline, stream: entry.stream) }
    }

    private mutating func removeFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let child = right < heap.count && heap[right].deadline < heap[left].deadline ? right : left
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            parent = child
        }
    }
}
