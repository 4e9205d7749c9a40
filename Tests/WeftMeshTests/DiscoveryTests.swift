import Synchronization
import Testing
import WeftMesh
import WeftMessages
import WeftRPC
import WeftTestSupport

/// Endpoint lists that change under a MeshChannel: by hand, from a resolver, from DNS.
@Suite struct DiscoveryTests {
    /// A resolver whose answer a test changes.
    final class MovableResolver: EndpointResolver {
        let current: Mutex<[Endpoint]>
        init(_ endpoints: [Endpoint]) { current = Mutex(endpoints) }
        func resolve() async throws -> [Endpoint] { current.withLock { $0 } }
        var description: String { "movable" }
    }

    @Test func callsFollowANewEndpointList() async throws {
        let first = CountingEcho()
        let second = CountingEcho()
        let serverA = try await MeshServer.start(port: 0, tls: nil, services: [first])
        let serverB = try await MeshServer.start(port: 0, tls: nil, services: [second])
        let resolver = MovableResolver([Endpoint(host: "127.0.0.1", port: serverA.port)])
        let channel = try await MeshChannel.resolving(resolver, refreshEvery: .milliseconds(50), tls: nil)
        for _ in 0..<5 { _ = try await Delayed.call(channel) }
        #expect(first.count == 5)
        resolver.current.withLock { $0 = [Endpoint(host: "127.0.0.1", port: serverB.port)] }
        let followed = try await waitUntil { channel.endpoints.first?.port == serverB.port }
        try #require(followed, "the channel never took the new endpoint list")
        for _ in 0..<5 { _ = try await Delayed.call(channel) }
        #expect(first.count == 5 && second.count == 5)
        await channel.close()
        try await serverA.shutdown(gracePeriod: .seconds(1))
        try await serverB.shutdown(gracePeriod: .seconds(1))
    }

    @Test func endpointsThatStayKeepTheirConnections() async throws {
        let echo = CountingEcho()
        let server = try await MeshServer.start(port: 0, tls: nil, services: [echo])
        let kept = Endpoint(host: "127.0.0.1", port: server.port)
        let channel = MeshChannel(endpoints: [kept], tls: nil)
        _ = try await Delayed.call(channel)
        // Adding an endpoint that is down does not disturb calls to the one that stays.
        channel.update(endpoints: [kept, Endpoint(host: "127.0.0.1", port: 1)])
        for _ in 0..<10 { _ = try await Delayed.call(channel) }
        #expect(echo.count == 11)
        await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func dnsFindsLocalhost() async throws {
        let echo = CountingEcho()
        let server = try await MeshServer.start(port: 0, tls: nil, services: [echo])
        let found = try await DNSResolver(host: "localhost", port: server.port).resolve()
        #expect(found.contains(Endpoint(host: "127.0.0.1", port: server.port)))
        // Through the resolver; an address nothing listens on (::1) is skipped.
        let channel = try await MeshChannel.resolving(DNSResolver(host: "localhost", port: server.port), tls: nil)
        for _ in 0..<6 { _ = try await Delayed.call(channel) }
        #expect(echo.count == 6)
        await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
        let error = await #expect(throws: Status.self) { try await DNSResolver(host: "no-such-host.invalid", port: 1).resolve() }
        #expect(error?.code == .unavailable)
    }
}
