import NIOCore
import NIOPosix
import Testing
import WeftBookshop
import WeftGateway
import WeftRPC
import WeftRPCHTTP2
import WeftTestSupport

/// Connections to the gateway's front that hold it without using it are closed: past the
/// connection limit at once (and counted), a silent one at the preface timeout, an HTTP/1.1
/// one whose next request head does not come within the idle timeout.
@Suite struct GatewayConnectionLimitTests {
    /// A TCP connection that sends what it is told and notes when the gateway closes it.
    struct RawConnection {
        let channel: any Channel

        static func open(port: Int, group: MultiThreadedEventLoopGroup) async throws -> RawConnection {
            RawConnection(channel: try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get())
        }

        func send(_ text: String) async throws {
            try await channel.writeAndFlush(ByteBuffer(string: text))
        }

        /// Whether the gateway closed the connection within the hang guard.
        func closedByTheGateway() async throws -> Bool {
            try await waitUntil { !channel.isActive }
        }
    }

    @Test func connectionsPastTheLimitAreClosedOnArrivalAndCounted() async throws {
        let harness = try await GatewayHarness.start { $0.maximumConnections = 3 }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { Task { try? await harness.stop(); try? await group.shutdownGracefully() } }
        var held: [RawConnection] = []
        for _ in 0..<3 {
            let connection = try await RawConnection.open(port: harness.server.port, group: group)
            try await connection.send("GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")  // answered, kept alive
            held.append(connection)
        }
        // Each held connection has been admitted once it was answered.
        for connection in held { #expect(try await waitUntil { connection.channel.isActive }) }
        let extra = try await RawConnection.open(port: harness.server.port, group: group)
        #expect(try await extra.closedByTheGateway())
        try await held.removeFirst().channel.close()
        let metrics = try await waitUntil {
            try await curl("GET", "\(harness.base)/metrics").body.contains("weft_gateway_connections_refused_total 1")
        }
        #expect(metrics)
        for connection in held { try? await connection.channel.close() }
    }

    @Test func aSilentConnectionIsClosedAtThePrefaceTimeout() async throws {
        let harness = try await GatewayHarness.start { $0.prefaceTimeout = .seconds(1) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { Task { try? await harness.stop(); try? await group.shutdownGracefully() } }
        let silent = try await RawConnection.open(port: harness.server.port, group: group)
        #expect(try await silent.closedByTheGateway())
    }

    @Test func anHTTP1ConnectionWithoutANextRequestIsClosedWhenIdle() async throws {
        let harness = try await GatewayHarness.start { $0.idleTimeout = .seconds(1) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { Task { try? await harness.stop(); try? await group.shutdownGracefully() } }
        // Kept alive after one request, then idle.
        let idle = try await RawConnection.open(port: harness.server.port, group: group)
        try await idle.send("GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        #expect(try await idle.closedByTheGateway())
        // A head trickled a line at a time, never finished.
        let trickling = try await RawConnection.open(port: harness.server.port, group: group)
        try await trickling.send("GET /healthz HTTP/1.1\r\n")
        var lines = 0
        while trickling.channel.isActive, lines < 1200 {
            try? await trickling.send("x-trickle-\(lines): y\r\n")
            lines += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await trickling.closedByTheGateway())
        #expect(lines < 1200)
    }

    @Test func aTakenPortIsNamedWhenTheGatewayStarts() async throws {
        let first = try await GatewayHarness.start()
        defer { Task { try? await first.stop() } }
        var configuration = GatewayConfiguration()
        configuration.port = first.server.port
        let error = await #expect(throws: ListenError.self) {
            _ = try await GatewayServer.start(try Gateway(configuration: configuration), threads: 1)
        }
        #expect(error?.description == "cannot listen on 127.0.0.1:\(first.server.port): Address already in use")
    }
}
