import Foundation
import Identity
import IdentityAPI
import PlatformStorage
import PlatformTestSupport
import Synchronization
import Testing
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTLS

/// The identity service over real sockets (gRPC over HTTP/2), on SQLite and PostgreSQL. Calls
/// carry the metadata the gateway would forward after verifying a token (`x-jwt-sub`,
/// `x-jwt-roles`, `x-forwarded-for`).
@Suite struct IdentityTests {

    /// A running identity service and a client of it.
    struct Running {
        let server: GRPCServer
        let channel: GRPCConnection
        let database: Database
        let client: IdentityService.Client
        let clock: TestClock

        static func start(_ backend: TestDatabases.Backend, configure: (inout IdentityConfiguration) -> Void = { _ in }) async throws -> Running? {
            guard let url = try await TestDatabases.fresh(backend) else { return nil }
            let database = try await Database.open(url)
            var configuration = IdentityConfiguration()
            configuration.passwordCost = .init(log2N: 10, r: 8, p: 1)
            configuration.adminEmails = ["root@example.com"]
            configure(&configuration)
            let clock = TestClock()
            let identity = try await IdentityServer.start(database: database, configuration: configuration, now: { clock.now })
            let server = try await GRPCServer.start(port: 0, tls: nil, services: [identity], threads: 1)
            let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
            return Running(server: server, channel: channel, database: database, client: IdentityService.client(transport: channel), clock: clock)
        }

        func stop() async throws {
            try await channel.close()
            try await server.shutdown()
            try await database.close()
        }
    }

    /// Options as the gateway sends them for a caller with this token.
    static func caller(_ token: TokenResponse, address: String = "203.0.113.7") -> CallOptions {
        CallOptions(metadata: Metadata([
            "x-jwt-sub": token.user?.name ?? "", "x-jwt-roles": (token.user?.roles ?? []).map { "\($0)" }.joined(separator: ","),
            "x-forwarded-for": address,
        ]))
    }


    /// The token's claims, after checking its signature against the published key set.
    static func verifiedClaims(_ token: String, keys: JsonWebKeySet) throws -> [String: Any] {
        let parts = token.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        let header = try JSONSerialization.jsonObject(with: Data(base64URL: parts[0])) as! [String: Any]
        let key = try #require(keys.keys.first { $0.kid == header["kid"] as? String })
        #expect(header["alg"] as? String == "EdDSA" && key.alg == "EdDSA" && key.crv == "Ed25519")
        let verifier = try SignatureKey(algorithm: .eddsa, x: [UInt8](Data(base64URL: key.x)))
        let signature = [UInt8](try Data(base64URL: parts[2]))
        #expect(verifier.verify(signature: signature, over: Array((parts[0] + "." + parts[1]).utf8)))
        return try JSONSerialization.jsonObject(with: Data(base64URL: parts[1])) as! [String: Any]
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func registerSignInAndTheTokenSaysWhoAndWhat(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        let user = try await running.client.register(RegisterRequest(email: " Ada@Example.com ", password: "analytical-engine", displayName: "Ada"))
        #expect(user.email == "ada@example.com" && user.roles == [.customer] && user.name.hasPrefix("users/u-"))

        let session = try await running.client.login(LoginRequest(email: "ada@example.com", password: "analytical-engine"))
        #expect(session.tokenType == "Bearer" && session.expiresIn == 900 && session.user?.name == user.name)
        let claims = try Self.verifiedClaims(session.accessToken, keys: try await running.client.getJwks(GetJwksRequest()))
        #expect(claims["sub"] as? String == user.name)
        #expect(claims["roles"] as? [String] == ["customer"])
        #expect(claims["iss"] as? String == "https://identity.weft.local" && claims["aud"] as? String == "weft-platform")
        #expect(claims["exp"] as? Int == Int(running.clock.now.timeIntervalSince1970) + 900)

        let me = try await running.client.getMe(GetMeRequest(), options: Self.caller(session))
        #expect(me == user)
        #expect(try await failureCode { try await running.client.getMe(GetMeRequest()) } == .unauthenticated)

        // The first admin comes from the configuration; admins grant roles, customers cannot.
        let root = try await running.client.register(RegisterRequest(email: "root@example.com", password: "correct-horse-battery"))
        #expect(root.roles == [.customer, .staff, .admin])
        let rootSession = try await running.client.login(LoginRequest(email: "root@example.com", password: "correct-horse-battery"))
        #expect(try await failureCode { try await running.client.grantRole(GrantRoleRequest(user: user.name, role: .staff), options: Self.caller(session)) } == .permissionDenied)
        let promoted = try await running.client.grantRole(GrantRoleRequest(user: user.name, role: .staff), options: Self.caller(rootSession))
        #expect(promoted.roles == [.customer, .staff])
        try await running.stop()
    }


    @Test(arguments: TestDatabases.Backend.allCases)
    func badInputAndTakenEmailsAreTypedErrors(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        do {
            _ = try await running.client.register(RegisterRequest(email: "not-an-email", password: "short"))
            Issue.record("an invalid registration was accepted")
        } catch let error as ServiceError<IdentityError> {
            #expect(error.reason == .invalidRequest)
            #expect(error.fieldViolations.map(\.field) == ["email", "password"])
        }
        _ = try await running.client.register(RegisterRequest(email: "grace@example.com", password: "compiler-1952"))
        #expect(try await failureReason(IdentityError.self) { try await running.client.register(RegisterRequest(email: "GRACE@example.com", password: "compiler-1952")) } == .emailTaken)
        #expect(try await failureReason(IdentityError.self) { try await running.client.login(LoginRequest(email: "grace@example.com", password: "compiler-1953")) } == .badCredentials)
        #expect(try await failureReason(IdentityError.self) { try await running.client.login(LoginRequest(email: "nobody@example.com", password: "compiler-1952")) } == .badCredentials)
        try await running.stop()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func refreshTokensRotateAndAReusedOneEndsTheFamily(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        _ = try await running.client.register(RegisterRequest(email: "alan@example.com", password: "turing-machine"))
        let first = try await running.client.login(LoginRequest(email: "alan@example.com", password: "turing-machine"))
        let other = try await running.client.login(LoginRequest(email: "alan@example.com", password: "turing-machine"))
        let second = try await running.client.refresh(RefreshRequest(refreshToken: first.refreshToken))
        #expect(second.refreshToken != first.refreshToken && !second.accessToken.isEmpty)
        let third = try await running.client.refresh(RefreshRequest(refreshToken: second.refreshToken))

        // The first token again: stolen, so its family ends, the token it led to included.
        #expect(try await failureReason(IdentityError.self) { try await running.client.refresh(RefreshRequest(refreshToken: first.refreshToken)) } == .refreshTokenReused)
        #expect(try await failureReason(IdentityError.self) { try await running.client.refresh(RefreshRequest(refreshToken: third.refreshToken)) } == .refreshTokenInvalid)
        // Another sign-in is another family, untouched; signing out ends it.
        let otherNext = try await running.client.refresh(RefreshRequest(refreshToken: other.refreshToken))
        _ = try await running.client.logout(LogoutRequest(refreshToken: otherNext.refreshToken))
        #expect(try await failureReason(IdentityError.self) { try await running.client.refresh(RefreshRequest(refreshToken: otherNext.refreshToken)) } == .refreshTokenInvalid)
        #expect(try await failureReason(IdentityError.self) { try await running.client.refresh(RefreshRequest(refreshToken: "made-up")) } == .refreshTokenInvalid)

        // An unused token past its lifetime is refused.
        let late = try await running.client.login(LoginRequest(email: "alan@example.com", password: "turing-machine"))
        running.clock.advance(31 * 24 * 3600)
        #expect(try await failureReason(IdentityError.self) { try await running.client.refresh(RefreshRequest(refreshToken: late.refreshToken)) } == .refreshTokenInvalid)
        try await running.stop()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func failedSignInsAreThrottledPerAccountAndPerAddress(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend, configure: { $0.addressFailureLimit = 8 }) else { return }
        _ = try await running.client.register(RegisterRequest(email: "eve@example.com", password: "right-password"))
        let from = { (address: String) in CallOptions(metadata: Metadata(["x-forwarded-for": address])) }
        for _ in 0..<5 {
            #expect(try await failureReason(IdentityError.self) { try await running.client.login(LoginRequest(email: "eve@example.com", password: "wrong-password"), options: from("198.51.100.1")) } == .badCredentials)
        }
        // The account is locked, even with the right password and from elsewhere.
        do {
            _ = try await running.client.login(LoginRequest(email: "eve@example.com", password: "right-password"), options: from("198.51.100.2"))
            Issue.record("a throttled account signed in")
        } catch let error as ServiceError<IdentityError> {
            #expect(error.reason == .tooManyAttempts)
            let retry = try #require(error.otherDetails.lazy.compactMap { try? $0.unpack(Google_Rpc_RetryInfo.self) }.first)
            #expect(retry.retryDelay?.seconds == 901)
        }
        // Once the window has passed, it may sign in.
        running.clock.advance(15 * 60 + 1)
        _ = try await running.client.login(LoginRequest(email: "eve@example.com", password: "right-password"), options: from("198.51.100.2"))

        // One address guessing across many accounts is stopped by its own limit.
        for index in 0..<8 {
            _ = try await failureReason(IdentityError.self) { try await running.client.login(LoginRequest(email: "user\(index)@example.com", password: "guess"), options: from("198.51.100.9")) }
        }
        #expect(try await failureReason(IdentityError.self) { try await running.client.login(LoginRequest(email: "eve@example.com", password: "right-password"), options: from("198.51.100.9")) } == .tooManyAttempts)
        try await running.stop()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func rotatedKeysStillVerifyUntilTheirTokensExpire(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        _ = try await running.client.register(RegisterRequest(email: "root@example.com", password: "correct-horse-battery"))
        let before = try await running.client.login(LoginRequest(email: "root@example.com", password: "correct-horse-battery"))
        let oldKeys = try await running.client.getJwks(GetJwksRequest())
        #expect(oldKeys.keys.count == 1)
        let customer = try await running.client.register(RegisterRequest(email: "c@example.com", password: "customer-password"))
        let customerSession = try await running.client.login(LoginRequest(email: customer.email, password: "customer-password"))
        #expect(try await failureCode { try await running.client.rotateSigningKey(RotateSigningKeyRequest(), options: Self.caller(customerSession)) } == .permissionDenied)

        let newKey = try await running.client.rotateSigningKey(RotateSigningKeyRequest(), options: Self.caller(before))
        let after = try await running.client.login(LoginRequest(email: "root@example.com", password: "correct-horse-battery"))
        let keys = try await running.client.getJwks(GetJwksRequest())
        #expect(keys.keys.map(\.kid) == [newKey.kid, oldKeys.keys[0].kid])
        _ = try Self.verifiedClaims(before.accessToken, keys: keys)
        let claims = try Self.verifiedClaims(after.accessToken, keys: keys)
        #expect(claims["roles"] as? [String] == ["customer", "staff", "admin"])
        // Once every token the old key signed has expired, it is no longer published.
        running.clock.advance(15 * 60 + 5 * 60 + 1)
        #expect(try await running.client.getJwks(GetJwksRequest()).keys.map(\.kid) == [newKey.kid])
        try await running.stop()
    }

    @Test func aRaisedCostRehashesAtTheNextSignIn() async throws {
        let url = try #require(try await TestDatabases.fresh(.sqlite))
        let database = try await Database.open(url)
        var weak = IdentityConfiguration()
        weak.passwordCost = .init(log2N: 10, r: 8, p: 1)
        let first = try await IdentityServer.start(database: database, configuration: weak)
        let context = ServerContext(path: "/", requestMetadata: Metadata(), deadline: nil, peerIdentity: nil)
        _ = try await first.register(RegisterRequest(email: "k@example.com", password: "knuth-volume-1"), context: context)
        var strong = weak
        strong.passwordCost = .init(log2N: 11, r: 8, p: 1)
        let second = try await IdentityServer.start(database: database, configuration: strong)
        _ = try await second.login(LoginRequest(email: "k@example.com", password: "knuth-volume-1"), context: context)
        let stored = try await database.withSession { db in
            try await db.select().column("password_hash").from("users").first()!.decode(column: "password_hash", as: String.self)
        }
        #expect(stored.hasPrefix("scrypt$11$8$1$"))
        _ = try await second.login(LoginRequest(email: "k@example.com", password: "knuth-volume-1"), context: context)
        try await database.close()
    }
}

extension Data {
    init(base64URL text: String) throws {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        guard let data = Data(base64Encoded: standard) else { throw CocoaError(.coderInvalidValue) }
        self = data
    }
}
