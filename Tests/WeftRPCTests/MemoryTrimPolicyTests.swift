import Testing
@testable import WeftRPC
@testable import WeftRPCHTTP2

/// When a server gives memory back: after its connections fall to half their peak, by enough.
struct MemoryTrimPolicyTests {
    @Test func trimsEachTimeTheConnectionsHalveByEnough() {
        var policy = MemoryTrimPolicy(minimumDrop: 100)
        var trims: [Int] = []
        for open in Array(0...1000) + Array((0..<1000).reversed()) where policy.connectionsChanged(to: open) {
            trims.append(open)
        }
        #expect(trims == [500, 250, 125, 25, 0])
    }

    @Test func aSmallServerComingAndGoingNeverTrims() {
        var policy = MemoryTrimPolicy(minimumDrop: 256)
        for _ in 0..<100 {
            #expect(policy.connectionsChanged(to: 1) == false)
            #expect(policy.connectionsChanged(to: 0) == false)
        }
    }
}
