import Foundation
import Synchronization
import Testing
import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// Allow-lists of SPIFFE IDs, enforced over mutual TLS with certificates from `DevPKI`.
@Suite struct AuthorizationPolicyTests {
    static let pki: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-authz-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try! DevPKI.makeDirectory(directory, trustDomain: "weft.local", services: ["echo", "orders", "intruder"], foreign: false)
        return directory
    }()

    static func clientTLS(_ name: String) throws -> TLSContext {
        try TLSContext(.client(
            certificateChain: "\(pki)/\(name).pem", privateKey: "\(pki)/\(name).key", trustRoots: "\(pki)/ca.pem",
            serverName: "127.0.0.1"))
    }

    @Test func onlyListedCallersGetThrough() async throws {
        let denied = Mutex([String]())
        let policy = AuthorizationPolicy(rules: ["weft.mesh.test.Echo": ["spiffe://weft.local/service/orders"]]) { path, caller in
            denied.withLock { $0.append("\(caller ?? "-") \(path)") }
        }
        let server = try await MeshServer.start(
            port: 0,
            tls: TLSContext(.server(certificateChain: "\(Self.pki)/echo.pem", privateKey: "\(Self.pki)/echo.key", trustRoots: "\(Self.pki)/ca.pem")),
            services: [Echo()], interceptors: [policy])
        func say(as name: String) async throws -> String {
            let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: Self.clientTLS(name))
            defer { Task { try? await channel.close() } }
            let response: ClientResponse<HealthCheckRequest> = try await ClientCalls.unary(
                channel, Echo().serverMethods[0].descriptor, HealthCheckRequest(service: "hi"), options: CallOptions())
            return response.message.service
        }
        #expect(try await say(as: "orders") == "hi")
        let error = await #expect(throws: Status.self) { try await say(as: "intruder") }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message == "this caller may not call /weft.mesh.test.Echo/Say")
        #expect(denied.withLock { $0 } == ["spiffe://weft.local/service/intruder /weft.mesh.test.Echo/Say"])
        // Health has no rule and stays open to every caller with a certificate.
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: Self.clientTLS("intruder"))
        #expect(try await Health.Client(transport: channel).check(HealthCheckRequest()).status == .serving)
        try await channel.close()
        try await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func methodRulesWinAndUnlistedCanBeClosed() {
        let policy = AuthorizationPolicy(
            rules: ["a.Svc": ["spiffe://d/service/x"], "a.Svc/Open": ["*"], "a.Svc/Closed": []], allowsUnlisted: false)
        #expect(policy.allows("spiffe://d/service/x", path: "/a.Svc/Get"))
        #expect(!policy.allows("spiffe://d/service/y", path: "/a.Svc/Get"))
        #expect(policy.allows("spiffe://d/service/y", path: "/a.Svc/Open"))
        #expect(!policy.allows(nil, path: "/a.Svc/Open"))
        #expect(!policy.allows("spiffe://d/service/x", path: "/a.Svc/Closed"))
        #expect(!policy.allows("spiffe://d/service/x", path: "/b.Other/Get"))
    }
}
