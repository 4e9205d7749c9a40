import Foundation
import Testing
import WeftBookshop
import WeftGateway

/// Tokens minted by the `openssl` command line (an independent signer), checked by the gateway
/// at the edge before any upstream call.
@Suite(.serialized) struct GatewayJWTTests {
    /// ES256 and Ed25519 key pairs, made once.
    static let keys: String = {
        let directory = GatewayHarness.pki + "/jwt"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, arguments) in [("es256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]), ("ed25519", ["-algorithm", "ED25519"])] {
            shell(["/usr/bin/openssl", "genpkey"] + arguments + ["-out", "\(directory)/\(name).key"])
            shell(["/usr/bin/openssl", "pkey", "-in", "\(directory)/\(name).key", "-pubout", "-out", "\(directory)/\(name).pub"])
        }
        return directory
    }()

    static func shell(_ arguments: [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        try! process.run()
        process.waitUntilExit()
    }

    static func base64URL(_ bytes: Data) -> String {
        bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A compact JWS over `claims`, signed with `key` (`es256` or `ed25519`).
    static func token(_ key: String, header: String? = nil, claims: String) async throws -> String {
        let alg = key == "es256" ? "ES256" : "EdDSA"
        let signingInput = base64URL(Data((header ?? #"{"alg":"\#(alg)","typ":"JWT"}"#).utf8)) + "." + base64URL(Data(claims.utf8))
        let input = "\(keys)/input-\(UUID().uuidString)"
        try Data(signingInput.utf8).write(to: URL(fileURLWithPath: input))
        let output = input + ".sig"
        if key == "es256" {
            _ = try await run("/usr/bin/openssl", ["dgst", "-sha256", "-sign", "\(keys)/es256.key", "-out", output, input])
        } else {
            _ = try await run("/usr/bin/openssl", ["pkeyutl", "-sign", "-rawin", "-inkey", "\(keys)/ed25519.key", "-in", input, "-out", output])
        }
        var signature = try Data(contentsOf: URL(fileURLWithPath: output))
        if key == "es256" { signature = rawECDSA(signature) }
        return signingInput + "." + base64URL(signature)
    }

    /// DER `SEQUENCE { INTEGER r, INTEGER s }` → the 64-byte R||S JWS uses.
    static func rawECDSA(_ der: Data) -> Data {
        let bytes = [UInt8](der)
        var index = bytes[1] & 0x80 != 0 ? 2 + Int(bytes[1] & 0x7F) : 2
        var result = Data()
        for _ in 0..<2 {
            let length = Int(bytes[index + 1])
            let integer = bytes[(index + 2)..<(index + 2 + length)].drop { $0 == 0 }
            result += Data(repeating: 0, count: 32 - integer.count) + Data(integer)
            index += 2 + length
        }
        return result
    }

    static func claims(sub: String = "user-7", aud: String = "shop", exp: Double = Date().timeIntervalSince1970 + 300, nbf: Double? = nil) -> String {
        #"{"iss":"https://auth.example","sub":"\#(sub)","aud":["other","\#(aud)"],"exp":\#(Int(exp))"#
            + (nbf.map { #","nbf":\#(Int($0))"# } ?? "") + "}"
    }

    func start() async throws -> GatewayHarness {
        let keys = Self.keys
        return try await GatewayHarness.start {
            var policy = JWTPolicy(issuer: "https://auth.example", audience: "shop", keys: [
                .init(id: nil, algorithm: .es256, publicKeyPath: "\(keys)/es256.pub"),
                .init(id: "ed-1", algorithm: .eddsa, publicKeyPath: "\(keys)/ed25519.pub"),
            ])
            policy.publicRoutes = ["weft.gatewaytest.v1.Bookshop.GetFile"]
            $0.jwt = policy
            $0.forwardedRequestHeaders = ["x-jwt-sub"]  // a client's own x-jwt-* headers are never forwarded
        }
    }

    @Test func validTokensPassAndTheirSubjectGoesUpstream() async throws {
        let harness = try await start()
        defer { Task { try? await harness.stop() } }
        let es256 = try await Self.token("es256", claims: Self.claims())
        let response = try await curl(
            "POST", "\(harness.base)/v1/trouble", headers: ["Authorization: Bearer \(es256)", "X-JWT-Sub: admin"], body: "{}")
        #expect(response.status == 200)
        let seen = response.object["metadata"] as? [String] ?? []
        #expect(seen.contains("x-jwt-sub=user-7"))
        #expect(!seen.contains("x-jwt-sub=admin"))
        let eddsa = try await Self.token("ed25519", header: #"{"alg":"EdDSA","kid":"ed-1"}"#, claims: Self.claims(sub: "user-8"))
        let second = try await curl("POST", "\(harness.base)/v1/trouble", headers: ["Authorization: Bearer \(eddsa)"], body: "{}")
        #expect(second.status == 200)
        #expect((second.object["metadata"] as? [String])?.contains("x-jwt-sub=user-8") == true)
        // A public route needs no token.
        #expect(try await curl("GET", "\(harness.base)/v1/files/readme").status == 200)
    }

    /// `/openapi.json` (a built-in, so public) says which routes need a token, as the gateway
    /// enforces it.
    @Test func theServedDocumentSaysWhichRoutesNeedAToken() async throws {
        let harness = try await start()
        defer { Task { try? await harness.stop() } }
        let served = try await curl("GET", "\(harness.base)/openapi.json")
        #expect(served.status == 200)
        let paths = served.object["paths"] as? [String: [String: [String: Any]]] ?? [:]
        let schemes = (served.object["components"] as? [String: Any])?["securitySchemes"] as? [String: [String: String]]
        #expect(schemes?["bearerJWT"]?["bearerFormat"] == "JWT")
        for (path, url, status) in [("/v1/files/{path}", "/v1/files/readme", 200), ("/v1/shelves/{shelf}/books/{book}", "/v1/shelves/s1/books/b1", 401)] {
            let operation = paths[path]?["get"]
            #expect((operation?["security"] != nil) == (status == 401), "\(path)")
            #expect(((operation?["responses"] as? [String: Any])?["401"] != nil) == (status == 401), "\(path)")
            #expect(try await curl("GET", harness.base + url).status == status, "\(url)")
        }
    }

    @Test func badTokensAre401BeforeTheUpstreamSeesThem() async throws {
        let harness = try await start()
        defer { Task { try? await harness.stop() } }
        let url = "\(harness.base)/v1/shelves/s1/books/b1"
        let missing = try await curl("GET", url)
        #expect(missing.status == 401)
        #expect(missing.headers["www-authenticate"] == #"Bearer realm="weft""#)
        #expect(missing.object["code"] as? Int == 16)
        let now = Date().timeIntervalSince1970
        let valid = try await Self.token("es256", claims: Self.claims())
        let cases: [(String, String)] = [
            (try await Self.token("es256", claims: Self.claims(exp: now - 120)), "expired"),
            (try await Self.token("es256", claims: Self.claims(nbf: now + 600)), "not valid yet"),
            (try await Self.token("es256", claims: Self.claims(aud: "elsewhere")), "audience"),
            (try await Self.token("ed25519", header: #"{"alg":"EdDSA","kid":"ed-2"}"#, claims: Self.claims()), "no key matches"),
            (Self.base64URL(Data(#"{"alg":"none"}"#.utf8)) + "." + Self.base64URL(Data(Self.claims().utf8)) + ".", "alg must be"),
            // The payload swapped for another subject under the same signature.
            (valid.split(separator: ".")[0] + "." + Self.base64URL(Data(Self.claims(sub: "admin").utf8)) + "." + valid.split(separator: ".")[2],
             "signature is invalid"),
            ("not-a-token", "compact JWS"),
        ]
        for (token, reason) in cases {
            let refused = try await curl("GET", url, headers: ["Authorization: Bearer \(token)"])
            #expect(refused.status == 401, "\(reason)")
            #expect((refused.object["message"] as? String)?.contains(reason) == true, "\(refused.body)")
            #expect(refused.headers["www-authenticate"]?.contains("invalid_token") == true)
        }
        #expect(harness.upstream.calls.withLock { $0["GetBook"] } == nil)
        #expect(try await curl("GET", url, headers: ["Authorization: Bearer \(valid)"]).status == 200)
    }
}
