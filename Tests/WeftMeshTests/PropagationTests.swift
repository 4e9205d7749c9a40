import Synchronization
import Testing
import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTestSupport

/// Deadlines and traces flow through handlers' outgoing calls without the handlers passing them.
@Suite struct PropagationTests {
    static let hop = MethodDescriptor(
        name: "Call", path: "/weft.mesh.test.Hop/Call", inputType: "grpc.health.v1.HealthCheckRequest",
        outputType: "grpc.health.v1.HealthCheckRequest", clientStreaming: false, serverStreaming: false,
        idempotency: .unknown, httpRule: nil)

    /// What the last hop saw.
    final class Observed: Sendable {
        let deadline = Mutex<ContinuousClock.Instant?>(nil)
        let arrival = Mutex<ContinuousClock.Instant?>(nil)
        let traceparent = Mutex<String?>(nil)
        let metadata = Mutex(Metadata())
        let cancelled = Atomic(false)
    }

    /// How long the last hop would work: far longer than the test waits (`hangGuard`).
    static let lastHopWork: Duration = .seconds(600)

    /// A hop that calls `next` (with default options), or, the last one, waits to be cancelled.
    struct Hop: RegisteredService {
        let next: (any ClientTransport)?
        let observed: Observed

        var serverMethods: [ServerMethod] {
            [.unary(PropagationTests.hop) { [next, observed] (request: HealthCheckRequest, context: ServerContext) in
                guard let next else {
                    observed.arrival.withLock { $0 = .now }
                    observed.deadline.withLock { $0 = context.deadline }
                    observed.traceparent.withLock { $0 = context.requestMetadata.first("traceparent") }
                    observed.metadata.withLock { $0 = context.requestMetadata }
                    do {
                        try await Task.sleep(for: PropagationTests.lastHopWork)
                    } catch {
                        observed.cancelled.store(true, ordering: .relaxed)
                        throw error
                    }
                    return request
                }
                let response: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(next, PropagationTests.hop, request, options: CallOptions())
                return response.message
            }]
        }
    }

    @Test func aDeadlineSetAtTheFirstHopCancelsWorkThreeHopsDown() async throws {
        let observed = Observed()
        let third = try await MeshServer.start(port: 0, tls: nil, services: [Hop(next: nil, observed: observed)])
        let toThird = try await GRPCConnection.connect(host: "127.0.0.1", port: third.port, tls: nil)
        let second = try await MeshServer.start(port: 0, tls: nil, services: [Hop(next: toThird, observed: observed)])
        let toSecond = try await GRPCConnection.connect(host: "127.0.0.1", port: second.port, tls: nil)
        let first = try await MeshServer.start(port: 0, tls: nil, services: [Hop(next: toSecond, observed: observed)])
        let toFirst = try await GRPCConnection.connect(host: "127.0.0.1", port: first.port, tls: nil)

        let sent = TraceParent.newTrace()
        let started = ContinuousClock.now
        let error = await #expect(throws: Status.self) {
            let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
                toFirst, Self.hop, HealthCheckRequest(service: "x"),
                options: CallOptions(timeout: .seconds(3), metadata: Metadata([
                    "traceparent": sent.description, "baggage": "tenant=acme", "x-request-id": "r-1", "x-private": "secret",
                ])))
        }
        #expect(error?.code == .deadlineExceeded)
        #expect(ContinuousClock.now - started < hangGuard)  // a guard only: the last hop would work for lastHopWork
        // The third hop got what was left of the first one's budget (grpc-timeout is relative,
        // so that is what each hop can know), and was cancelled when it ran out.
        let deadline = try #require(observed.deadline.withLock { $0 })
        let arrival = try #require(observed.arrival.withLock { $0 })
        #expect(deadline > arrival && deadline - arrival < .seconds(3))
        let cancelled = try await waitUntil { observed.cancelled.load(ordering: .relaxed) }
        #expect(cancelled)
        // Same trace, a new span at each hop.
        let seen = try #require(observed.traceparent.withLock { $0 }.flatMap(TraceParent.init(header:)))
        #expect(seen.traceID == sent.traceID)
        #expect(seen.parentID != sent.parentID)
        // Selected metadata travels with it; the rest stays at the first hop.
        let metadata = observed.metadata.withLock { $0 }
        #expect(metadata.first("baggage") == "tenant=acme" && metadata.first("x-request-id") == "r-1")
        #expect(metadata.first("x-private") == nil)

        for channel in [toFirst, toSecond, toThird] { try await channel.close() }
        for server in [first, second, third] { try await server.shutdown(gracePeriod: .seconds(1)) }
    }

    @Test func traceparentParsing() {
        #expect(TraceParent(header: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")?.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(TraceParent(header: "00-00000000000000000000000000000000-00f067aa0ba902b7-01") == nil)
        #expect(TraceParent(header: "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01") == nil)
        #expect(TraceParent(header: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7") == nil)
        let trace = TraceParent.newTrace()
        #expect(TraceParent(header: trace.description) == trace)
        #expect(trace.child().traceID == trace.traceID && trace.child().parentID != trace.parentID)
        // Every part read back exactly; a later version may add fields after a dash.
        let header = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        let parsed = TraceParent(header: header)
        #expect(parsed?.description == header)
        #expect(parsed?.parentID == "b7ad6b7169203331" && parsed?.flags == "01")
        #expect(TraceParent(header: "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-future")?.flags == "00")
        #expect(TraceParent(header: header + "x") == nil)
        #expect(TraceParent(header: "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01") == nil)
        #expect(TraceParent(header: "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01") == nil)
        #expect(TraceParent(header: String(header.dropLast())) == nil)
    }
}
