import Synchronization

/// How long a test waits for something that should happen (an event, an answer, a state)
/// before it gives up: a guard against hangs, never a measure of speed. Tests share a 2-core
/// machine with each other and with builds, so it is generous: something that normally takes
/// milliseconds still has ample room on a machine ten times slower than usual.
public let hangGuard: Duration = .seconds(120)

/// Checks `condition` every `interval` until it holds; whether it did before `limit` ran out
/// (checked once more at the limit). The caller decides what a `false` means, typically with
/// `#expect` or `#require`.
public func waitUntil(
    _ limit: Duration = hangGuard, interval: Duration = .milliseconds(10), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: interval)
    }
}

/// A one-way gate: `wait()` suspends until `open()` has been called (returns at once after).
/// Lets a test hold a handler (or any task) at a known point for exactly as long as it needs,
/// instead of guessing a delay. Waiting ignores cancellation; code that must stop when
/// cancelled polls `isOpen` with `Task.sleep` instead.
public final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether `open()` has been called.
    public var isOpen: Bool { state.withLock { $0.isOpen } }

    /// Opens the gate: every waiter resumes, and later `wait()`s return at once. Idempotent.
    public func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            let waiters = state.waiters
            state.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Suspends until the gate is open.
    public func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let openAlready = state.withLock { state in
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if openAlready { continuation.resume() }
        }
    }
}

/// The open-connection counts a server reported, in order (`GRPCServer.Configuration.connectionCountChanged`):
/// proof that a connection closed and another opened, whatever the timing.
public final class ConnectionCounts: Sendable {
    private let history = Mutex([Int]())

    public init() {}

    public func record(_ count: Int) {
        history.withLock { $0.append(count) }
    }

    /// Every count reported so far.
    public var reported: [Int] { history.withLock { $0 } }
}
