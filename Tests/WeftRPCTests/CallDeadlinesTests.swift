import NIOCore
import Testing
@testable import WeftRPCHTTP2

/// The deadlines of a connection's unary calls, served by one timer.
@Suite struct CallDeadlinesTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test func dueEntriesComeOutEarliestFirstWhateverTheOrderTheyWentIn() {
        var deadlines = CallDeadlines()
        for (offset, stream) in [(30, 1), (10, 3), (50, 5), (20, 7), (10, 9), (40, 11)] {
            deadlines.add(start + .seconds(Int64(offset)), stream: Int32(stream))
        }
        #expect(deadlines.earliest == start + .seconds(10))
        #expect(deadlines.takeDue(at: start + .seconds(5)).isEmpty)
        #expect(Set(deadlines.takeDue(at: start + .seconds(10))) == [3, 9])
        #expect(deadlines.takeDue(at: start + .seconds(35)) == [7, 1])
        #expect(deadlines.earliest == start + .seconds(40))
        #expect(deadlines.count == 2)
        #expect(deadlines.takeDue(at: start + .seconds(100)) == [11, 5])
        #expect(deadlines.earliest == nil)
    }

    @Test func compactingDropsEndedCallsAndKeepsTheOrder() {
        var deadlines = CallDeadlines()
        for stream in stride(from: Int32(1), through: 99, by: 2) {
            deadlines.add(start + .seconds(Int64(100 - stream)), stream: stream)
        }
        deadlines.compact { $0 % 3 == 0 }
        #expect(deadlines.count == 17)
        let due = deadlines.takeDue(at: start + .seconds(1000))
        #expect(due == stride(from: Int32(99), through: 1, by: -2).filter { $0 % 3 == 0 })
    }

    /// Ended calls at the front go; the first running one stops the sweep, whatever ended
    /// behind it.
    @Test func droppingEndedEntriesAtTheFrontStopsAtTheFirstRunningOne() {
        var deadlines = CallDeadlines()
        for stream in Int32(1)...6 { deadlines.add(start + .seconds(Int64(stream)), stream: stream) }
        let running: Set<Int32> = [3, 6]
        deadlines.dropEndedFront { running.contains($0) }
        #expect(deadlines.earliest == start + .seconds(3))
        #expect(deadlines.count == 4)
        #expect(deadlines.takeDue(at: start + .seconds(10)) == [3, 4, 5, 6])
    }
}
