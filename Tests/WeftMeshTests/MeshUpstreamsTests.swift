import Foundation
import Testing
import WeftMesh
import WeftMessages
import WeftRPC

/// Handlers that call other services: `MeshService.start(…) { mesh in … }` gives them typed
/// clients of their upstreams when the service starts, before anything connects.
@Suite struct MeshUpstreamsTests {
    struct Greeting: Greeter.Handler {
        func greet(_ request: Hello, context: ServerContext) async throws -> Hello {
            Hello(text: "hello, \(request.text) (said to \(context.peerIdentity ?? "nobody"))")
        }
    }

    /// Asks its upstream Greeter, through the client it was built with.
    struct Asking: Front.Handler {
        let greeter: Greeter.Client

        func ask(_ request: Hello, context: ServerContext) async throws -> Hello {
            try await greeter.greet(request)
        }
    }

    @Test func aHandlerCallsItsUpstreamThroughTheClientItWasBuiltWith() async throws {
        let greeter = try await MeshService.start(MeshServiceTests.configuration("echo"), services: [Greeting()])
        let upstreams = #"{"weft.mesh.test.relay.Greeter": {"endpoints": ["127.0.0.1:\#(greeter.server.port)"]}}"#
        let front = try await MeshService.start(MeshServiceTests.configuration("orders", upstreams: upstreams)) { mesh in
            [Asking(greeter: try mesh.client(Greeter.self))]
        }
        let caller = try await MeshService.start(
            MeshServiceTests.configuration("intruder", upstreams: #"{"front": {"endpoints": ["127.0.0.1:\#(front.server.port)"]}}"#),
            services: [])
        let answer = try await caller.upstreams.client(Front.self, upstream: "front").ask(Hello(text: "world"))
        // The front called the greeter over mutual TLS with its own certificate.
        #expect(answer.text == "hello, world (said to spiffe://weft.local/service/orders)")
        for service in [caller, front, greeter] { try await service.shutdown() }
    }

    @Test func aMissingUpstreamStopsTheStart() async throws {
        await #expect(throws: ConfigurationError.self) {
            _ = try await MeshService.start(MeshServiceTests.configuration("orders")) { mesh in
                [Asking(greeter: try mesh.client(Greeter.self))]
            }
        }
    }

    @Test func servicesOfOneProcessCallEachOtherInProcessUnderTheSamePolicy() async throws {
        // No upstream is configured: the greeter is served by this process, so the front's
        // calls stay in it, with the process's identity as the caller's, through its policy.
        let rules = #"{"rules": {"weft.mesh.test.relay.Greeter": ["spiffe://weft.local/service/orders"]}}"#
        let both = try await MeshService.start(MeshServiceTests.configuration("orders", authorization: rules), onDenied: { _, _ in }) { mesh in
            [Asking(greeter: try mesh.client(Greeter.self)), Greeting()]
        }
        let caller = try await MeshService.start(
            MeshServiceTests.configuration("echo", upstreams: #"{"front": {"endpoints": ["127.0.0.1:\#(both.server.port)"]}}"#), services: [])
        let answer = try await caller.upstreams.client(Front.self, upstream: "front").ask(Hello(text: "local"))
        #expect(answer.text == "hello, local (said to spiffe://weft.local/service/orders)")
        try await both.shutdown()

        let closed = #"{"rules": {"weft.mesh.test.relay.Greeter": ["spiffe://weft.local/service/echo"]}}"#
        let denied = try await MeshService.start(MeshServiceTests.configuration("orders", authorization: closed), onDenied: { _, _ in }) { mesh in
            [Asking(greeter: try mesh.client(Greeter.self)), Greeting()]
        }
        let deniedCaller = try await MeshService.start(
            MeshServiceTests.configuration("echo", upstreams: #"{"front": {"endpoints": ["127.0.0.1:\#(denied.server.port)"]}}"#), services: [])
        let refused = await #expect(throws: Status.self) {
            try await deniedCaller.upstreams.client(Front.self, upstream: "front").ask(Hello(text: "local"))
        }
        // The in-process call was denied, and the front passed the denial on.
        #expect(refused?.code == .permissionDenied)
        for service in [caller, deniedCaller, denied] { try await service.shutdown() }
    }

    @Test func callsAfterShutdownAreUnavailable() async throws {
        let front = try await MeshService.start(
            MeshServiceTests.configuration("orders", upstreams: #"{"weft.mesh.test.relay.Greeter": {"endpoints": ["127.0.0.1:9"]}}"#),
            services: [])
        let client = try front.upstreams.client(Greeter.self)
        try await front.shutdown()
        let error = await #expect(throws: Status.self) { try await client.greet(Hello()) }
        #expect(error?.code == .unavailable)
    }
}
