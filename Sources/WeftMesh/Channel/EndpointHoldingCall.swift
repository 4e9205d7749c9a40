import Synchronization
import WeftMessages
import WeftRPC

/// A streaming call that keeps its endpoint counted in flight until it ends (its last
/// response, its error, or its cancellation), then reports how it went: balancing sees
/// streams as load, and a stream refused or failed with UNAVAILABLE counts against its
/// endpoint. `onEnd` runs exactly once.
public final class EndpointHoldingCall: ClientCall {
    private let call: any ClientCall
    private let onEnd: @Sendable (CallOutcome) -> Void
    private let ended = Atomic(false)

    /// Wraps `call`, started on an endpoint whose hold `onEnd` releases.
    public init(_ call: any ClientCall, onEnd: @escaping @Sendable (CallOutcome) -> Void) {
        self.call = call
        self.onEnd = onEnd
    }

    deinit { end(.neutral) }

    private func end(_ outcome: CallOutcome) {
        guard !ended.exchange(true, ordering: .relaxed) else { return }
        onEnd(outcome)
    }

    public func send(_ message: [UInt8]) async throws { try await call.send(message) }
    public func finishRequests() async throws { try await call.finishRequests() }
    public func trailingMetadata() async -> Metadata { await call.trailingMetadata() }

    public func initialMetadata() async throws -> Metadata {
        do {
            return try await call.initialMetadata()
        } catch {
            end(.failed(error))  // refused before any response (Trailers-Only)
            throw error
        }
    }

    public func next() async throws -> [UInt8]? {
        do {
            let message = try await call.next()
            if message == nil { end(.succeeded(latency: nil)) }
            return message
        } catch {
            end(.failed(error))
            throw error
        }
    }

    public func cancel() {
        call.cancel()
        end(.neutral)
    }
}
