#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import WeftRPC

/// Gives memory back to the operating system after many connections closed. glibc's allocator
/// keeps what a burst of connections freed (10,000 half-open TLS handshakes left a server at
/// 260 MB after they closed, from 35 MB); `malloc_trim` returns the free pages. It runs off
/// the event loops, half a second after the open connections fall to half of their peak since
/// the last trim, or to none (once for a burst). Elsewhere than glibc it does nothing.
package final class MemoryTrimmer: Sendable {
    private struct State {
        var policy: MemoryTrimPolicy
        /// A trim is scheduled; `again`: another was asked for meanwhile.
        var scheduled = false
        var again = false
    }

    private let state: Mutex<State>
    private let trim: @Sendable () -> Void
    /// How long after it is asked for a trim runs: a closed channel's memory is freed a moment
    /// after its close is reported, and a burst of closes is trimmed once.
    private static let delay = DispatchTimeInterval.milliseconds(500)

    /// A trimmer for one server's connections; `minimumDrop` closed connections at least
    /// between trims.
    package init(minimumDrop: Int = 256) {
        state = Mutex(State(policy: MemoryTrimPolicy(minimumDrop: minimumDrop)))
        trim = Self.systemTrim
    }

    /// The number of open connections changed.
    package func connectionsChanged(to open: Int) {
        let schedule = state.withLock { state in
            guard state.policy.connectionsChanged(to: open) else { return false }
            if state.scheduled {
                state.again = true
                return false
            }
            state.scheduled = true
            return true
        }
        if schedule { scheduleTrim() }
    }

    private func scheduleTrim() {
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + Self.delay) { [self] in
            trim()
            let again = state.withLock { state in
                state.scheduled = state.again
                state.again = false
                return state.scheduled
            }
            if again { scheduleTrim() }
        }
    }

    /// glibc's `malloc_trim(0)`, looked up at run time (it is not in Swift's Glibc module).
    private static let systemTrim: @Sendable () -> Void = {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            let function = unsafeBitCast(symbol, to: Trim.self)
            return { _ = function(0) }
        }
        #endif
        return {}
    }()
}

/// When to trim: once the open connections have fallen to half their peak since the last trim,
/// and by at least `minimumDrop`; or to none, by at least an eighth of that. A plain value.
struct MemoryTrimPolicy {
    let minimumDrop: Int
    private var peak = 0

    init(minimumDrop: Int) {
        self.minimumDrop = minimumDrop
    }

    /// Whether to trim now that `open` connections are open.
    mutating func connectionsChanged(to open: Int) -> Bool {
        peak = max(peak, open)
        let dropped = peak - open
        guard (open <= peak / 2 && dropped >= minimumDrop) || (open == 0 && dropped >= minimumDrop / 8) else { return false }
        peak = open
        return true
    }
}
