import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// A Weft server with the mesh's standard services: `GRPCServer` plus `grpc.health.v1.Health`
/// (every registered service SERVING until the drain begins) and gRPC reflection (v1 and
/// v1alpha) describing every service the server has.
public final class MeshServer: Sendable {
    /// The server underneath.
    public let server: GRPCServer
    /// The health service, nil when turned off.
    public let health: HealthService?

    /// The port the server listens on.
    public var port: Int { server.port }

    private init(server: GRPCServer, health: HealthService?) {
        self.server = server
        self.health = health
    }

    /// Starts `services` like `GRPCServer.start`, with the health service unless `health` is
    /// false and reflection unless `reflection` is false.
    public static func start(
        host: String = "127.0.0.1", port: Int, tls: TLSContext?, services: [any RegisteredService],
        interceptors: [any ServerInterceptor] = [], configuration: GRPCServer.Configuration = GRPCServer.Configuration(),
        health: Bool = true, reflection: Bool = true
    ) async throws -> MeshServer {
        // "/package.Service/Method" → "package.Service".
        let names = Set(services.flatMap { $0.serverMethods.map { $0.descriptor.path.split(separator: "/").first.map(String.init) ?? "" } })
        let healthService = health ? HealthService(serving: names.sorted()) : nil
        var standard: [any RegisteredService] = healthService.map { [$0] } ?? []
        if reflection {
            let reflectionService = ReflectionService(services: (services + standard).compactMap(\.serviceDescriptor))
            standard += [reflectionService, reflectionService.v1alpha]
        }
        let server = try await GRPCServer.start(
            host: host, port: port, tls: tls, services: services + standard,
            interceptors: interceptors, configuration: configuration)
        return MeshServer(server: server, health: healthService)
    }

    /// Reports NOT_SERVING to health checkers, then drains (see `GRPCServer.shutdown`).
    public func shutdown(gracePeriod: Duration = .seconds(10)) async throws {
        health?.drain()
        try await server.shutdown(gracePeriod: gracePeriod)
    }
}
