import Synchronization
import WeftRPC

/// Cancels the unary calls started with it (`GRPCConnection.unaryFuture(_:request:options:cancellation:)`),
/// for callers that try a call more than once: the try in flight resets its stream, and a try
/// started after `cancel` fails at once with CANCELLED.
public final class UnaryCancellation: Sendable {
    private let state = Mutex<(cancelled: Bool, current: (@Sendable () -> Void)?)>((false, nil))

    public init() {}

    /// What a try started after `cancel` fails with.
    package static let cancelled = Status(.cancelled, "the call was cancelled")

    /// Whether `cancel` was called.
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Cancels the call in flight and every later one.
    public func cancel() {
        let current = state.withLock { state in
            state.cancelled = true
            defer { state.current = nil }
            return state.current
        }
        current?()
    }

    /// Makes `cancelTry` what `cancel` runs; false when the calls are already cancelled.
    func register(_ cancelTry: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { state in
            guard !state.cancelled else { return false }
            state.current = cancelTry
            return true
        }
    }
}
