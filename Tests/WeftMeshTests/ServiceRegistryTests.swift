import Testing
import WeftMesh
import WeftRPC

/// A program's services by name, built with the upstreams of the process that runs them.
@Suite struct ServiceRegistryTests {
    static let registry = ServiceRegistry([
        "weft.mesh.test.relay.Greeter": { _ in [MeshUpstreamsTests.Greeting()] },
        "weft.mesh.test.relay.Front": { mesh in [MeshUpstreamsTests.Asking(greeter: try mesh.client(Greeter.self))] },
    ])

    @Test func namedServicesAreBuiltWithTheirUpstreams() async throws {
        #expect(Self.registry.names == ["weft.mesh.test.relay.Front", "weft.mesh.test.relay.Greeter"])
        let greeter = try await MeshService.start(
            MeshServiceTests.configuration("echo"), services: try Self.registry.builder(for: ["weft.mesh.test.relay.Greeter"]))
        let upstreams = #"{"weft.mesh.test.relay.Greeter": {"endpoints": ["127.0.0.1:\#(greeter.server.port)"]}}"#
        // Without names, every registered service runs (here the front, which needs the greeter).
        let both = try await MeshService.start(MeshServiceTests.configuration("orders", upstreams: upstreams), services: try Self.registry.builder(for: []))
        #expect(both.server.health?.status(of: "weft.mesh.test.relay.Front") == .serving)
        #expect(both.server.health?.status(of: "weft.mesh.test.relay.Greeter") == .serving)
        let answer = try await both.upstreams.client(Greeter.self).greet(Hello(text: "registry"))
        #expect(answer.text.hasPrefix("hello, registry"))
        for service in [both, greeter] { try await service.shutdown() }
    }

    @Test func anUnknownNameIsRefusedWithTheChoices() {
        let error = #expect(throws: ServiceRegistry.UnknownService.self) { try Self.registry.builder(for: ["weft.mesh.test.relay.Nope"]) }
        #expect(error?.description == "weft.mesh.test.relay.Nope is not a service this program runs; choose from weft.mesh.test.relay.Front, weft.mesh.test.relay.Greeter")
    }
}
