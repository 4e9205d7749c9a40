import Synchronization

/// Which of two racing events (an outcome, a deadline) acts: the first to claim.
package final class Settled: Sendable {
    private let done = Atomic(false)

    package init() {}

    /// True for the first caller only.
    package func claim() -> Bool {
        !done.exchange(true, ordering: .acquiringAndReleasing)
    }
}
