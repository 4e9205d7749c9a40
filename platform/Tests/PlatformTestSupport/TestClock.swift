import Foundation
import Synchronization

/// A clock the tests move by hand, for services that take `now: @Sendable () -> Date`.
public final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))

    public init() {}

    public var now: Date { time.withLock { $0 } }

    public func advance(_ seconds: TimeInterval) {
        time.withLock { $0 += seconds }
    }
}
