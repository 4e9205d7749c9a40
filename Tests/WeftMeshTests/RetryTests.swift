import Synchronization
import Testing
@testable import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2

/// Policy retries of idempotent calls, and the budget that bounds them.
@Suite struct RetryTests {
    /// Echo's method, marked IDEMPOTENT as a schema would.
    static let idempotentSay = MethodDescriptor(
        name: "Say", path: MeshChannelTests.say.path, inputType: MeshChannelTests.say.inputType,
        outputType: MeshChannelTests.say.outputType, clientStreaming: false, serverStreaming: false,
        idempotency: .idempotent, httpRule: nil)

    static func call(_ channel: MeshChannel, _ method: MethodDescriptor) async throws {
        let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
            channel, method, HealthCheckRequest(service: "x"), options: CallOptions(timeout: .seconds(30)))
    }

    @Test func idempotentCallsAreRetriedOnUnavailableOthersAreNot() async throws {
        let failing = Delayed(delay: .zero, failing: true)
        let bad = try await MeshServer.start(port: 0, tls: nil, services: [failing])
        let good = try await MeshServer.start(port: 0, tls: nil, services: [Delayed(delay: .zero)])
        var outliers = OutlierPolicy()
        outliers.consecutiveFailures = 1000  // keep the failing endpoint in rotation
        let channel = MeshChannel(
            endpoints: [Endpoint(host: "127.0.0.1", port: bad.port), Endpoint(host: "127.0.0.1", port: good.port)], tls: nil,
            configuration: .defaults.with { $0.outliers = outliers })
        // Each call meets the failing endpoint first (the retry took the good one's turn) and
        // goes on to the good one: ten retries, within the budget's first ten tokens.
        for _ in 0..<10 { try await Self.call(channel, Self.idempotentSay) }
        #expect(channel.retriesMade == 10)
        var failures = 0
        for _ in 0..<20 {
            do { try await Self.call(channel, MeshChannelTests.say) } catch { failures += 1 }
        }
        #expect(failures == 10)
        await channel.close()
        try await bad.shutdown(gracePeriod: .seconds(1))
        try await good.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aRetryStormStaysWithinTheBudget() async throws {
        let failing = Delayed(delay: .zero, failing: true)
        let server = try await MeshServer.start(port: 0, tls: nil, services: [failing])
        var retries = RetryPolicy()
        retries.backoff.initial = .milliseconds(1)
        var outliers = OutlierPolicy()
        outliers.consecutiveFailures = 100_000
        let registry = PrometheusRegistry()
        let channel = MeshChannel(
            endpoints: [Endpoint(host: "127.0.0.1", port: server.port)], tls: nil,
            configuration: .defaults.with {
                $0.outliers = outliers
                $0.retries = retries
            },
            metrics: ChannelMetrics(upstream: "storm", factory: registry))
        for _ in 0..<200 { try? await Self.call(channel, Self.idempotentSay) }
        // Without a budget: 2 retries per call, 400. With it: 10 to start with, 0.2 per call.
        #expect(channel.retriesMade <= 10 + 40)
        #expect(failing.count == 200 + channel.retriesMade)
        #expect(registry.render().contains(#"weft_rpc_client_retries_total{upstream="storm",reason="policy"} \#(channel.retriesMade)"#))
        await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func anEndpointKilledUnderLoadLosesNoIdempotentCall() async throws {
        let first = try await MeshServer.start(port: 0, tls: nil, services: [Delayed(delay: .milliseconds(2))])
        let second = try await MeshServer.start(port: 0, tls: nil, services: [Delayed(delay: .milliseconds(2))])
        let channel = MeshChannel(
            endpoints: [Endpoint(host: "127.0.0.1", port: first.port), Endpoint(host: "127.0.0.1", port: second.port)], tls: nil)
        let failures = FailureCount()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<60 {
                        if worker == 0, index == 20 { try await first.shutdown(gracePeriod: .zero) }  // no drain: calls in flight break
                        do { try await Self.call(channel, Self.idempotentSay) } catch { failures.value.add(1, ordering: .relaxed) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let failed = failures.value.load(ordering: .relaxed)
        #expect(failed == 0)
        await channel.close()
        try await second.shutdown(gracePeriod: .seconds(1))
    }

    /// "Never sent" is a fact this process's transport records, not text: a peer answering with
    /// the words the transport uses gets no non-idempotent call re-run elsewhere.
    @Test func aPeerCannotClaimThatACallWasNeverSent() async throws {
        let spoofing = [SpoofsNeverSent(), SpoofsNeverSent()]
        var servers: [MeshServer] = []
        for service in spoofing { servers.append(try await MeshServer.start(port: 0, tls: nil, services: [service])) }
        let channel = MeshChannel(endpoints: servers.map { Endpoint(host: "127.0.0.1", port: $0.port) }, tls: nil)
        let error = await #expect(throws: Status.self) { try await Self.call(channel, MeshChannelTests.say) }
        #expect(error?.message == SpoofsNeverSent.message)
        #expect(error.map { GRPCConnection.wasNeverSent($0) } == false)
        #expect(spoofing.map(\.count).reduce(0, +) == 1)
        #expect(channel.retriesMade == 0)
        await channel.close()
        for server in servers { try await server.shutdown(gracePeriod: .seconds(1)) }
    }

    /// A handler rethrowing its own upstream's "never sent" status does not pass that fact on,
    /// in process either.
    @Test func aRethrownNeverSentStatusReachesTheCallerAsThePeersAnswer() async throws {
        let transport = InProcessTransport(services: [SpoofsNeverSent(throwing: Status.notSent("the connection closed"))])
        let error = await #expect(throws: Status.self) {
            let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
                transport, MeshChannelTests.say, HealthCheckRequest(service: "x"), options: CallOptions())
        }
        #expect(error?.code == .unavailable)
        #expect(error?.origin == .peer)
        #expect(error.map { GRPCConnection.wasNeverSent($0) } == false)
        #expect(GRPCConnection.wasNeverSent(Status.notSent("the connection closed")))
    }

    /// A handler that lets its own outgoing call's transport failure escape answers with that
    /// code and general words: the transport's text may name endpoints or identities. A peer's
    /// answer rethrown, and a status of the handler's own, go out as they are.
    @Test(arguments: [
        (Status.transport(.deadlineExceeded, "10.1.2.3:8443 did not answer"), "a call this service depends on failed"),
        (Status.notSent("no endpoint of 10.1.2.3:8443 took the call"), "a call this service depends on failed"),
        (Status(.notFound, "no order 7", origin: .peer), "no order 7"),
        (Status(.failedPrecondition, "the basket is empty"), "the basket is empty"),
    ]) func aRethrownTransportStatusKeepsItsCodeButNotItsWords(_ thrown: Status, _ sent: String) async throws {
        let transport = InProcessTransport(services: [SpoofsNeverSent(throwing: thrown)])
        let error = await #expect(throws: Status.self) {
            let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
                transport, MeshChannelTests.say, HealthCheckRequest(service: "x"), options: CallOptions())
        }
        #expect(error?.code == thrown.code)
        #expect(error?.message == sent)
    }

    @Test func theBudgetEarnsAFifthOfACallAndStartsWithTen() {
        var budget = RetryBudget(ratio: 0.2, minimum: 10)
        var granted = 0
        for _ in 0..<100 {
            budget.callStarted()
            if budget.takeRetry() { granted += 1 }
            if budget.takeRetry() { granted += 1 }
        }
        #expect(granted == 30)
    }
}

/// Answers every call with a status of its choosing, by default one whose text is what Weft's
/// transport says of a call it never sent.
final class SpoofsNeverSent: RegisteredService {
    static let message = "the call was not sent: the connection refused a new stream"
    let status: Status
    private let calls = Atomic(0)
    var count: Int { calls.load(ordering: .relaxed) }

    init(throwing status: Status = Status(.unavailable, message)) {
        self.status = status
    }

    var serverMethods: [ServerMethod] {
        [.unary(MeshChannelTests.say) { [self] (_: HealthCheckRequest, _) -> HealthCheckRequest in
            calls.add(1, ordering: .relaxed)
            throw status
        }]
    }
}

/// Failed calls, counted from several tasks.
final class FailureCount: Sendable {
    let value = Atomic(0)
}
