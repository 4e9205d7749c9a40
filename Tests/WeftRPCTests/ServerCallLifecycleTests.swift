import Testing
@testable import WeftRPC
@testable import WeftRPCHTTP2

/// A server call's response decisions without I/O: events in, actions out.
struct ServerCallLifecycleTests {
    @Test func anEndingBeforeHeadersIsTrailersOnlyAfterThemTrailers() {
        var early = ServerCallLifecycle(unsentLimit: 100)
        #expect(early.end() == .trailersOnly)
        var late = ServerCallLifecycle(unsentLimit: 100)
        #expect(late.headersRequested() == true)
        #expect(late.messageWritten(size: 10) == .send(waitUntilSent: false))
        #expect(late.end() == .trailers)
    }

    /// The transport ends the call (an oversize request) while the handler's headers are still
    /// on their way to the event loop: the call ends Trailers-Only and the late headers and
    /// messages are dropped, so the stream ends exactly once.
    @Test func headersArrivingAfterATransportFailureAreDropped() {
        var call = ServerCallLifecycle(unsentLimit: 100)
        #expect(call.end() == .trailersOnly)
        #expect(call.headersRequested() == false)
        #expect(call.messageWritten(size: 10) == .drop)
        #expect(call.end() == .none)
    }

    @Test func theCallEndsOnce() {
        var call = ServerCallLifecycle(unsentLimit: 100)
        #expect(call.headersRequested() == true)
        #expect(call.headersRequested() == false)
        #expect(call.end() == .trailers)
        #expect(call.end() == .none)
    }

    @Test func theHandlerWaitsOnlyWhileTooManyBytesAreUnsent() {
        var call = ServerCallLifecycle(unsentLimit: 100)
        _ = call.headersRequested()
        #expect(call.messageWritten(size: 60) == .send(waitUntilSent: false))
        #expect(call.messageWritten(size: 60) == .send(waitUntilSent: true))
        call.messageLeft(size: 60)
        call.messageLeft(size: 60)
        #expect(call.messageWritten(size: 100) == .send(waitUntilSent: false))
    }

    @Test func aClosedConnectionDropsEverything() {
        var call = ServerCallLifecycle(unsentLimit: 100)
        _ = call.headersRequested()
        call.connectionClosed()
        #expect(call.messageWritten(size: 1) == .drop)
        #expect(call.end() == .none)
    }
}
