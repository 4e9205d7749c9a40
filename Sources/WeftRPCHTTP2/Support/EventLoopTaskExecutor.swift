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
    /// Set when the event loops are about to stop: a handler still running then (past the
    /// drain) continues on the global executor instead of a loop that would drop its job.
    package final class Shutdown: Sendable {
        package let hasBegun = Atomic(false)
        package init() {}
    }

    private let eventLoop: any EventLoop
    private let shutdown: Shutdown

    package init(_ eventLoop: any EventLoop, shutdown: Shutdown) {
        self.eventLoop = eventLoop
        self.shutdown = shutdown
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        guard !shutdown.hasBegun.load(ordering: .acquiring) else {
            globalConcurrentExecutor.enqueue(job)
            return
        }
        let job = UnownedJob(job)
        eventLoop.execute { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
