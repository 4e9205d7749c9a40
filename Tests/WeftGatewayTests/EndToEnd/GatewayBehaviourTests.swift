import Foundation
import Testing
import WeftBookshop
import WeftGateway
import WeftMesh
import WeftRPC
import WeftTestSupport

/// The gateway's error paths, streaming, protection and operational endpoints, through curl
/// against a real upstream over mutual TLS.
@Suite(.serialized) struct GatewayBehaviourTests {
    @Test(arguments: HTTPVersion.allCases) func errorsAreJSONWithTheRightStatus(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start { $0.maximumBodyBytes = 1000 }
        defer { Task { try? await harness.stop() } }
        let unknownRoute = try await curl("GET", "\(harness.base)/v2/nothing", version: version)
        #expect(unknownRoute.status == 404)
        #expect(unknownRoute.object["code"] as? Int == 5)
        let wrongMethod = try await curl("PUT", "\(harness.base)/v1/shelves/s1/books", version: version, body: "{}")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "GET, HEAD, POST")
        let badJSON = try await curl("POST", "\(harness.base)/v1/shelves/s1/books", version: version, body: #"{"title": "#)
        #expect(badJSON.status == 400)
        #expect(badJSON.object["code"] as? Int == 3)
        let unknownField = try await curl("POST", "\(harness.base)/v1/shelves/s1/books", version: version, body: #"{"colour":"red"}"#)
        #expect(unknownField.status == 400)
        #expect((unknownField.object["message"] as? String)?.contains("colour") == true)
        let oversize = try await curl(
            "POST", "\(harness.base)/v1/shelves/s1/books", version: version, body: #"{"title":""# + String(repeating: "x", count: 5000) + #""}"#)
        #expect(oversize.status == 413)
        #expect(oversize.object["code"] as? Int == 8)
        // The upstream's own status, with its unicode message intact.
        let missing = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/missing", version: version)
        #expect(missing.status == 404)
        #expect(missing.object["message"] as? String == "no book shelves/s1/books/missing — désolé")
        #expect(missing.object["details"] as? [Any] != nil)
        // After all that, the same connection-less client still gets answers.
        #expect(try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b1", version: version).status == 200)
    }

    /// HEAD answers wherever GET does (RFC 9110 §9.3.2): the same status and headers, no body.
    @Test(arguments: HTTPVersion.allCases) func headAnswersLikeGetWithoutABody(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        // The route first: its call opens the upstream connection `/readyz` then finds.
        for path in ["/v1/shelves/s1/books/b1", "/v1/shelves/s1/books/missing", "/healthz", "/readyz", "/openapi.json"] {
            let get = try await curl("GET", harness.base + path, version: version)
            let head = try await curl("HEAD", harness.base + path, version: version, extra: ["--head"])
            #expect(head.status == get.status, "\(path)")
            #expect(head.headers["content-length"] != nil && head.headers["content-length"] == get.headers["content-length"], "\(path)")
            #expect(head.headers["content-type"] == get.headers["content-type"], "\(path)")
            #expect(head.body.isEmpty, "\(path): \(head.body)")
        }
        let stream = try await curl("HEAD", "\(harness.base)/v1/shelves/s1:watch?count=2", version: version, extra: ["--head"])
        #expect(stream.status == 200)
        #expect(stream.headers["content-type"] == "application/x-ndjson")
        #expect(stream.body.isEmpty, "\(stream.body)")
    }

    /// A HEAD answer leaves nothing behind on a kept-alive HTTP/1.1 connection (a stray body would
    /// be read as the next answer's status line), and sends no DATA frame over HTTP/2.
    @Test func headSendsNoBodyBytes() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let urls = ["\(harness.base)/v1/shelves/s1:watch?count=2", "\(harness.base)/openapi.json", "\(harness.base)/v1/shelves/s1/books/b1"]
        let twice = try await runTool("/usr/bin/curl", ["-s", "-v", "--http1.1", "--head", "--max-time", "20"] + urls)
        #expect(twice.status == 0, "\(twice.text)")
        #expect(twice.text.components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 6, "\(twice.text)")  // sent and received
        #expect(twice.text.contains("Re-using existing connection") || twice.text.contains("Reusing existing"), "\(twice.text)")
        for url in urls {
            let frames = try await runTool("/usr/bin/nghttp", ["-v", "-H", ":method: HEAD", url])
            #expect(frames.text.contains("recv HEADERS frame"), "\(frames.text)")
            #expect(!frames.text.contains("recv DATA frame"), "\(frames.text)")
        }
    }

    /// The front advertises the HTTP/2 settings of its configuration to clients.
    @Test func theFrontAdvertisesItsHTTP2Settings() async throws {
        let harness = try await GatewayHarness.start { $0.frontHTTP2.maximumConcurrentStreams = 9; $0.frontHTTP2.initialWindowSize = 300_000 }
        defer { Task { try? await harness.stop() } }
        let frames = try await runTool("/usr/bin/nghttp", ["-nv", "\(harness.base)/openapi.json"])
        #expect(frames.text.contains("SETTINGS_MAX_CONCURRENT_STREAMS(0x03):9"), "\(frames.text)")
        #expect(frames.text.contains("SETTINGS_INITIAL_WINDOW_SIZE(0x04):300000"), "\(frames.text)")
    }

    @Test func anUpstreamMustPresentTheConfiguredIdentity() async throws {
        let upstream = "weft.gatewaytest.v1.Bookshop"
        let right = try await GatewayHarness.start { $0.upstreams[upstream]?.tls?.identity = "spiffe://weft.local/service/bookshop" }
        #expect(try await curl("GET", "\(right.base)/v1/shelves/s1/books/b1").status == 200)
        try await right.stop()
        let wrong = try await GatewayHarness.start { $0.upstreams[upstream]?.tls?.identity = "spiffe://weft.local/service/billing" }
        let refused = try await curl("GET", "\(wrong.base)/v1/shelves/s1/books/b1", headers: ["X-Request-Id: wrong-identity"])
        #expect(refused.status == 503, "\(refused.body)")
        // Which identities were expected and found is for the operator, not the client.
        #expect(!refused.body.contains("spiffe") && !refused.body.contains("billing"), "\(refused.body)")
        let logged = await wrong.accessLog.line(forRequest: "wrong-identity")
        #expect(logged?.contains("billing") == true, "\(logged ?? "no line")")
        try await wrong.stop()
    }

    @Test func aSlowUpstreamHitsTheRouteTimeout() async throws {
        let harness = try await GatewayHarness.start {
            $0.routes["weft.gatewaytest.v1.Bookshop.Trouble"] = .init(timeout: .milliseconds(300))
        }
        defer { Task { try? await harness.stop() } }
        let started = ContinuousClock.now
        let slow = try await curl("POST", "\(harness.base)/v1/trouble", body: #"{"delayMs": 600000}"#)
        // 504 is the proof: the upstream would have answered (200), ten minutes later.
        #expect(slow.status == 504)
        #expect(slow.object["code"] as? Int == 4)
        #expect(ContinuousClock.now - started < hangGuard)  // a guard only, far below the upstream's delay
    }

    @Test(arguments: HTTPVersion.allCases) func serverStreamingAsNDJSONAndServerSentEvents(_ version: HTTPVersion) async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let ndjson = try await curl("GET", "\(harness.base)/v1/shelves/s1:watch?count=3", version: version)
        #expect(ndjson.status == 200)
        #expect(ndjson.headers["content-type"] == "application/x-ndjson")
        let lines = ndjson.body.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.first == #"{"result":{"name":"shelves/s1/books/0"}}"#)
        #expect(lines.last == #"{"status":{"code":0,"message":"","details":[]}}"#)
        let events = try await curl(
            "GET", "\(harness.base)/v1/shelves/s2:watch?count=2&finalCode=14", version: version, headers: ["Accept: text/event-stream"])
        #expect(events.headers["content-type"] == "text/event-stream")
        let blocks = events.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(blocks.count == 3)
        #expect(blocks[1] == "event: message\ndata: {\"name\":\"shelves/s2/books/1\",\"pages\":\"1\"}")
        #expect(blocks[2] == "event: status\ndata: {\"code\":14,\"message\":\"the shelf fell over\",\"details\":[]}")
        // A stream that fails before its first message is a plain error response.
        let failing = try await curl("GET", "\(harness.base)/v1/shelves/s3:watch?count=0&finalCode=7", version: version)
        #expect(failing.status == 403)
    }

    @Test func rateLimitsAnswer429WithHeaders() async throws {
        let harness = try await GatewayHarness.start {
            // One token per 20 s: a loaded machine's slow curls must not earn the caller another.
            $0.rateLimit = .init(ratePerSecond: 0.05, burst: 2)
            $0.routes["weft.gatewaytest.v1.Bookshop.GetFile"] = .init(unlimited: true)
        }
        defer { Task { try? await harness.stop() } }
        let url = "\(harness.base)/v1/shelves/s1/books/b1"
        let first = try await curl("GET", url)
        #expect(first.status == 200)
        #expect(first.headers["ratelimit-policy"] == #""default";q=2;w=40"#)
        #expect(first.headers["ratelimit"]?.hasPrefix(#""default";r=1;"#) == true)
        #expect(try await curl("GET", url).status == 200)
        let limited = try await curl("GET", url)
        #expect(limited.status == 429)
        #expect(limited.object["code"] as? Int == 8)
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)
        // Another caller (an API key) has its own bucket; an unlimited route has no headers.
        #expect(try await curl("GET", url, headers: ["x-api-key: k2"]).status == 200)
        let unlimited = try await curl("GET", "\(harness.base)/v1/files/a")
        #expect(unlimited.status == 200)
        #expect(unlimited.headers["ratelimit"] == nil)
        #expect(harness.upstream.calls.withLock { $0["GetBook"] } == 3)
    }

    @Test func aFailingUpstreamOpensTheBreakerAndARecoveredOneClosesIt() async throws {
        // Open long enough that the requests made while it is open (each a curl process, slow on
        // a loaded machine) all fall inside it; the test then waits out exactly this long.
        let openDuration = Duration.seconds(5)
        let harness = try await GatewayHarness.start {
            $0.circuitBreaker.consecutiveFailures = 3
            $0.circuitBreaker.openDuration = openDuration
        }
        defer { Task { try? await harness.stop() } }
        let trouble = "\(harness.base)/v1/trouble"
        // NOT_FOUND is the upstream answering sensibly: it does not count.
        for _ in 0..<4 { #expect(try await curl("POST", trouble, body: #"{"code":5}"#).status == 404) }
        for _ in 0..<3 { #expect(try await curl("POST", trouble, body: #"{"code":14}"#).status == 503) }
        // The breaker opened before the third failure's answer went out, so before this instant.
        let opened = ContinuousClock.now
        let open = try await curl("POST", trouble, body: #"{"message":"hello"}"#)
        #expect(open.status == 503)
        // Whole seconds until it half-opens, rounded up: at most the open duration.
        #expect((1...5).contains(Int(open.headers["retry-after"] ?? "") ?? 0), "\(open.headers)")
        #expect((open.object["message"] as? String)?.contains("circuit breaker is open") == true)
        #expect(!open.body.contains("Bookshop"), "\(open.body)")
        #expect(harness.upstream.calls.withLock { $0["Trouble"] } == 7)
        let metrics = try await curl("GET", "\(harness.base)/metrics")
        #expect(metrics.body.contains(#"weft_gateway_circuit_state{upstream="weft.gatewaytest.v1.Bookshop"} 1"#))
        try await Task.sleep(until: opened + openDuration, clock: .continuous)
        // Half-open: one probe goes through, succeeds, and closes the breaker.
        #expect(try await curl("POST", trouble, body: #"{"message":"probe"}"#).status == 200)
        #expect(try await curl("POST", trouble, body: #"{"message":"again"}"#).status == 200)
        let closed = try await curl("GET", "\(harness.base)/metrics")
        #expect(closed.body.contains(#"weft_gateway_circuit_state{upstream="weft.gatewaytest.v1.Bookshop"} 0"#))
    }

    @Test func theBulkheadRefusesExcessCallsAtOnce() async throws {
        let harness = try await GatewayHarness.start {
            $0.maximumConcurrentCallsPerUpstream = 1
            $0.routes["weft.gatewaytest.v1.Bookshop.Trouble"] = .init(timeout: hangGuard)  // held, not timed out
        }
        defer { Task { try? await harness.stop() } }
        defer { harness.upstream.held.open() }
        // The one call allowed is held upstream until the excess call has had its answer, so that
        // answer came at once: it cannot have waited for the held call to end.
        let held = Task { try await curl("POST", "\(harness.base)/v1/trouble", body: #"{"message": "hold"}"#) }
        let reached = try await waitUntil { harness.upstream.calls.withLock { $0["Trouble"] } != nil }
        try #require(reached, "the held call never reached the upstream")
        let excess = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b1")
        harness.upstream.held.open()
        #expect(excess.status == 503)
        #expect((excess.object["message"] as? String)?.contains("1 calls in flight") == true)
        #expect(!excess.body.contains("Bookshop"), "\(excess.body)")
        #expect(try await held.value.status == 200)
        #expect(try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b1").status == 200)
    }

    /// `limits.maxHeaderBytes` holds on both protocols, below and above HTTP/2's default header
    /// list size, and a block past what HTTP/2 keeps is still answered (431, not a reset).
    @Test(arguments: HTTPVersion.allCases) func anOversizeHeaderBlockIs431(_ version: HTTPVersion) async throws {
        let cases: [(limit: Int?, headerBytes: Int, status: Int)] = [(2048, 4000, 431), (nil, 20_000, 431), (64 * 1024, 20_000, 200), (nil, 40_000, 431)]
        for (limit, headerBytes, status) in cases {
            let harness = try await GatewayHarness.start { configuration in
                if let limit { configuration.maximumHeaderBytes = limit }
            }
            let response = try await curl(
                "GET", "\(harness.base)/v1/shelves/s1/books/b1", version: version, headers: ["X-Big: " + String(repeating: "y", count: headerBytes)])
            #expect(response.status == status, "limit \(limit.map(String.init) ?? "default"), \(headerBytes) bytes: \(response.body)")
            if status == 431 { #expect(response.object["code"] as? Int == 8) }
            // The connection serves on: the next request on a new one is answered.
            #expect(try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b1", version: version).status == 200)
            try await harness.stop()
        }
    }

    @Test func anUnreachableUpstreamIs503() async throws {
        let harness = try await GatewayHarness.start()
        try await harness.upstreamServer.shutdown(gracePeriod: .milliseconds(10))
        defer { Task { try? await harness.server.shutdown() } }
        let response = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b1")
        #expect(response.status == 503)
        #expect(response.object["code"] as? Int == 14)
    }

    /// `/readyz`'s status once it is `expected`, or its last one after 30 s of asking.
    func readyzStatus(_ harness: GatewayHarness, becomes expected: Int) async throws -> Int {
        var status = 0
        for _ in 0..<150 {
            status = try await curl("GET", "\(harness.base)/readyz").status
            if status == expected { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return status
    }

    /// Ready while an upstream can be reached: a load balancer stops sending requests that
    /// could only fail, and sends them again once the upstream is back.
    @Test func notReadyWhileNoUpstreamCanBeReached() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.server.shutdown() } }
        #expect(try await readyzStatus(harness, becomes: 200) == 200)
        try await harness.upstreamServer.shutdown(gracePeriod: .milliseconds(10))
        #expect(try await readyzStatus(harness, becomes: 503) == 503)
        let notReady = try await curl("GET", "\(harness.base)/readyz")
        #expect(notReady.body == #"{"status":"no upstream reachable"}"#)
    }

    @Test func notReadyWhenTheOnlyEndpointIsClosed() async throws {
        let closed = try await GatewayHarness.start()
        let port = closed.upstreamServer.port
        try await closed.stop()
        let harness = try await GatewayHarness.start { configuration in
            configuration.upstreams["weft.gatewaytest.v1.Bookshop"]?.discovery = .endpoints([Endpoint(host: "127.0.0.1", port: port)])
        }
        defer { Task { try? await harness.stop() } }
        let notReady = try await curl("GET", "\(harness.base)/readyz")
        #expect(notReady.status == 503)
        #expect(notReady.body == #"{"status":"no upstream reachable"}"#)
        #expect(try await curl("GET", "\(harness.base)/healthz").status == 200)
    }

    @Test func headersBecomeMetadataAndBack() async throws {
        let harness = try await GatewayHarness.start {
            $0.forwardedRequestHeaders = ["x-tenant"]
            $0.forwardedResponseMetadata = ["x-book-etag"]
        }
        defer { Task { try? await harness.stop() } }
        let echoed = try await curl(
            "POST", "\(harness.base)/v1/trouble",
            headers: [
                "Authorization: Bearer abc", "X-Tenant: acme", "X-Secret: no", "X-Request-Id: req-42",
                "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ],
            body: "{}")
        let seen = echoed.object["metadata"] as? [String] ?? []
        #expect(seen.contains("authorization=Bearer abc"))
        #expect(seen.contains("x-tenant=acme"))
        #expect(seen.contains("x-request-id=req-42"))
        #expect(!seen.contains { $0.hasPrefix("x-secret") })
        // The client's trace continues upstream with the gateway's own span.
        let trace = seen.first { $0.hasPrefix("traceparent=") }.flatMap { TraceParent(header: String($0.dropFirst("traceparent=".count))) }
        #expect(trace?.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(trace?.parentID != "00f067aa0ba902b7")
        #expect(echoed.headers["x-request-id"] == "req-42")
        let created = try await curl("POST", "\(harness.base)/v1/shelves/s1/books", body: #"{"title":"a"}"#)
        #expect(created.headers["x-book-etag"] == "v1")
        #expect(created.headers["x-internal"] == nil)
        #expect(created.headers["x-request-id"]?.count == 16)
    }

    @Test func corsPreflightAndOperationalEndpoints() async throws {
        let harness = try await GatewayHarness.start { $0.corsAllowedOrigins = ["https://shop.example"] }
        defer { Task { try? await harness.stop() } }
        let preflight = try await curl(
            "OPTIONS", "\(harness.base)/v1/shelves/s1/books",
            headers: ["Origin: https://shop.example", "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type"])
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-origin"] == "https://shop.example")
        #expect(preflight.headers["access-control-allow-methods"] == "POST")
        #expect(preflight.headers["access-control-allow-headers"] == "content-type")
        let foreign = try await curl(
            "OPTIONS", "\(harness.base)/v1/shelves/s1/books", headers: ["Origin: https://evil.example", "Access-Control-Request-Method: POST"])
        #expect(foreign.status == 403)
        let simple = try await curl("GET", "\(harness.base)/v1/shelves/s1/books/b1", headers: ["Origin: https://shop.example"])
        #expect(simple.headers["access-control-allow-origin"] == "https://shop.example")
        #expect(try await curl("GET", "\(harness.base)/healthz").body == #"{"status":"ok"}"#)
        #expect(try await readyzStatus(harness, becomes: 200) == 200)
        let openAPI = try await curl("GET", "\(harness.base)/openapi.json")
        #expect((openAPI.object["paths"] as? [String: Any])?["/v1/shelves/{shelf}/books/{book}:archive"] != nil)
        let metrics = try await curl("GET", "\(harness.base)/metrics")
        #expect(metrics.body.contains(#"weft_gateway_requests_total{route="weft.gatewaytest.v1.Bookshop.GetBook",status="200"} 1"#))
        #expect(metrics.body.contains("weft_gateway_requests_duration_seconds_bucket"))
    }
}

/// The front over server-only TLS: ALPN picks h2 or http/1.1 per client.
@Suite(.serialized) struct GatewayFrontTLSTests {
    @Test(arguments: [("--http1.1", "1.1"), ("--http2", "2")]) func httpsWithALPN(_ flag: String, _ version: String) async throws {
        let pki = GatewayHarness.pki
        let harness = try await GatewayHarness.start {
            $0.frontTLS = .init(certificateChainPath: "\(pki)/gateway.pem", privateKeyPath: "\(pki)/gateway.key")
        }
        defer { Task { try? await harness.stop() } }
        let url = "https://127.0.0.1:\(harness.server.port)/v1/shelves/s1/books/b1"
        let response = try await curl("GET", url, extra: [flag, "--cacert", "\(pki)/ca.pem"])
        #expect(response.status == 200)
        #expect(response.version == version)
        #expect(response.object["name"] as? String == "shelves/s1/books/b1")
        // A client that does not trust the front's CA gets no answer.
        await #expect(throws: CurlError.self) { try await curl("GET", url, extra: [flag, "--cacert", "\(pki)/foreign-ca.pem"]) }
    }
}
