import NIOCore
import Testing
@testable import WeftHTTP2

/// `PeerConduct` without I/O: frame headers and instants in, verdicts out.
struct PeerConductTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let (headers, reset, continuation, endHeaders): (UInt8, UInt8, UInt8, UInt8) = (0x1, 0x3, 0x9, 0x4)

    static func limits(_ change: (inout HTTP2Configuration.PeerLimits) -> Void) -> HTTP2Configuration.PeerLimits {
        var limits = HTTP2Configuration.PeerLimits()
        change(&limits)
        return limits
    }

    @Test func resetsBeyondTheBurstAreTooManyUntilTokensComeBack() {
        var conduct = PeerConduct(limits: Self.limits { $0.resetBurst = 3; $0.resetsPerSecond = 2 })
        for _ in 0..<3 { #expect(conduct.frameBegan(type: Self.reset, flags: 0, at: Self.start) == .proceed) }
        #expect(conduct.frameBegan(type: Self.reset, flags: 0, at: Self.start) != .proceed)
        // Half a second later one token is back: one more reset, not two.
        let later = Self.start + .milliseconds(500)
        #expect(conduct.frameBegan(type: Self.reset, flags: 0, at: later) == .proceed)
        #expect(conduct.frameBegan(type: Self.reset, flags: 0, at: later) != .proceed)
        // Tokens never exceed the burst, however long the peer waits.
        let muchLater = later + .seconds(3600)
        for _ in 0..<3 { #expect(conduct.frameBegan(type: Self.reset, flags: 0, at: muchLater) == .proceed) }
        #expect(conduct.frameBegan(type: Self.reset, flags: 0, at: muchLater) != .proceed)
    }

    @Test func aHeaderBlockMayTakeSoManyContinuationFrames() {
        var conduct = PeerConduct(limits: Self.limits { $0.maximumContinuationFrames = 2 })
        #expect(conduct.frameBegan(type: Self.headers, flags: 0, at: Self.start) == .proceed)
        #expect(conduct.frameBegan(type: Self.continuation, flags: 0, at: Self.start) == .proceed)
        #expect(conduct.frameBegan(type: Self.continuation, flags: Self.endHeaders, at: Self.start) == .proceed)
        // The count starts again with each block.
        #expect(conduct.frameBegan(type: Self.headers, flags: 0, at: Self.start) == .proceed)
        #expect(conduct.frameBegan(type: Self.continuation, flags: 0, at: Self.start) == .proceed)
        #expect(conduct.frameBegan(type: Self.continuation, flags: 0, at: Self.start) == .proceed)
        #expect(conduct.frameBegan(type: Self.continuation, flags: 0, at: Self.start) != .proceed)
    }

    @Test func anUnfinishedHeaderBlockHasADeadline() {
        var conduct = PeerConduct(limits: Self.limits { $0.headerBlockTimeout = .seconds(10) })
        #expect(conduct.frameBegan(type: Self.headers, flags: Self.endHeaders, at: Self.start) == .proceed)
        #expect(conduct.headerBlockDeadline == nil)
        #expect(conduct.frameBegan(type: Self.headers, flags: 0, at: Self.start) == .proceed)
        #expect(conduct.headerBlockDeadline == Self.start + .seconds(10))
        #expect(conduct.headerBlockTimerFired(at: Self.start + .seconds(9)) == .proceed)
        #expect(conduct.headerBlockTimerFired(at: Self.start + .seconds(10)) != .proceed)
        #expect(conduct.frameBegan(type: Self.continuation, flags: Self.endHeaders, at: Self.start + .seconds(11)) == .proceed)
        #expect(conduct.headerBlockDeadline == nil)
        #expect(conduct.headerBlockTimerFired(at: Self.start + .seconds(20)) == .proceed)
    }

    @Test func thePrefaceTimeoutCountsOnlyWithoutSettings() {
        var conduct = PeerConduct(limits: HTTP2Configuration.PeerLimits())
        #expect(conduct.prefaceTimeoutElapsed() != .proceed)
        conduct.prefaceReceived()
        #expect(conduct.prefaceTimeoutElapsed() == .proceed)
    }
}
