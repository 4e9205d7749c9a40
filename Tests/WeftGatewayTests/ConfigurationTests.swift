import Foundation
import Testing
import WeftGateway
import WeftMesh

/// The gateway's JSON configuration: every setting read, every mistake named by its key.
struct ConfigurationTests {
    func configuration(_ json: String) throws -> GatewayConfiguration {
        try GatewayConfiguration(json: Array(json.utf8), baseDirectory: "/etc/weft")
    }

    @Test func readsEverySetting() throws {
        let parsed = try configuration("""
            {
              "listen": "0.0.0.0:9443",
              "threads": 1,
              "tls": {"certificate": "front.pem", "key": "/keys/front.key"},
              "schemas": {"includePaths": ["schemas"], "files": ["shop/v1/shop.proto"]},
              "upstreams": {
                "shop.v1.Shop": {"address": "10.0.0.7:7001",
                                 "tls": {"ca": "ca.pem", "certificate": "gw.pem", "key": "gw.key", "serverName": "shop",
                                         "identity": "spiffe://weft.local/service/shop"}},
                "shop.v1.Legacy": {"address": "[::1]:7002", "insecure": true}
              },
              "limits": {"maxBodyBytes": 2048, "maxHeaderBytes": 4096, "timeoutMs": 1500, "maxConcurrentCallsPerUpstream": 8,
                         "maxConnections": 90, "tlsHandshakeSeconds": 3, "prefaceSeconds": 4, "headerBlockSeconds": 5, "idleSeconds": 6},
              "rateLimit": {"ratePerSecond": 5, "burst": 10},
              "routes": {"shop.v1.Shop.Get": {"timeoutMs": 200, "rateLimit": {"ratePerSecond": 1, "burst": 1}},
                         "shop.v1.Shop.Health": {"unlimited": true}},
              "circuitBreaker": {"windowMs": 5000, "minimumCalls": 4, "failureRatio": 0.25, "consecutiveFailures": 2,
                                 "openMs": 750, "halfOpenProbes": 2},
              "cors": {"allowedOrigins": ["https://shop.example"]},
              "headers": {"forwardRequest": ["X-Tenant"], "forwardResponse": ["x-etag"]}
            }
            """)
        #expect(parsed.host == "0.0.0.0" && parsed.port == 9443 && parsed.threads == 1)
        #expect(parsed.frontTLS == .init(certificateChainPath: "/etc/weft/front.pem", privateKeyPath: "/keys/front.key"))
        #expect(parsed.schemaIncludePaths == ["/etc/weft/schemas"])
        #expect(parsed.schemaFiles == ["shop/v1/shop.proto"])
        #expect(parsed.upstreams["shop.v1.Shop"] == .init(host: "10.0.0.7", port: 7001, tls: .init(
            trustRootsPath: "/etc/weft/ca.pem", certificateChainPath: "/etc/weft/gw.pem", privateKeyPath: "/etc/weft/gw.key", serverName: "shop",
            identity: "spiffe://weft.local/service/shop")))
        #expect(parsed.upstreams["shop.v1.Legacy"] == .init(host: "::1", port: 7002, tls: nil))
        #expect(parsed.maximumBodyBytes == 2048 && parsed.maximumHeaderBytes == 4096)
        #expect(parsed.timeout == .milliseconds(1500) && parsed.maximumConcurrentCallsPerUpstream == 8)
        #expect(parsed.maximumConnections == 90 && parsed.tlsHandshakeTimeout == .seconds(3) && parsed.prefaceTimeout == .seconds(4))
        #expect(parsed.headerBlockTimeout == .seconds(5) && parsed.idleTimeout == .seconds(6))
        #expect(parsed.rateLimit == .init(ratePerSecond: 5, burst: 10))
        #expect(parsed.routes["shop.v1.Shop.Get"] == .init(timeout: .milliseconds(200), rateLimit: .init(ratePerSecond: 1, burst: 1)))
        #expect(parsed.routes["shop.v1.Shop.Health"]?.unlimited == true)
        #expect(parsed.circuitBreaker.minimumCalls == 4 && parsed.circuitBreaker.failureRatio == 0.25)
        #expect(parsed.circuitBreaker.openDuration == .milliseconds(750) && parsed.circuitBreaker.halfOpenProbes == 2)
        #expect(parsed.corsAllowedOrigins == ["https://shop.example"])
        #expect(parsed.forwardedRequestHeaders == ["x-tenant"] && parsed.forwardedResponseMetadata == ["x-etag"])
    }

    @Test func readsJWTSettings() throws {
        let parsed = try configuration("""
            {"jwt": {"issuer": "https://auth.example", "audience": "shop", "leewaySeconds": 5,
                     "keys": [{"kid": "k1", "algorithm": "EdDSA", "publicKey": "keys/ed.pub"}, {"algorithm": "ES256", "publicKey": "/k/es.pub"}],
                     "publicRoutes": ["shop.v1.Shop.List"], "forwardClaims": ["sub", "tenant"]}}
            """)
        let jwt = try #require(parsed.jwt)
        #expect(jwt.issuer == "https://auth.example" && jwt.audience == "shop" && jwt.leeway == .seconds(5))
        #expect(jwt.keys == [
            .init(id: "k1", algorithm: .eddsa, publicKeyPath: "/etc/weft/keys/ed.pub"), .init(id: nil, algorithm: .es256, publicKeyPath: "/k/es.pub"),
        ])
        #expect(jwt.publicRoutes == ["shop.v1.Shop.List"] && jwt.forwardedClaims == ["sub", "tenant"])
    }

    @Test func readsAKeySetSourceInsteadOfKeyFiles() throws {
        let parsed = try configuration("""
            {"jwt": {"keySet": {"method": "weft.platform.identity.v1.IdentityService.GetJwks", "refreshSeconds": 60}, "forwardClaims": ["sub", "roles"]}}
            """)
        let jwt = try #require(parsed.jwt)
        #expect(jwt.keys.isEmpty)
        #expect(jwt.keySet == .init(method: "weft.platform.identity.v1.IdentityService.GetJwks", refreshInterval: .seconds(60)))
    }

    @Test func upstreamsListEndpointsOrADNSName() throws {
        let parsed = try configuration("""
            {"upstreams": {
               "a.Pair": {"endpoints": ["10.0.0.1:7001", "10.0.0.2:7001"], "balancing": "p2c", "insecure": true, "idleSeconds": 0,
                          "retries": {"maxAttempts": 4, "codes": ["UNAVAILABLE", "RESOURCE_EXHAUSTED"]}, "http2": {"initialWindowBytes": 1048576}},
               "a.Headless": {"dns": "shop.svc.cluster.local:7001", "refreshSeconds": 5, "insecure": true}}}
            """)
        #expect(parsed.upstreams["a.Pair"] == .init(
            discovery: .endpoints([Endpoint(host: "10.0.0.1", port: 7001), Endpoint(host: "10.0.0.2", port: 7001)]),
            channel: .defaults.with { channel in
                channel.balancing = .powerOfTwoChoices
                channel.idleTimeout = nil
                channel.retries.maximumAttempts = 4
                channel.retries.retryableCodes = [.unavailable, .resourceExhausted]
                channel.http2.initialWindowSize = 1_048_576
            }, tls: nil))
        #expect(parsed.upstreams["a.Headless"] == .init(discovery: .dns(host: "shop.svc.cluster.local", port: 7001, refresh: .seconds(5)), tls: nil))
    }

    @Test func aYAMLFileReadsLikeItsJSON() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-gateway-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("gateway.yml").path
        try Data("""
            listen: 0.0.0.0:9443
            upstreams:
              shop.v1.Shop: {address: "10.0.0.7:7001", insecure: true}
            limits: {timeoutMs: 1500}
            rateLimit:
              ratePerSecond: 5
              burst: 10
            """.utf8).write(to: URL(fileURLWithPath: path))
        let parsed = try ConfigurationFile(path: path).read { bytes, base in try GatewayConfiguration(json: bytes, baseDirectory: base) }
        #expect(parsed.host == "0.0.0.0" && parsed.port == 9443 && parsed.timeout == .milliseconds(1500))
        #expect(parsed.upstreams["shop.v1.Shop"] == .init(host: "10.0.0.7", port: 7001, tls: nil))
        #expect(parsed.rateLimit == .init(ratePerSecond: 5, burst: 10))
    }

    @Test func readsTheFrontsHTTP2Settings() throws {
        let parsed = try configuration(#"{"http2": {"maxConcurrentStreams": 64, "initialWindowBytes": 262144, "keepaliveSeconds": 0}}"#)
        #expect(parsed.frontHTTP2.maximumConcurrentStreams == 64 && parsed.frontHTTP2.initialWindowSize == 262_144)
        #expect(parsed.frontHTTP2.keepalive == nil)
        // The header list limit follows limits.maxHeaderBytes.
        let error = #expect(throws: ConfigurationError.self) { try configuration(#"{"http2": {"maxHeaderListBytes": 100}}"#) }
        #expect(error.map { "\($0)" }?.hasPrefix("configuration key http2.maxHeaderListBytes is not a known setting") == true)
    }

    @Test func anEmptyObjectMeansTheDefaults() throws {
        let parsed = try configuration("{}")
        #expect(parsed.port == 8080 && parsed.maximumBodyBytes == 1024 * 1024 && parsed.rateLimit == nil)
    }

    @Test(arguments: [
        (#"{"listn": "1:2"}"#, "configuration key listn is not a known setting; did you mean listen? (use one of:"),
        (#"{"xyzzy": 1}"#, "configuration key xyzzy is not a known setting; use one of:"),
        (#"{"listen": "localhost"}"#, #"configuration key listen must be "host:port""#),
        (#"{"threads": 0}"#, "configuration key threads must be a whole number above 0"),
        (#"{"upstreams": {"a.B": {"address": "h:1"}}}"#, "configuration key upstreams.a.B.tls is required: upstreams use mutual TLS"),
        (#"{"upstreams": {"a.B": {"address": "h:1", "tls": {"ca": "c"}}}}"#, "configuration key upstreams.a.B.tls.certificate is required"),
        (#"{"upstreams": {"a.B": {"insecure": true}}}"#, #"configuration key upstreams.a.B.address is required ("host:port"; or "endpoints""#),
        (#"{"upstreams": {"a.B": {"address": "h:1", "dns": "h:1", "insecure": true}}}"#, "configuration key upstreams.a.B.address cannot be combined"),
        (#"{"upstreams": {"a.B": {"endpoints": [], "insecure": true}}}"#, "configuration key upstreams.a.B.endpoints is empty"),
        (#"{"upstreams": {"a.B": {"endpoints": ["h:1", "h:2", "h:1"], "insecure": true}}}"#, "configuration key upstreams.a.B.endpoints[2] lists h:1 a second time"),
        (#"{"upstreams": {"a.B": {"address": "h:1", "balancing": "random", "insecure": true}}}"#, #"configuration key upstreams.a.B.balancing must be "round_robin" or "p2c""#),
        (#"{"upstreams": {"a.B": {"address": "h:1", "retries": {"codes": ["UNAVAILABLE", "NOPE"]}, "insecure": true}}}"#,
         #"configuration key upstreams.a.B.retries.codes[1] must be a gRPC status name such as "UNAVAILABLE"; got "NOPE""#),
        (#"{"upstreams": {"a.B": {"address": "h:1", "http2": {"maxConcurrentStreams": 5}, "insecure": true}}}"#,
         #"configuration key upstreams.a.B.http2.maxConcurrentStreams"#),
        (#"{"rateLimit": {"burst": 3}}"#, "configuration key rateLimit needs both ratePerSecond and burst"),
        (#"{"limits": {"maxBodyBytes": -1}}"#, "configuration key limits.maxBodyBytes must be a whole number above 0"),
        (#"{"circuitBreaker": {"failureRatio": 2}}"#, "configuration key circuitBreaker.failureRatio must be between 0 and 1"),
        (#"{"cors": {"allowedOrigins": "*"}}"#, "configuration key cors.allowedOrigins must be an array of strings"),
        (#"{"listen": "#, "configuration:1:12: not valid JSON"),
        ("{\n  \"listen\": \"a:1\",\n}", "configuration:3:1: not valid JSON"),
        (#"{"jwt": {"keys": [{"algorithm": "HS256", "publicKey": "k"}]}}"#, #"configuration key jwt.keys[0].algorithm must be "ES256" or "EdDSA""#),
        (#"{"jwt": {"issuer": "x"}}"#, "configuration key jwt.keys must list at least one key"),
        (#"{"jwt": {"keySet": {"method": "GetJwks"}}}"#, "configuration key jwt.keySet.method must name the rpc"),
        (#"{"jwt": {"keySet": {"method": "a.B.C", "refreshSeconds": 0}}}"#, "configuration key jwt.keySet.refreshSeconds must be at least 1"),
    ])
    func mistakesNameTheirKey(_ json: String, _ message: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try configuration(json) }
        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "")")
    }

    @Test func aRoutedServiceNeedsAnUpstream() throws {
        var configuration = GatewayConfiguration()
        configuration.schemaIncludePaths = [GatewayHarness.testsDirectory]
        configuration.schemaFiles = ["bookshop.proto"]
        let error = #expect(throws: GatewayStartError.self) { try Gateway(configuration: configuration) }
        #expect(error?.description == "service weft.gatewaytest.v1.Bookshop has REST routes but no upstream; add upstreams.weft.gatewaytest.v1.Bookshop to the configuration")
    }

    @Test(arguments: [
        (#"get: "/v1/notes:stream""#, "GET /v1/notes:stream needs body: \"*\""),
        (#"post: "/v1/notes:stream" body: "note""#, "POST /v1/notes:stream needs body: \"*\""),
    ])
    func aClientStreamNeedsAWholeBodyRule(_ rule: String, _ message: String) throws {
        let error = try startError(notesService: "rpc Upload(stream Note) returns (Note) { option (google.api.http) = { \(rule) }; }")
        #expect(error?.contains(message) == true, "\(error ?? "")")
    }

    @Test func everyClientStreamBindingWithoutAWholeBodyIsListed() throws {
        let error = try startError(notesService: """
            rpc Upload(stream Note) returns (Note) {
                option (google.api.http) = { get: "/v1/notes:stream" additional_bindings { put: "/v1/notes" body: "note" } };
              }
            """)
        #expect(error?.contains("GET /v1/notes:stream needs body: \"*\"") == true, "\(error ?? "")")
        #expect(error?.contains("PUT /v1/notes needs body: \"*\"") == true, "\(error ?? "")")
    }

    @Test func httpRulesNamingNoFieldFailWithEveryDiagnostic() throws {
        let error = try startError(notesService: """
            rpc Get(Note) returns (Note) { option (google.api.http) = { get: "/v1/{nmae}" }; }
              rpc Put(Note) returns (Note) { option (google.api.http) = { put: "/v1/notes" body: "bdy" }; }
            """)
        #expect(error?.contains("""
            notes.proto:6:74: error: google.api.http path variable "nmae" names no field of "notes.v1.Note"
              rpc Get(Note) returns (Note) { option (google.api.http) = { get: "/v1/{nmae}" }; }
                                                                                     ^
            """) == true, "\(error ?? "")")
        #expect(error?.contains("""
            notes.proto:7:87: error: google.api.http body "bdy" names no field of "notes.v1.Note"
              rpc Put(Note) returns (Note) { option (google.api.http) = { put: "/v1/notes" body: "bdy" }; }
                                                                                                  ^
            """) == true, "\(error ?? "")")
    }

    /// Why a gateway for a `notes.v1` schema whose `Notes` service declares `methods` (a
    /// `Note` has a string `note`) does not start, or nil when it does.
    private func startError(notesService methods: String) throws -> String? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            syntax = "proto3";
            package notes.v1;
            import "google/api/annotations.proto";
            message Note { string note = 1; }
            service Notes {
              \(methods)
            }
            """.write(to: directory.appendingPathComponent("notes.proto"), atomically: true, encoding: .utf8)
        var configuration = GatewayConfiguration()
        configuration.schemaIncludePaths = [directory.path, GatewayHarness.testsDirectory]
        configuration.schemaFiles = ["notes.proto"]
        configuration.upstreams["notes.v1.Notes"] = .init(host: "127.0.0.1", port: 1, tls: nil)
        let error = #expect(throws: GatewayStartError.self) { try Gateway(configuration: configuration) }
        return error?.description
    }

    @Test func aBadSchemaFailsWithItsDiagnostic() throws {
        var configuration = GatewayConfiguration()
        configuration.schemaIncludePaths = [GatewayHarness.testsDirectory]
        configuration.schemaFiles = ["no-such.proto"]
        let error = #expect(throws: GatewayStartError.self) { try Gateway(configuration: configuration) }
        #expect(error?.description.contains("no-such.proto") == true)
    }
}
