import NIOCore

/// One event-loop timer for every call deadline of a connection, client or server side: the
/// deadlines wait in `CallDeadlines`, earliest first, and the timer is set for the earliest
/// only. Scheduling and cancelling a timer per call cost more than the rest of a call's
/// bookkeeping. Lives on the connection's event loop.
final class CallDeadlineTimer {
    private let eventLoop: any EventLoop
    private var deadlines = CallDeadlines()
    private var timer: (due: NIODeadline, scheduled: Scheduled<Void>)?
    /// Handed the streams whose deadline passed, earliest first (some may have ended already).
    private let passed: ([Int32]) -> Void

    init(eventLoop: any EventLoop, passed: @escaping ([Int32]) -> Void) {
        self.eventLoop = eventLoop
        self.passed = passed
    }

    /// Hands `stream` to `passed` at `deadline`, unless the timer is stopped first. A call that
    /// ends sooner leaves its entry behind: ended calls' entries at the front are dropped as new
    /// ones come (`isRunning` tells), and the rest once there are more than twice the running
    /// calls' (and a few), so memory stays bounded by the calls running.
    func watch(_ stream: Int32, until deadline: NIODeadline, runningCalls: Int, isRunning: (Int32) -> Bool) {
        deadlines.dropEndedFront(isRunning: isRunning)
        deadlines.add(deadline, stream: stream)
        if deadlines.count > 2 * runningCalls + 64 { deadlines.compact(keeping: isRunning) }
        arm()
    }

    /// Forgets every deadline and cancels the timer: the connection is gone.
    func stop() {
        timer?.scheduled.cancel()
        timer = nil
        deadlines = CallDeadlines()
    }

    /// Sets the timer for the earliest deadline, unless one is set for it or earlier (a timer
    /// that fires early finds nothing due and is set again).
    private func arm() {
        guard let earliest = deadlines.earliest else { return }
        if let set = timer {
            guard earliest < set.due else { return }
            set.scheduled.cancel()
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        timer = (earliest, eventLoop.scheduleTask(deadline: earliest) { bound.value.fired() })
    }

    private func fired() {
        timer = nil
        let due = deadlines.takeDue(at: .now())
        if !due.isEmpty { passed(due) }
        arm()
    }
}
