import Foundation
import Testing
import WeftMesh
import WeftMessages
import WeftRPC

/// RPC metrics on the admin port, read with curl as Prometheus would.
@Suite struct MetricsTests {
    @Test func callsByMethodAndCodeOnTheAdminPort() async throws {
        var configuration = MeshConfiguration(service: "echo")
        configuration.admin = Endpoint(host: "127.0.0.1", port: 0)
        let service = try await MeshService.start(configuration, services: [Echo()])
        let channel = try await GRPCChannel.connect(host: "127.0.0.1", port: service.server.port, tls: nil)
        let say = Echo().serverMethods[0].descriptor
        for _ in 0..<2 {
            let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(channel, say, HealthCheckRequest(), options: CallOptions())
        }
        _ = try? await Health.Client(transport: channel).check(HealthCheckRequest(service: "no.Such"))
        let admin = try #require(service.admin)
        let metrics = get("http://127.0.0.1:\(admin.port)/metrics")
        #expect(metrics.contains(#"weft_rpc_server_calls_total{method="/weft.mesh.test.Echo/Say",code="OK"} 2"#))
        #expect(metrics.contains(#"weft_rpc_server_calls_total{method="/grpc.health.v1.Health/Check",code="NOT_FOUND"} 1"#))
        #expect(metrics.contains(#"weft_rpc_server_calls_duration_seconds_count{method="/weft.mesh.test.Echo/Say"} 2"#))
        #expect(metrics.contains(#"weft_rpc_server_calls_in_flight{method="/weft.mesh.test.Echo/Say"} 0"#))
        let healthz = get("http://127.0.0.1:\(admin.port)/healthz")
        #expect(healthz == "ok\n")
        try await channel.close()
        try await service.shutdown()
    }

    /// The body curl gets for `url`.
    func get(_ url: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "--max-time", "5", url]
        let output = Pipe()
        process.standardOutput = output
        try? process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
