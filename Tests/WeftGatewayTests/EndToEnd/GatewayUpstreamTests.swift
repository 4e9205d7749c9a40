import Testing
import WeftBookshop
import WeftGateway
import WeftMesh
import WeftRPC
import WeftRPCHTTP2
import WeftTLS
import WeftTestSupport

/// Upstreams of several endpoints behind the gateway: calls spread by the mesh's balancing,
/// an endpoint that is down or goes away loses no request, and a DNS name resolves to its
/// addresses. Real upstream servers over mutual TLS, curl in front.
@Suite(.serialized) struct GatewayUpstreamTests {
    static let service = "weft.gatewaytest.v1.Bookshop"

    /// Another bookshop server with the harness's certificate.
    func startBookshop() async throws -> (BookshopUpstream, GRPCServer) {
        let pki = GatewayHarness.pki
        let tls = try TLSContext(.server(certificateChain: "\(pki)/bookshop.pem", privateKey: "\(pki)/bookshop.key", trustRoots: "\(pki)/ca.pem"))
        let upstream = BookshopUpstream()
        return (upstream, try await GRPCServer.start(port: 0, tls: tls, services: [upstream], threads: 1))
    }

    /// A loopback port nothing listens on (a server's, once it has stopped).
    func closedPort() async throws -> Int {
        let (_, server) = try await startBookshop()
        let port = server.port
        try await server.shutdown(gracePeriod: .seconds(1))
        return port
    }

    func getBookCalls(_ upstream: BookshopUpstream) -> Int {
        upstream.calls.withLock { $0["GetBook"] ?? 0 }
    }

    @Test func callsGoRoundRobinAndAnEndpointThatLeavesLosesNoRequest() async throws {
        let (second, secondServer) = try await startBookshop()
        let harness = try await GatewayHarness.start { configuration in
            guard case .endpoints(let first)? = configuration.upstreams[Self.service]?.discovery else { return }
            configuration.upstreams[Self.service]?.discovery = .endpoints(first + [Endpoint(host: "127.0.0.1", port: secondServer.port)])
        }
        defer { Task { try? await harness.stop() } }
        for index in 0..<10 {
            #expect(try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b\(index)").status == 200)
        }
        #expect(getBookCalls(harness.upstream) == 5)
        #expect(getBookCalls(second) == 5)
        // The second endpoint drains (GOAWAY) and goes: every request still gets its answer.
        try await secondServer.shutdown(gracePeriod: .seconds(1))
        for index in 0..<6 {
            let response = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/c\(index)")
            #expect(response.status == 200, "\(response.body)")
        }
        #expect(getBookCalls(harness.upstream) == 11)
        #expect(getBookCalls(second) == 5)
        // Streaming calls balance over the same connections.
        #expect(try await curl("GET", "\(harness.base)/v1/shelves/s1:watch?count=2").status == 200)
        #expect(harness.upstream.calls.withLock { $0["WatchShelf"] } == 1)
    }

    /// A draining endpoint refuses new streams; the gateway moves new calls elsewhere but must
    /// not cut the call still running on that connection.
    @Test func aCallInFlightOnADrainingEndpointFinishes() async throws {
        let (second, secondServer) = try await startBookshop()
        let harness = try await GatewayHarness.start { configuration in
            guard case .endpoints(let first)? = configuration.upstreams[Self.service]?.discovery else { return }
            configuration.upstreams[Self.service]?.discovery = .endpoints(first + [Endpoint(host: "127.0.0.1", port: secondServer.port)])
            configuration.routes["\(Self.service).Trouble"] = .init(timeout: hangGuard)  // held, not timed out
        }
        defer { Task { try? await harness.stop(); try? await secondServer.shutdown(gracePeriod: .seconds(1)) } }
        defer { harness.upstream.held.open() }
        // Round robin: the held call goes to the first endpoint, and stays there until released.
        let held = Task { try await curl("POST", "\(harness.base)/v1/trouble", body: #"{"message": "hold"}"#) }
        let reached = try await waitUntil { harness.upstream.calls.withLock { $0["Trouble"] } == 1 }
        try #require(reached, "the held call never reached the first endpoint")
        // A grace period the drain never needs: it ends with the held call.
        let draining = Task { try await harness.upstreamServer.shutdown(gracePeriod: hangGuard) }
        // The gateway learns of the drain from the first endpoint's GOAWAY; from then on no call
        // reaches it. Probe (GetFile, not counted below) until two in a row have missed it: round
        // robin sends one of any two there while it takes calls.
        var missesInARow = 0
        let movedOn = try await waitUntil {
            let before = harness.upstream.calls.withLock { $0["GetFile"] ?? 0 }
            guard try await curl("GET", "\(harness.base)/v1/files/probe").status == 200 else { return false }
            let reachedFirst = harness.upstream.calls.withLock { $0["GetFile"] ?? 0 } > before
            missesInARow = reachedFirst ? 0 : missesInARow + 1
            return missesInARow >= 2
        }
        try #require(movedOn, "calls kept reaching the draining endpoint")
        for index in 0..<4 {
            let response = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/d\(index)")
            #expect(response.status == 200, "\(response.body)")
        }
        #expect(getBookCalls(second) == 4)
        harness.upstream.held.open()
        let finished = try await held.value
        #expect(finished.status == 200, "\(finished.body)")
        #expect(finished.object["message"] as? String == "hold")
        try await draining.value
    }

    /// The upstream's `idleSeconds`: a connection without calls closes, and the next call opens
    /// another (the mesh channel's idle close, which the gateway shares).
    @Test func anIdleUpstreamConnectionClosesAndTheNextCallReopensIt() async throws {
        let harness = try await GatewayHarness.start { $0.upstreams[Self.service]?.channel.idleTimeout = .milliseconds(300) }
        defer { Task { try? await harness.stop() } }
        // The upstream's own count of open connections: one opened and closed, then another,
        // however long each step takes on a loaded machine.
        #expect(try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b1").status == 200)
        let closed = try await waitUntil { harness.upstreamConnections.reported == [1, 0] }
        #expect(closed, "the idle connection stayed open: \(harness.upstreamConnections.reported)")
        #expect(try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b2").status == 200)
        #expect(harness.upstreamConnections.reported.prefix(3) == [1, 0, 1])
        // The gateway's gauge follows (a connection counted while open, none once closed).
        let connections = "weft_rpc_client_connections{upstream=\"\(Self.service)\"} "
        let counted = try await waitUntil {
            let metrics = try await curl("GET", "\(harness.base)/metrics").body
            let value = metrics.split(separator: "\n").first { $0.hasPrefix(connections) }.map { Double($0.dropFirst(connections.count)) }
            return value == Double(harness.upstreamConnections.reported.last ?? -1)
        }
        #expect(counted)
        #expect(getBookCalls(harness.upstream) == 2)
    }

    /// Calls lost with their endpoint (stopped mid-call, as in a rolling restart) are that
    /// endpoint's failures: with another endpoint left, the upstream's circuit breaker stays
    /// closed however many of them there were, and the next calls go to the live endpoint.
    @Test func callsLostWithOneOfSeveralEndpointsLeaveTheBreakerClosed() async throws {
        let (doomedUpstream, doomed) = try await startBookshop()
        let harness = try await GatewayHarness.start { configuration in
            guard case .endpoints(let live)? = configuration.upstreams[Self.service]?.discovery else { return }
            configuration.upstreams[Self.service]?.discovery = .endpoints([Endpoint(host: "127.0.0.1", port: doomed.port)] + live)
        }
        defer { Task { try? await harness.stop() } }
        func held(_ upstream: BookshopUpstream) -> Int { upstream.calls.withLock { $0["Trouble"] ?? 0 } }
        // Held calls (a POST: not retried) on both endpoints, more on the doomed one than the
        // breaker's limit of failures in a row.
        let total = 4 * CircuitBreaker.Policy.defaults.consecutiveFailures
        let calls = (0..<total).map { _ in Task { try await curl("POST", "\(harness.base)/v1/trouble", body: #"{"message": "hold"}"#) } }
        let spread = try await waitUntil { held(doomedUpstream) + held(harness.upstream) == total }
        try #require(spread, "\(held(doomedUpstream)) + \(held(harness.upstream)) of \(total) calls arrived")
        let lost = held(doomedUpstream)
        try #require(lost >= CircuitBreaker.Policy.defaults.consecutiveFailures, "only \(lost) of \(total) held calls on the doomed endpoint")
        try await doomed.shutdown(gracePeriod: .zero)
        doomedUpstream.held.open()  // its handlers, cut off from their callers, end too
        harness.upstream.held.open()
        var answered = 0
        for call in calls where try await call.value.status == 200 { answered += 1 }
        #expect(answered == total - lost)
        for index in 0..<3 {
            let response = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b\(index)")
            #expect(response.status == 200, "the breaker opened: \(response.body)")
        }
    }

    @Test func anEndpointThatIsDownIsSkippedAndCounted() async throws {
        let down = try await closedPort()
        let harness = try await GatewayHarness.start { configuration in
            guard case .endpoints(let live)? = configuration.upstreams[Self.service]?.discovery else { return }
            configuration.upstreams[Self.service]?.discovery = .endpoints([Endpoint(host: "127.0.0.1", port: down)] + live)
        }
        defer { Task { try? await harness.stop() } }
        for index in 0..<6 {
            let response = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b\(index)")
            #expect(response.status == 200, "\(response.body)")
        }
        #expect(getBookCalls(harness.upstream) == 6)
        let metrics = try await curl("GET", "\(harness.base)/metrics").body
        let failures = metrics.split(separator: "\n").first { $0.hasPrefix("weft_rpc_client_connect_failures_total{upstream=\"\(Self.service)\"}") }
        #expect(failures.map { !$0.hasSuffix(" 0") } == true, "\(metrics)")
        #expect(metrics.contains("weft_rpc_client_connections{upstream=\"\(Self.service)\"} 1"), "\(metrics)")
    }

    /// The client learns that the service is unavailable and the request's id; the endpoints
    /// tried are the gateway's business, in its access log.
    @Test func everyEndpointDownAnswers503NamingThemOnlyInTheLog() async throws {
        let down = try await closedPort()
        let harness = try await GatewayHarness.start { $0.upstreams[Self.service]?.discovery = .endpoints([Endpoint(host: "127.0.0.1", port: down)]) }
        defer { Task { try? await harness.stop() } }
        let refused = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b1", headers: ["X-Request-Id: all-down-1"])
        #expect(refused.status == 503)
        #expect(refused.object["code"] as? Int == 14)
        #expect(!refused.body.contains("127.0.0.1") && !refused.body.contains(String(down)), "\(refused.body)")
        #expect((refused.object["message"] as? String)?.contains("all-down-1") == true, "\(refused.body)")
        let logged = await harness.accessLog.line(forRequest: "all-down-1")
        #expect(logged?.contains("error=\"UNAVAILABLE: ") == true, "\(logged ?? "no line")")
        #expect(logged?.contains("127.0.0.1:\(down)") == true, "\(logged ?? "no line")")
    }

    /// An upstream whose own dependency is down answers with that dependency's code; neither
    /// the upstream nor the gateway passes on where the dependency was.
    @Test func anUpstreamsFailedDependencyIsNotDescribed() async throws {
        let down = try await closedPort()
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let failed = try await curl(
            "POST", "\(harness.base)/v1/trouble", headers: ["X-Request-Id: dependency-1"], body: #"{"dependencyPort": \#(down)}"#)
        #expect(failed.status == 503, "\(failed.body)")
        #expect(failed.object["code"] as? Int == 14)
        #expect(!failed.body.contains("127.0.0.1") && !failed.body.contains(String(down)), "\(failed.body)")
        #expect(failed.object["message"] as? String == "a call this service depends on failed")
        let logged = await harness.accessLog.line(forRequest: "dependency-1")
        #expect(logged?.contains(#"error="UNAVAILABLE: a call this service depends on failed""#) == true, "\(logged ?? "no line")")
    }

    @Test func aDNSNameResolvesToTheEndpoints() async throws {
        let harness = try await GatewayHarness.start { configuration in
            guard case .endpoints(let live)? = configuration.upstreams[Self.service]?.discovery else { return }
            // localhost may also resolve to ::1, where nothing listens: that address backs off.
            configuration.upstreams[Self.service]?.discovery = .dns(host: "localhost", port: live[0].port, refresh: .seconds(30))
        }
        defer { Task { try? await harness.stop() } }
        var answered = 0
        for index in 0..<6 {
            let response = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b\(index)")
            if response.status == 200 { answered += 1 }
        }
        #expect(answered == 6)
        #expect(getBookCalls(harness.upstream) == 6)
    }
}
