import Foundation
import Synchronization
import Testing
@testable import WeftRPCHTTP2
import WeftTestSupport

/// The switch that moves handler jobs off the event loops before they stop.
@Suite struct EventLoopTaskExecutorShutdownTests {
    /// Before `begin`, jobs are handed to their loop; once it has returned, none is.
    @Test func afterBeginNoJobIsHandedToALoop() {
        let shutdown = EventLoopTaskExecutor.Shutdown()
        var handedOver = 0
        #expect(shutdown.unlessBegun { handedOver += 1 })
        #expect(shutdown.unlessBegun { handedOver += 1 })
        shutdown.begin()
        #expect(!shutdown.unlessBegun { handedOver += 1 })
        #expect(handedOver == 2)
    }

    /// What the two threads of the next test tell each other.
    final class Flags: Sendable {
        private let raised = Mutex(Set<String>())

        func set(_ flag: String, to value: Bool = true) {
            raised.withLock { raised in
                if value { raised.insert(flag) } else { raised.remove(flag) }
            }
        }

        func isSet(_ flag: String) -> Bool { raised.withLock { $0.contains(flag) } }
    }

    /// `begin` waits for a hand-over in progress: when it returns, the job is queued. (Threads,
    /// not tasks: both sides wait by spinning, which would hold the cooperative pool.)
    @Test func beginWaitsForAHandOverInProgress() async throws {
        let shutdown = EventLoopTaskExecutor.Shutdown()
        let flags = Flags()
        Thread.detachNewThread {
            _ = shutdown.unlessBegun {
                flags.set("entered")
                while !flags.isSet("release") { sched_yield() }
                flags.set("finished")
            }
        }
        #expect(try await waitUntil { flags.isSet("entered") })
        Thread.detachNewThread {
            shutdown.begin()
            flags.set("finishedWhenBegun", to: flags.isSet("finished"))
            flags.set("begun")
        }
        // A moment for a `begin` that did not wait to return first (however long this takes,
        // a `begin` that waits passes).
        try await Task.sleep(for: .milliseconds(50))
        flags.set("release")
        #expect(try await waitUntil { flags.isSet("begun") })
        #expect(flags.isSet("finishedWhenBegun"))
    }
}
