import Testing
import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2

/// grpc.health.v1.Health over real HTTP/2, with Weft's generated client.
@Suite struct HealthServiceTests {
    func withServer(_ body: (MeshServer, Health.Client) async throws -> Void) async throws {
        let server = try await MeshServer.start(port: 0, tls: nil, services: [Echo()])
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        try await body(server, Health.Client(transport: channel))
        try await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func checkKnowsTheServerAndItsServices() async throws {
        try await withServer { _, health in
            let server = try await health.check(HealthCheckRequest(service: ""))
            let echo = try await health.check(HealthCheckRequest(service: "weft.mesh.test.Echo"))
            #expect(server.status == .serving)
            #expect(echo.status == .serving)
            let error = await #expect(throws: Status.self) { try await health.check(HealthCheckRequest(service: "nope.Nope")) }
            #expect(error?.code == .notFound)
        }
    }

    @Test func watchSeesChangesAndTheDrain() async throws {
        try await withServer { server, health in
            let statuses = try await health.watch(HealthCheckRequest(service: "")) { responses in
                var seen: [HealthCheckResponse.ServingStatus] = []
                for try await response in responses {
                    seen.append(response.status)
                    switch seen.count {
                    case 1: server.health?.setStatus(.notServing, for: "")
                    case 2: server.health?.setStatus(.serving, for: "")
                    case 3: server.health?.drain()
                    default: return seen
                    }
                }
                return seen
            }
            #expect(statuses == [.serving, .notServing, .serving, .notServing])
        }
    }

    @Test func watchingAnUnknownServiceWaitsForIt() async throws {
        try await withServer { server, health in
            let statuses = try await health.watch(HealthCheckRequest(service: "later.Service")) { responses in
                var seen: [HealthCheckResponse.ServingStatus] = []
                for try await response in responses {
                    seen.append(response.status)
                    if seen.count == 1 { server.health?.setStatus(.serving, for: "later.Service") } else { return seen }
                }
                return seen
            }
            #expect(statuses == [.serviceUnknown, .serving])
        }
    }

    @Test func healthCanBeTurnedOff() async throws {
        let server = try await MeshServer.start(port: 0, tls: nil, services: [Echo()], health: false)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let error = await #expect(throws: Status.self) { try await Health.Client(transport: channel).check(HealthCheckRequest()) }
        #expect(error?.code == .unimplemented)
        try await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
    }
}

/// A service for the health service to report on.
struct Echo: RegisteredService {
    var serverMethods: [ServerMethod] {
        [.unary(
            MethodDescriptor(
                name: "Say", path: "/weft.mesh.test.Echo/Say", inputType: "grpc.health.v1.HealthCheckRequest",
                outputType: "grpc.health.v1.HealthCheckRequest", clientStreaming: false, serverStreaming: false,
                idempotency: .unknown, httpRule: nil)
        ) { (request: HealthCheckRequest, _) in request }]
    }
}
