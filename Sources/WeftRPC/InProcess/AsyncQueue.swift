/// An unbounded single-consumer queue: producers push without waiting, the consumer awaits the
/// next element. Finishing ends the queue (after what is buffered); pushes after that are dropped.
actor AsyncQueue<Element: Sendable> {
    private var buffer: [Element] = []
    private var isFinished = false
    private var waiter: CheckedContinuation<Element?, Never>?

    func push(_ element: Element) {
        guard !isFinished else { return }
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: element)
        } else {
            buffer.append(element)
        }
    }

    func finish() {
        isFinished = true
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: nil)
        }
    }

    /// The next element; nil once the queue is finished and drained, or when the waiting task
    /// is cancelled.
    func pop() async -> Element? {
        if !buffer.isEmpty { return buffer.removeFirst() }
        if isFinished { return nil }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Cancelled before waiting: the handler below may already have run.
                if Task.isCancelled { continuation.resume(returning: nil) } else { waiter = continuation }
            }
        } onCancel: {
            Task { await self.releaseWaiter() }
        }
    }

    private func releaseWaiter() {
        waiter?.resume(returning: nil)
        waiter = nil
    }
}
