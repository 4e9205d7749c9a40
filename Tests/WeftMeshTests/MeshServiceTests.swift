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
            orders.channel(to: "echo"), say, HealthCheckRequest(service: "from orders"), options: CallOptions())
        #expect(answer.message.service == "from orders")
        let error = await #expect(throws: Status.self) {
            let _: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
                intruder.channel(to: "echo"), say, HealthCheckRequest(), options: CallOptions())
        }
        #expect(error?.code == .permissionDenied)
        #expect(throws: ConfigurationError.self) { try orders.channel(to: "billing") }
        for service in [echo, orders, intruder] { try await service.server.shutdown(gracePeriod: .seconds(1)) }
    }

    @Test func configurationKeysAndEnvironmentOverrides() throws {
        let parsed = try MeshConfiguration(json: Array("""
            {"service": "catalog", "trustDomain": "shop.test", "listen": "0.0.0.0:7001",
             "tls": {"ca": "ca.pem", "certificate": "/c/catalog.pem", "key": "catalog.key"},
             "upstreams": {"inventory": {"endpoints": ["10.0.0.1:7002", "10.0.0.2:7002"]}},
             "authorization": {"rules": {"shop.Catalog/Delete": ["spiffe://shop.test/service/admin"]}, "allowUnlisted": false},
             "limits": {"maxReceiveMessageBytes": 1024, "drainSeconds": 3}, "health": false}
            """.utf8), baseDirectory: "/etc/weft",
            environment: ["WEFT_LISTEN": "127.0.0.1:9000", "WEFT_UPSTREAM_INVENTORY": "127.0.0.1:1,127.0.0.1:2", "WEFT_UPSTREAM_BILLING": "b:3"])
        #expect(parsed.identity == "spiffe://shop.test/service/catalog")
        #expect(parsed.host == "127.0.0.1" && parsed.port == 9000)
        #expect(parsed.tls == .init(trustRoots: "/etc/weft/ca.pem", certificateChain: "/c/catalog.pem", privateKey: "/etc/weft/catalog.key"))
        #expect(parsed.upstreams["inventory"] == [Endpoint(host: "127.0.0.1", port: 1), Endpoint(host: "127.0.0.1", port: 2)])
        #expect(parsed.upstreams["billing"] == [Endpoint(host: "b", port: 3)])
        #expect(parsed.authorizationRules == ["shop.Catalog/Delete": ["spiffe://shop.test/service/admin"]] && !parsed.allowsUnlistedCallers)
        #expect(parsed.maximumReceiveMessageBytes == 1024 && parsed.drainGracePeriod == .seconds(3) && !parsed.servesHealth)
    }

    @Test(arguments: [
        (#"{}"#, [:], "configuration key service is required"),
        (#"{"service": "a"}"#, [:], "configuration key tls is required: services use mutual TLS"),
        (#"{"service": "a", "insecure": true, "listen": "nowhere"}"#, [:], "configuration key listen must be \"host:port\""),
        (#"{"service": "a", "insecure": true}"#, ["WEFT_LISTEN": "x"], "configuration key env WEFT_LISTEN must be \"host:port\""),
        (#"{"service": "a", "insecure": true, "upstreams": {"b": {}}}"#, [:], "configuration key upstreams.b.endpoints is required"),
        (#"{"service": "a", "insecure": true, "athorization": {}}"#, [:], "configuration key athorization is not a known setting"),
    ] as [(String, [String: String], String)])
    func mistakesNameTheirKey(_ json: String, _ environment: [String: String], _ message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try MeshConfiguration(json: Array(json.utf8), environment: environment)
        }
        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "")")
    }
}
