import NIOCore

/// Runs Swift tasks on a NIO event loop: a server call's handler task starts on the loop that
/// received the call, so reading the request, running a short handler and queueing the answer
/// take no thread hop. Work that suspends elsewhere comes back to the loop.
///
/// A handler that blocks or computes for long holds up the connection's other calls while it
/// runs; `GRPCServer.Configuration.runsHandlersOnEventLoops` turns this off.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
