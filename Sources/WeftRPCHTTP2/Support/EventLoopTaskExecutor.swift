#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Synchronization
import WeftRPC

/// Runs Swift tasks on a NIO event loop: a server call's handler task (and an embedded REST
/// request's in-process call) starts on the loop that received the call, so reading the
/// request, running a short handler and queueing the answer take no thread hop. Work that
/// suspends elsewhere comes back to the loop.
///
/// A handler that blocks or computes for long holds up the connection's other calls while it
/// runs; `GRPCServer.Configuration.runsHandlersOnEventLoops` turns this off.
package final class EventLoopTaskExecutor: TaskExecutor {
    /// Begun when the event loops are about to stop: a handler still running then (past the
    /// drain) continues on the global executor instead of a loop that would drop its job.
    package final class Shutdown: Sendable {
        private let begun = Atomic(false)
        /// Jobs being handed to a loop right now.
        private let handingOver = Atomic(0)

        package init() {}

        /// From now on no job goes to a loop; returns once every job already being handed to
        /// one is queued there, so the loops may stop after it without dropping any.
        package func begin() {
            begun.store(true, ordering: .sequentiallyConsistent)
            // An enqueuer counts itself before it reads `begun`, and this reads its count after
            // setting it (both sequentially consistent): either it sees `begun` and does not
            // queue, or this sees it and waits the moment its `execute` takes.
            while handingOver.load(ordering: .sequentiallyConsistent) > 0 { sched_yield() }
        }

        /// Runs `handOver` (queueing a job on a loop) unless `begin` was called; whether it ran.
        func unlessBegun(_ handOver: () -> Void) -> Bool {
            handingOver.add(1, ordering: .sequentiallyConsistent)
            defer { handingOver.subtract(1, ordering: .sequentiallyConsistent) }
            guard !begun.load(ordering: .sequentiallyConsistent) else { return false }
            handOver()
            return true
        }
    }

    private let eventLoop: any EventLoop
    private let shutdown: Shutdown

    package init(_ eventLoop: any EventLoop, shutdown: Shutdown) {
        self.eventLoop = eventLoop
        self.shutdown = shutdown
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let queued = shutdown.unlessBegun {
            eventLoop.execute { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
        if !queued { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }
}
