import Foundation
import Testing
import WeftMesh
import WeftMessages
import WeftRPC
import WeftTLS

/// Services started from their mesh configuration, calling each other over mutual TLS.
@Suite struct MeshServiceTests {
    static func configuration(_ service: String, upstreams: String = "{}", authorization: String = "{}") throws -> MeshConfiguration {
        let pki = AuthorizationPolicyTests.pki
        return try MeshConfiguration(json: Array("""
            {"service": "\(service)", "listen": "127.0.0.1:0",
             "tls": {"ca": "ca.pem", "certificate": "\(service).pem", "key": "\(service).key"},
             "upstreams": \(upstreams), "authorization": \(authorization)}
            """.utf8), baseDirectory: pki)
    }

    @Test func servicesCallEachOtherAsConfigured() async throws {
        let echo = try await MeshService.start(
            Self.configuration("echo", authorization: #"{"rules": {"weft.mesh.test.Echo": ["spiffe://weft.local/service/orders"]}}"#),
            services: [Echo()], onDenied: { _, _ in })
        let upstreams = #"{"echo": {"endpoints": ["127.0.0.1:\#(echo.server.port)"]}}"#
        let orders = try await MeshService.start(Self.configuration("orders", upstreams: upstreams), services: [])
        let intruder = try await MeshService.start(Self.configuration("intruder", upstreams: upstreams), services: [])
        let say = Echo().serverMethods[0].descriptor
        let answer: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
            try await orders.channel(to: "echo"), say, HealthCheckRequest(service: "from orders"), options: CallOptions())
        #expect(answer.message.service == "from orders")
        let error = await #expect(throws: Status.self) {
            let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
                try await intruder.channel(to: "echo"), say, HealthCheckRequest(), options: CallOptions())
        }
        #expect(error?.code == .permissionDenied)
        await #expect(throws: ConfigurationError.self) { try await orders.channel(to: "billing") }
        for service in [echo, orders, intruder] { try await service.server.shutdown(gracePeriod: .seconds(1)) }
    }

    @Test func upstreamsMustPresentTheirConfiguredIdentity() async throws {
        let echo = try await MeshService.start(Self.configuration("echo"), services: [Echo()])
        let endpoint = "127.0.0.1:\(echo.server.port)"
        let upstreams = #"{"right": {"endpoints": ["\#(endpoint)"], "identity": "echo"},"#
            + #" "wrong": {"endpoints": ["\#(endpoint)"], "identity": "billing"},"#
            + #" "named": {"dns": "localhost:\#(echo.server.port)", "identity": "spiffe://weft.local/service/echo"}}"#
        let orders = try await MeshService.start(Self.configuration("orders", upstreams: upstreams), services: [])
        let say = Echo().serverMethods[0].descriptor
        let options = CallOptions(timeout: .seconds(30))
        for name in ["right", "named"] {
            let answer: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
                try await orders.channel(to: name), say, HealthCheckRequest(service: name), options: options)
            #expect(answer.message.service == name)
        }
        let error = await #expect(throws: Status.self) {
            let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
                try await orders.channel(to: "wrong"), say, HealthCheckRequest(), options: options)
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("spiffe://weft.local/service/billing") == true, "\(String(describing: error))")
        #expect(try await orders.channel(to: "right") === (try await orders.channel(to: "right")))
        try await orders.shutdown()
        try await echo.shutdown()
    }

    @Test func configurationKeysAndEnvironmentOverrides() throws {
        let parsed = try MeshConfiguration(json: Array("""
            {"service": "catalog", "trustDomain": "shop.test", "listen": "0.0.0.0:7001",
             "tls": {"ca": "ca.pem", "certificate": "/c/catalog.pem", "key": "catalog.key"},
             "upstreams": {"inventory": {"endpoints": ["10.0.0.1:7002", "10.0.0.2:7002"], "balancing": "p2c", "identity": "inventory"},
                           "search": {"dns": "search.shop.svc:7003", "refreshSeconds": 5, "identity": "spiffe://other.test/service/search"}},
             "authorization": {"rules": {"shop.Catalog/Delete": ["spiffe://shop.test/service/admin"]}, "allowUnlisted": false},
             "limits": {"maxReceiveMessageBytes": 1024, "drainSeconds": 3, "maxConnections": 50, "tlsHandshakeSeconds": 4,
                        "prefaceSeconds": 5, "headerBlockSeconds": 6},
             "health": false}
            """.utf8), baseDirectory: "/etc/weft",
            environment: ["WEFT_LISTEN": "127.0.0.1:9000", "WEFT_UPSTREAM_INVENTORY": "127.0.0.1:1,127.0.0.1:2", "WEFT_UPSTREAM_BILLING": "b:3"])
        #expect(parsed.identity == "spiffe://shop.test/service/catalog")
        #expect(parsed.host == "127.0.0.1" && parsed.port == 9000)
        #expect(parsed.tls == .init(trustRoots: "/etc/weft/ca.pem", certificateChain: "/c/catalog.pem", privateKey: "/etc/weft/catalog.key"))
        let inventory = try #require(parsed.upstreams["inventory"])
        #expect(inventory == Upstream(
            discovery: .endpoints([Endpoint(host: "127.0.0.1", port: 1), Endpoint(host: "127.0.0.1", port: 2)]),
            identity: "inventory", channel: .defaults.with { $0.balancing = .powerOfTwoChoices }))
        #expect(parsed.expectedIdentity(of: inventory) == "spiffe://shop.test/service/inventory")
        #expect(parsed.upstreams["search"]?.discovery == .dns(host: "search.shop.svc", port: 7003, refresh: .seconds(5)))
        #expect(parsed.upstreams["search"].flatMap(parsed.expectedIdentity) == "spiffe://other.test/service/search")
        #expect(parsed.upstreams["billing"] == .endpoints([Endpoint(host: "b", port: 3)]))
        let keptOpen = try MeshConfiguration(json: Array(#"{"service": "a", "insecure": true, "upstreams": {"b": {"endpoints": ["b:1"], "idleSeconds": 0}}}"#.utf8))
        #expect(keptOpen.upstreams["b"]?.channel.idleTimeout == nil)
        #expect(parsed.authorizationRules == ["shop.Catalog/Delete": ["spiffe://shop.test/service/admin"]] && !parsed.allowsUnlistedCallers)
        #expect(parsed.maximumReceiveMessageBytes == 1024 && parsed.drainGracePeriod == .seconds(3) && !parsed.servesHealth)
        #expect(parsed.maximumConnections == 50 && parsed.tlsHandshakeTimeout == .seconds(4))
        #expect(parsed.prefaceTimeout == .seconds(5) && parsed.headerBlockTimeout == .seconds(6))
        let defaults = MeshConfiguration(service: "a")
        #expect(defaults.maximumConnections == 10_000 && defaults.tlsHandshakeTimeout == .seconds(10))
        #expect(defaults.prefaceTimeout == .seconds(10) && defaults.headerBlockTimeout == .seconds(10))
    }

    @Test(arguments: [
        (#"{}"#, [:], "configuration key service is required"),
        (#"{"service": "a"}"#, [:], "configuration key tls is required: services use mutual TLS"),
        (#"{"service": "a", "insecure": true, "listen": "nowhere"}"#, [:], "configuration key listen must be \"host:port\""),
        (#"{"service": "a", "insecure": true}"#, ["WEFT_LISTEN": "x"], "configuration key env WEFT_LISTEN must be \"host:port\""),
        (#"{"service": "a", "insecure": true, "upstreams": {"b": {}}}"#, [:], "configuration key upstreams.b.endpoints is required"),
        (#"{"service": "a", "insecure": true, "athorization": {}}"#, [:], "configuration key athorization is not a known setting"),
        (#"{"service": "a", "insecure": true, "upstreams": {"b": {"endpoints": [], "dns": "b:1"}}}"#, [:],
         "configuration key upstreams.b.dns cannot be combined with endpoints"),
        (#"{"service": "a", "insecure": true, "upstreams": {"b": {"endpoints": []}}}"#, [:],
         "configuration key upstreams.b.endpoints is empty"),
        (#"{"service": "a", "insecure": true, "upstreams": {"b": {"endpoints": ["b:1"], "refreshSeconds": 5}}}"#, [:],
         "configuration key upstreams.b.refreshSeconds applies to \"dns\" upstreams only"),
        (#"{"service": "a", "insecure": true, "upstreams": {"b": {"endpoints": ["b:1"], "identity": "b"}}}"#, [:],
         "configuration key upstreams.b.identity needs TLS"),
        (#"{"service": "a", "insecure": true, "upstreams": {"b": {"endpoints": ["b:1"]}}}"#, ["WEFT_UPSTREAM_B": ""],
         "configuration key env WEFT_UPSTREAM_B is empty"),
        (#"{"service": "a", "insecure": true, "upstreams": {"b": {"dns": "b:1", "balancing": "random"}}}"#, [:],
         "configuration key upstreams.b.balancing must be \"round_robin\" or \"p2c\""),
    ] as [(String, [String: String], String)])
    func mistakesNameTheirKey(_ json: String, _ environment: [String: String], _ message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try MeshConfiguration(json: Array(json.utf8), environment: environment)
        }
        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "")")
    }
}
