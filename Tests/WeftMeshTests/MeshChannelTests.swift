import Glibc
import Synchronization
import Testing
import WeftMesh
import WeftMessages
import WeftRPC
import WeftTestSupport

/// A service on several endpoints behind one MeshChannel, over real HTTP/2.
@Suite struct MeshChannelTests {
    static let say = Echo().serverMethods[0].descriptor

    func call(_ channel: MeshChannel, _ text: String) async throws -> String {
        let response: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
            channel, Self.say, HealthCheckRequest(service: text), options: CallOptions(timeout: .seconds(30)))
        return response.message.service
    }

    @Test func aDrainingServerLosesNoCall() async throws {
        let first = CountingEcho()
        let second = CountingEcho()
        let serverA = try await MeshServer.start(port: 0, tls: nil, services: [first])
        let serverB = try await MeshServer.start(port: 0, tls: nil, services: [second])
        let channel = MeshChannel(
            endpoints: [Endpoint(host: "127.0.0.1", port: serverA.port), Endpoint(host: "127.0.0.1", port: serverB.port)], tls: nil)
        var drain: Task<Void, any Error>?
        for index in 0..<300 {
            // A grace period no call needs: a call in flight on A finishes however slow the machine.
            if index == 100 { drain = Task { try await serverA.shutdown(gracePeriod: hangGuard) } }
            #expect(try await call(channel, "call \(index)") == "call \(index)")
        }
        try await drain?.value
        #expect(first.count > 0 && second.count > 150)
        // Once A is gone, every call goes to B.
        let before = second.count
        for index in 0..<20 { _ = try await call(channel, "after \(index)") }
        #expect(second.count == before + 20)
        await channel.close()
        try await serverB.shutdown()
    }

    @Test func anUnreachableEndpointIsSkippedAndBacksOff() async throws {
        let echo = CountingEcho()
        let server = try await MeshServer.start(port: 0, tls: nil, services: [echo])
        // Nothing listens on port 1.
        let channel = MeshChannel(endpoints: [Endpoint(host: "127.0.0.1", port: 1), Endpoint(host: "127.0.0.1", port: server.port)], tls: nil)
        for index in 0..<50 { #expect(try await call(channel, "\(index)") == "\(index)") }
        #expect(echo.count == 50)
        await channel.close()
        try await server.shutdown()
    }

    /// Many first calls at once, from tasks on any thread: they share the one connection being
    /// opened, and none is refused while the outcome of opening it is being recorded.
    @Test func aBurstOfFirstCallsSharesOneNewConnection() async throws {
        let echo = CountingEcho()
        let server = try await MeshServer.start(port: 0, tls: nil, services: [echo])
        let registry = PrometheusRegistry()
        let channel = MeshChannel(
            endpoints: [Endpoint(host: "127.0.0.1", port: server.port)], tls: nil, metrics: ChannelMetrics(upstream: "burst", factory: registry))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let answer = try await self.call(channel, "\(index)")
                    #expect(answer == "\(index)")
                }
            }
            try await group.waitForAll()
        }
        #expect(echo.count == 64)
        let opened = registry.render().split(separator: "\n").first { $0.hasPrefix(#"weft_rpc_client_connections{upstream="burst"} "#) }
        #expect(opened.flatMap { Double($0.split(separator: " ").last ?? "") } == 1, "\(registry.render())")
        await channel.close()
        try await server.shutdown()
    }

    /// A peer that accepts TCP and never speaks HTTP/2 holds a connection attempt until the
    /// SETTINGS timeout (10 s); a call waiting on it ends at its own deadline instead.
    @Test func aCallWaitingForASilentPeerEndsAtItsDeadline() async throws {
        let silent = try SilentListener()
        let channel = MeshChannel(endpoints: [Endpoint(host: "127.0.0.1", port: silent.port)], tls: nil)
        let error = await #expect(throws: Status.self) {
            let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
                channel, Self.say, HealthCheckRequest(service: "x"), options: CallOptions(timeout: .milliseconds(300)))
        }
        #expect(error?.code == .deadlineExceeded, "\(String(describing: error))")
        await channel.close()
    }

    @Test func noEndpointAtAllIsUnavailable() async throws {
        let channel = MeshChannel(endpoints: [Endpoint(host: "127.0.0.1", port: 1)], tls: nil)
        let error = await #expect(throws: Status.self) { try await call(channel, "x") }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("127.0.0.1:1") == true)
    }

    @Test func backoffGrowsToItsCeilingWithJitter() {
        var backoff = Backoff()
        backoff.initial = .milliseconds(100)
        backoff.maximum = .seconds(1)
        #expect(backoff.delay(afterFailures: 1, randomness: 0.5) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 2, randomness: 0.5) == .milliseconds(160))
        #expect(backoff.delay(afterFailures: 20, randomness: 0.5) == .seconds(1))
        #expect(backoff.delay(afterFailures: 1, randomness: 0) == .milliseconds(80))
        #expect(backoff.delay(afterFailures: 1, randomness: 0.999_999) > .milliseconds(119))
    }
}

/// Echo that counts its calls.
final class CountingEcho: RegisteredService {
    private let calls = Atomic(0)
    var count: Int { calls.load(ordering: .relaxed) }

    var serverMethods: [ServerMethod] {
        [.unary(MeshChannelTests.say) { [self] (request: HealthCheckRequest, _) in
            calls.add(1, ordering: .relaxed)
            return request
        }]
    }
}

/// A loopback port whose connections the kernel accepts (its backlog completes the handshake)
/// and nothing ever answers.
final class SilentListener {
    let port: Int
    private let socket: Int32

    init() throws {
        let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw Status(.internal, "cannot listen: errno \(errno)")
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        socket = listener
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }
}
