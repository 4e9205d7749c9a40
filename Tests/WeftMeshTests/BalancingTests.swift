import Synchronization
import Testing
@testable import WeftMesh
import WeftMessages
import WeftRPC
import WeftTestSupport

/// Power of two choices and outlier ejection: the balancer alone, then over real servers.
@Suite struct BalancingTests {
    @Test func powerOfTwoChoicesPrefersTheLessBusyEndpoint() {
        var balancer = EndpointBalancer(count: 2, balancing: .powerOfTwoChoices, outliers: OutlierPolicy())
        let now = ContinuousClock.now
        // Endpoint 0 answers in 50 ms, endpoint 1 in 1 ms.
        for _ in 0..<4 {
            for index in 0..<2 {
                _ = balancer.pick(usable: [index], at: now)
                balancer.finished(index, .succeeded(latency: index == 0 ? .milliseconds(50) : .milliseconds(1)), at: now)
            }
        }
        var random = [0, 1].makeIterator()
        #expect(balancer.pick(usable: [0, 1], at: now) { _ in random.next() ?? 0 } == 1)
    }

    @Test func consecutiveFailuresEjectAndTheEndpointComesBack() {
        var policy = OutlierPolicy()
        policy.consecutiveFailures = 3
        policy.ejectionDuration = .seconds(1)
        var balancer = EndpointBalancer(count: 3, balancing: .roundRobin, outliers: policy)
        let now = ContinuousClock.now
        for _ in 0..<3 {
            _ = balancer.pick(usable: [0], at: now)
            balancer.finished(0, .endpointFailed, at: now)
        }
        #expect(balancer.isEjected(0, at: now))
        #expect((0..<6).map { _ in balancer.pick(usable: [0, 1, 2], at: now)! }.allSatisfy { $0 != 0 })
        #expect(!balancer.isEjected(0, at: now + .seconds(1)))
        // At most half of the endpoints are ejected at once: a second failing one stays in.
        for _ in 0..<3 {
            _ = balancer.pick(usable: [1], at: now)
            balancer.finished(1, .endpointFailed, at: now)
        }
        #expect(!balancer.isEjected(1, at: now))
    }

    @Test func aSlowEndpointGetsFewerCallsUnderPowerOfTwoChoices() async throws {
        // Slow by a margin no loaded machine closes: the quick endpoint, however delayed its calls,
        // still looks far less busy. (The slow one gets the first few calls, made before its
        // latency is known, and hardly any after.)
        let slow = try await MeshServer.start(port: 0, tls: nil, services: [Delayed(delay: .seconds(1))])
        let fast = Delayed(delay: .zero)
        let quick = try await MeshServer.start(port: 0, tls: nil, services: [fast])
        let channel = MeshChannel(
            endpoints: [Endpoint(host: "127.0.0.1", port: slow.port), Endpoint(host: "127.0.0.1", port: quick.port)], tls: nil,
            configuration: .defaults.with { $0.balancing = .powerOfTwoChoices })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { for _ in 0..<50 { _ = try await Delayed.call(channel) } }
            }
            try await group.waitForAll()
        }
        #expect(fast.count > 140)  // of 200
        await channel.close()
        try await slow.shutdown(gracePeriod: .seconds(1))
        try await quick.shutdown(gracePeriod: .seconds(1))
    }

    @Test func anEndpointAnsweringUnavailableIsEjected() async throws {
        let failing = Delayed(delay: .zero, failing: true)
        let healthy = Delayed(delay: .zero)
        let bad = try await MeshServer.start(port: 0, tls: nil, services: [failing])
        let good = try await MeshServer.start(port: 0, tls: nil, services: [healthy])
        var outliers = OutlierPolicy()
        outliers.consecutiveFailures = 3
        outliers.ejectionDuration = .seconds(60)  // its return is the balancer test's business
        let registry = PrometheusRegistry()
        let channel = MeshChannel(
            endpoints: [Endpoint(host: "127.0.0.1", port: bad.port), Endpoint(host: "127.0.0.1", port: good.port)], tls: nil,
            configuration: .defaults.with { $0.outliers = outliers }, metrics: ChannelMetrics(upstream: "echo", factory: registry))
        var failures = 0
        for _ in 0..<40 {
            do { _ = try await Delayed.call(channel) } catch { failures += 1 }
        }
        #expect(failures == 3)  // round robin reaches the failing endpoint three times, then it is out
        #expect(failing.count == 3 && healthy.count == 37)
        #expect(channel.endpointStates[0].ejected)
        let metrics = registry.render()
        #expect(metrics.contains(#"weft_rpc_client_ejections_total{upstream="echo"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"weft_rpc_client_connections{upstream="echo"} 2"#), "\(metrics)")
        await channel.close()
        #expect(registry.render().contains(#"weft_rpc_client_connections{upstream="echo"} 0"#))
        try await bad.shutdown(gracePeriod: .seconds(1))
        try await good.shutdown(gracePeriod: .seconds(1))
    }
}

extension BalancingTests {
    /// A stream counts as load on its endpoint for as long as it runs, not just while it starts.
    @Test func aStreamHoldsItsEndpointUntilItEnds() async throws {
        let server = try await MeshServer.start(port: 0, tls: nil, services: [Delayed(delay: .zero)])
        let channel = MeshChannel(endpoints: [Endpoint(host: "127.0.0.1", port: server.port)], tls: nil,
            configuration: .defaults.with { $0.balancing = .powerOfTwoChoices })
        let health = Health.Client(transport: channel)
        let whileOpen = try await health.watch(HealthCheckRequest(service: "")) { responses in
            for try await _ in responses { return channel.endpointStates[0].inFlight }
            return -1
        }
        #expect(whileOpen == 1)
        let released = try await waitUntil { channel.endpointStates[0].inFlight == 0 }
        #expect(released)
        await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func anEjectedEndpointReturnsOnceItsTimeIsUp() async throws {
        let flaky = Delayed(delay: .zero, failing: true)
        let steady = Delayed(delay: .zero)
        let bad = try await MeshServer.start(port: 0, tls: nil, services: [flaky])
        let good = try await MeshServer.start(port: 0, tls: nil, services: [steady])
        var outliers = OutlierPolicy()
        outliers.consecutiveFailures = 2
        outliers.ejectionDuration = .seconds(1)
        let registry = PrometheusRegistry()
        let channel = MeshChannel(
            endpoints: [Endpoint(host: "127.0.0.1", port: bad.port), Endpoint(host: "127.0.0.1", port: good.port)], tls: nil,
            configuration: .defaults.with { $0.outliers = outliers }, metrics: ChannelMetrics(upstream: "flaky", factory: registry))
        // Round robin: the second failure in a row ejects it. Counted, not looked at: on a loaded
        // machine the ejection may be over by the time a look comes.
        let ejections = #"weft_rpc_client_ejections_total{upstream="flaky"} 1"#
        for _ in 0..<4 where !registry.render().contains(ejections) { _ = try? await Delayed.call(channel) }
        #expect(registry.render().contains(ejections), "\(registry.render())")
        #expect(flaky.count == 2)
        // Healed while out of rotation: once the ejection ends, it takes its share again.
        flaky.setFailing(false)
        let returned = try await waitUntil { !channel.endpointStates[0].ejected }
        try #require(returned, "the ejection never ended")
        for _ in 0..<10 { _ = try await Delayed.call(channel) }
        #expect(!channel.endpointStates[0].ejected)
        #expect(flaky.count >= 2 + 4, "the returned endpoint took \(flaky.count - 2) of 10 calls")
        await channel.close()
        try await bad.shutdown(gracePeriod: .seconds(1))
        try await good.shutdown(gracePeriod: .seconds(1))
    }
}

/// Echo that waits `delay` (or fails with UNAVAILABLE), counting its calls.
final class Delayed: RegisteredService {
    let delay: Duration
    private let failing: Atomic<Bool>
    private let calls = Atomic(0)
    var count: Int { calls.load(ordering: .relaxed) }

    init(delay: Duration, failing: Bool = false) {
        self.delay = delay
        self.failing = Atomic(failing)
    }

    /// Starts or stops answering UNAVAILABLE.
    func setFailing(_ value: Bool) {
        failing.store(value, ordering: .relaxed)
    }

    static func call(_ channel: MeshChannel) async throws -> HealthCheckRequest {
        let response: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
            channel, MeshChannelTests.say, HealthCheckRequest(service: "x"), options: CallOptions(timeout: .seconds(30)))
        return response.message
    }

    var serverMethods: [ServerMethod] {
        [.unary(MeshChannelTests.say) { [self] (request: HealthCheckRequest, _) in
            calls.add(1, ordering: .relaxed)
            if failing.load(ordering: .relaxed) { throw Status(.unavailable, "this endpoint is broken") }
            if delay > .zero { try await Task.sleep(for: delay) }
            return request
        }]
    }
}
