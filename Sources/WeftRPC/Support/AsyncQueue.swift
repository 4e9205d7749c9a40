import Synchronization

/// An unbounded single-consumer queue: producers push without waiting (from any thread, in
/// order, e.g. an event loop), the consumer awaits the next element. Finishing ends the queue
/// after what is buffered; pushes after that are dropped. A waiting consumer that is cancelled
/// gets nil.
///
/// Public and `@inlinable`, though only Weft's own modules use it, so that the transport
/// specializes it for its elements: a `package` generic runs unspecialized in other modules,
/// and this queue carries every served call's requests (its unspecialized code's type metadata
/// lookups were 8% of a server's CPU).
public final class AsyncQueue<Element: Sendable>: Sendable {
    @usableFromInline struct State {
        @usableFromInline var buffer: [Element] = []
        @usableFromInline var isFinished = false
        @usableFromInline var waiter: CheckedContinuation<Element?, Never>?

        @inlinable init() {}
    }

    @usableFromInline let state: Mutex<State>

    @inlinable public init() {
        state = Mutex(State())
    }

    @inlinable deinit {}

    @inlinable public func push(_ element: Element) {
        let waiter: CheckedContinuation<Element?, Never>? = state.withLock { state in
            guard !state.isFinished else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffer.append(element)
            return nil
        }
        waiter?.resume(returning: element)
    }

    @inlinable public func finish() {
        let waiter = state.withLock { state in
            state.isFinished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// What a pop takes without waiting: the next element, or nil once the queue is finished
    /// and drained; none while it must wait.
    @inlinable static func takeReady(_ state: inout State) -> Element?? {
        if !state.buffer.isEmpty { return .some(state.buffer.removeFirst()) }
        return state.isFinished ? .some(nil) : .none
    }

    /// The next element; nil once the queue is finished and drained, or when the waiting task
    /// is cancelled.
    @inlinable public func pop() async -> Element? {
        // Usually an element or the end is there already (a unary call's request and its end
        // arrive with its headers): taken without suspending, and without registering for
        // cancellation, which takes the task's status lock twice.
        if let ready = state.withLock({ Self.takeReady(&$0) }) { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: Element?? = state.withLock { state in
                    if let ready = Self.takeReady(&state) { return ready }
                    if Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
