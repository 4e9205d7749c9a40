import NIOCore
import NIOPosix
import Testing
import WeftBookshop
import WeftGateway
import WeftMesh

/// A client's own deadline (`grpc-timeout`, `x-request-timeout`) shortens the route's timeout
/// and goes upstream; the upstream echoes what is left of it (`deadline-ms=`).
@Suite(.serialized) struct GatewayDeadlineTests {
    static let trouble = "weft.gatewaytest.v1.Bookshop.Trouble"

    /// What is left of the upstream call's deadline when the upstream's handler runs, in ms.
    static func remaining(_ response: CurlResponse) -> Int? {
        (response.object["metadata"] as? [String])?.first { $0.hasPrefix("deadline-ms=") }.flatMap { Int($0.dropFirst("deadline-ms=".count)) }
    }

    @Test func theClientsTimeoutShortensTheRoutesAndGoesUpstream() async throws {
        // A route timeout of ten minutes: the bounds below tell the cases apart without any of
        // them depending on how fast the machine is.
        let harness = try await GatewayHarness.start { $0.routes[Self.trouble] = .init(timeout: .seconds(600)) }
        defer { Task { try? await harness.stop() } }
        let cases: [(headers: [String], within: ClosedRange<Int>)] = [
            ([], 300_001...600_000),
            (["X-Request-Timeout: 2"], 1...2000),
            (["X-Request-Timeout: 2.5"], 1...2500),
            (["grpc-timeout: 1500m"], 1...1500),
            (["grpc-timeout: 3000S"], 300_001...600_000),  // capped by the route
            (["grpc-timeout: 3S", "X-Request-Timeout: 0.9"], 1...900),  // the shorter wins
        ]
        for (headers, within) in cases {
            let response = try await curl("POST", "\(harness.base)/v1/trouble", headers: headers, body: "{}")
            #expect(response.status == 200, "\(headers): \(response.body)")
            let left = Self.remaining(response)
            #expect(left.map(within.contains) == true, "\(headers): \(left.map(String.init) ?? "no deadline") ms left")
        }
    }

    @Test func aMalformedOrPassedTimeoutIsAnsweredAtOnce() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let cases: [(header: String, status: Int, code: Int)] = [
            ("grpc-timeout: soon", 400, 3), ("grpc-timeout: 123456789S", 400, 3), ("X-Request-Timeout: -1", 400, 3),
            ("X-Request-Timeout: 1e3", 400, 3), ("X-Request-Timeout: 0", 504, 4), ("grpc-timeout: 0m", 504, 4),
        ]
        for (header, status, code) in cases {
            let response = try await curl("POST", "\(harness.base)/v1/trouble", headers: [header], body: "{}")
            #expect(response.status == status, "\(header): \(response.body)")
            #expect(response.object["code"] as? Int == code, "\(header)")
        }
        #expect(harness.upstream.calls.withLock { $0["Trouble"] } == nil)
    }

    @Test func aSlowUpstreamHitsTheClientsTimeout() async throws {
        let harness = try await GatewayHarness.start { $0.routes[Self.trouble] = .init(timeout: .seconds(10)) }
        defer { Task { try? await harness.stop() } }
        let slow = try await curl("POST", "\(harness.base)/v1/trouble", headers: ["X-Request-Timeout: 0.3"], body: #"{"delayMs": 10000}"#)
        #expect(slow.status == 504, "\(slow.body)")
        #expect(slow.object["code"] as? Int == 4)
    }

    /// A call moved to another endpoint after one that could not take it gets what is left of
    /// its timeout, not all of it again.
    @Test func aCallMovedToAnotherEndpointKeepsItsDeadline() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // Accepts connections and closes each after a second and a half, before any HTTP/2.
        let closer = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.scheduleTask(in: .milliseconds(1500)) { channel.close(promise: nil) }
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let harness = try await GatewayHarness.start { configuration in
            configuration.routes[Self.trouble] = .init(timeout: .seconds(5))
            guard case .endpoints(let live)? = configuration.upstreams["weft.gatewaytest.v1.Bookshop"]?.discovery else { return }
            // Round robin: the first call goes to the closer first.
            configuration.upstreams["weft.gatewaytest.v1.Bookshop"]?.discovery =
                .endpoints([Endpoint(host: "127.0.0.1", port: closer.localAddress!.port!)] + live)
        }
        let response = try await curl("POST", "\(harness.base)/v1/trouble", body: "{}")
        #expect(response.status == 200, "\(response.body)")
        let left = Self.remaining(response)
        #expect(left.map { $0 <= 3500 } == true, "\(left.map(String.init) ?? "no deadline") ms left of 5000 after 1500 spent")
        try await harness.stop()
        try await closer.close()
        try await group.shutdownGracefully()
    }
}
