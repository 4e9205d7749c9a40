import CoreMetrics
import Foundation
import Testing
import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTestSupport

/// RPC metrics on the admin port, read with curl as Prometheus would.
@Suite struct MetricsTests {
    @Test func callsByMethodAndCodeOnTheAdminPort() async throws {
        var configuration = MeshConfiguration(service: "echo")
        configuration.admin = Endpoint(host: "127.0.0.1", port: 0)
        let service = try await MeshService.start(configuration, services: [Echo()])
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: service.server.port, tls: nil)
        let say = Echo().serverMethods[0].descriptor
        for _ in 0..<2 {
            let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(channel, say, HealthCheckRequest(), options: CallOptions())
        }
        _ = try? await Health.Client(transport: channel).check(HealthCheckRequest(service: "no.Such"))
        let admin = try #require(service.admin)
        let metrics = try await get("http://127.0.0.1:\(admin.port)/metrics")
        #expect(metrics.contains(#"weft_rpc_server_calls_total{method="/weft.mesh.test.Echo/Say",code="OK"} 2"#))
        #expect(metrics.contains(#"weft_rpc_server_calls_total{method="/grpc.health.v1.Health/Check",code="NOT_FOUND"} 1"#))
        #expect(metrics.contains(#"weft_rpc_server_calls_duration_seconds_count{method="/weft.mesh.test.Echo/Say"} 2"#))
        #expect(metrics.contains(#"weft_rpc_server_calls_in_flight{method="/weft.mesh.test.Echo/Say"} 0"#))
        #expect(metrics.contains("weft_rpc_server_connections 1"), "\(metrics)")
        #expect(metrics.contains("# HELP weft_rpc_server_calls_total Calls handled, by method and status code."))
        #expect(metrics.contains("# TYPE weft_rpc_server_calls_duration_seconds histogram"))
        let healthz = try await get("http://127.0.0.1:\(admin.port)/healthz")
        #expect(healthz == "ok\n")
        try await channel.close()
        try await service.shutdown()
    }

    @Test func outcomesThatAlternateAreEachCountedUnderTheirOwnLabel() {
        let registry = PrometheusRegistry()
        let requests = RequestMetrics(name: "t_calls", help: "Calls.", labelName: "route", outcomeName: "code", factory: registry)
        let route = requests.metrics(of: "r")
        for outcome in ["OK", "OK", "NOT_FOUND", "OK", "NOT_FOUND", "UNAVAILABLE"] { route.record(outcome: outcome, duration: .zero) }
        let text = registry.render()
        #expect(text.contains(#"t_calls_total{route="r",code="OK"} 3"#), "\(text)")
        #expect(text.contains(#"t_calls_total{route="r",code="NOT_FOUND"} 2"#), "\(text)")
        #expect(text.contains(#"t_calls_total{route="r",code="UNAVAILABLE"} 1"#), "\(text)")
    }

    @Test func connectFailuresAreCountedPerUpstream() async throws {
        let server = try await MeshServer.start(port: 0, tls: nil, services: [Delayed(delay: .zero)])
        let closed = try await MeshServer.start(port: 0, tls: nil, services: [])
        let closedPort = closed.port
        try await closed.shutdown(gracePeriod: .zero)
        let registry = PrometheusRegistry()
        let channel = MeshChannel(
            endpoints: [Endpoint(host: "127.0.0.1", port: closedPort), Endpoint(host: "127.0.0.1", port: server.port)], tls: nil,
            metrics: ChannelMetrics(upstream: "inventory", factory: registry))
        for _ in 0..<4 { _ = try await Delayed.call(channel) }
        let metrics = registry.render()
        #expect(metrics.contains(#"weft_rpc_client_connect_failures_total{upstream="inventory"} "#), "\(metrics)")
        #expect(!metrics.contains(#"weft_rpc_client_connect_failures_total{upstream="inventory"} 0"#), "\(metrics)")
        #expect(metrics.contains(#"weft_rpc_client_connections{upstream="inventory"} 1"#), "\(metrics)")
        await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func idleConnectionsCloseAndTheNextCallReopens() async throws {
        let echo = Delayed(delay: .zero)
        let serverConnections = ConnectionCounts()
        var configuration = GRPCServer.Configuration()
        configuration.connectionCountChanged = { serverConnections.record($0) }
        let server = try await MeshServer.start(port: 0, tls: nil, services: [echo], configuration: configuration)
        let registry = PrometheusRegistry()
        let channel = MeshChannel(
            endpoints: [Endpoint(host: "127.0.0.1", port: server.port)], tls: nil,
            configuration: .defaults.with { $0.idleTimeout = .milliseconds(300) },
            metrics: ChannelMetrics(upstream: "idle", factory: registry))
        // The server's own count of open connections: one opened and closed, then another,
        // however long each step takes on a loaded machine.
        _ = try await Delayed.call(channel)
        let idleClosed = try await waitUntil { serverConnections.reported == [1, 0] }
        #expect(idleClosed, "\(serverConnections.reported)")
        #expect(try await waitUntil { registry.render().contains(#"weft_rpc_client_connections{upstream="idle"} 0"#) })
        _ = try await Delayed.call(channel)
        #expect(serverConnections.reported.prefix(3) == [1, 0, 1])
        #expect(echo.count == 2)
        await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aLongStreamKeepsItsIdleConnection() async throws {
        let server = try await MeshServer.start(port: 0, tls: nil, services: [Echo()])
        let channel = MeshChannel(endpoints: [Endpoint(host: "127.0.0.1", port: server.port)], tls: nil,
            configuration: .defaults.with { $0.idleTimeout = .milliseconds(200) })
        // A Watch outlives several idle periods; the status change after them still arrives.
        let statuses = try await Health.Client(transport: channel).watch(
            HealthCheckRequest(service: ""), options: CallOptions(timeout: .seconds(30))
        ) { responses in
            var seen: [HealthCheckResponse.ServingStatus] = []
            for try await response in responses {
                seen.append(response.status)
                if seen.count == 1 {
                    try await Task.sleep(for: .milliseconds(800))
                    server.health?.setStatus(.notServing, for: "")
                } else {
                    return seen
                }
            }
            return seen
        }
        #expect(statuses == [.serving, .notServing])
        await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func theRegistryRendersEveryKindOfMetric() {
        let registry = PrometheusRegistry(recorderBuckets: [10, 100])
        registry.describe("jobs_total", help: "Jobs done.")
        Counter(label: "jobs_total", dimensions: [("queue", "a\"b\\c\nd")], factory: registry).increment(by: 3)
        Counter(label: "jobs_total", dimensions: [("queue", "plain")], factory: registry).increment()
        let depth = Meter(label: "queue_depth", factory: registry)
        depth.increment(by: 5)
        depth.decrement(by: 2)
        Recorder(label: "batch_size", factory: registry).record(50)
        Recorder(label: "temperature", aggregate: false, factory: registry).record(21.5)
        Timer(label: "work-seconds", factory: registry).recordMilliseconds(2)
        // A name taken by another kind of metric is not rendered twice.
        Meter(label: "jobs_total", factory: registry).increment()
        #expect(registry.render() == """
            # TYPE batch_size histogram
            batch_size_bucket{le="10.0"} 0
            batch_size_bucket{le="100.0"} 1
            batch_size_bucket{le="+Inf"} 1
            batch_size_sum 50.0
            batch_size_count 1
            # HELP jobs_total Jobs done.
            # TYPE jobs_total counter
            jobs_total{queue="a\\"b\\\\c\\nd"} 3
            jobs_total{queue="plain"} 1
            # TYPE queue_depth gauge
            queue_depth 3.0
            # TYPE temperature gauge
            temperature 21.5
            # TYPE work_seconds histogram
            work_seconds_bucket{le="0.0005"} 0
            work_seconds_bucket{le="0.001"} 0
            work_seconds_bucket{le="0.0025"} 1
            work_seconds_bucket{le="0.005"} 1
            work_seconds_bucket{le="0.01"} 1
            work_seconds_bucket{le="0.025"} 1
            work_seconds_bucket{le="0.05"} 1
            work_seconds_bucket{le="0.1"} 1
            work_seconds_bucket{le="0.25"} 1
            work_seconds_bucket{le="0.5"} 1
            work_seconds_bucket{le="1.0"} 1
            work_seconds_bucket{le="2.5"} 1
            work_seconds_bucket{le="5.0"} 1
            work_seconds_bucket{le="10.0"} 1
            work_seconds_bucket{le="+Inf"} 1
            work_seconds_sum 0.002
            work_seconds_count 1

            """)
    }

    /// The body curl gets for `url`.
    func get(_ url: String) async throws -> String {
        try await runTool("/usr/bin/curl", ["-s", "--max-time", "120", url], includingErrors: false).text  // a hang guard only
    }
}
