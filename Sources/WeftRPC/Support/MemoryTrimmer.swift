#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// Gives memory back to the operating system after many connections closed. glibc's allocator
/// keeps what a burst of connections freed (10,000 half-open TLS handshakes left a server at
/// 260 MB after they closed, from 35 MB); `malloc_trim` returns the free pages. It runs off
/// the event loops, once each time the open connections fall to half of their peak since the
/// last trim, or to none. Elsewhere than glibc it does nothing.
public final class MemoryTrimmer: Sendable {
    private let policy: Mutex<MemoryTrimPolicy>
    private let trim: @Sendable () -> Void

    /// A trimmer for one server's connections; `minimumDrop` closed connections at least
    /// between trims.
    public init(minimumDrop: Int = 256) {
        policy = Mutex(MemoryTrimPolicy(minimumDrop: minimumDrop))
        trim = Self.systemTrim
    }

    /// The number of open connections changed.
    public func connectionsChanged(to open: Int) {
        guard policy.withLock({ $0.connectionsChanged(to: open) }) else { return }
        let trim = self.trim
        DispatchQueue.global(qos: .utility).async { trim() }
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
