import Foundation
import IdentityAPI
import PlatformCrypto
import PlatformEvents
import PlatformStorage
import WeftMessages
import WeftRPC

/// The identity service: accounts, sign-in, tokens and the keys that verify them.
public final class IdentityServer: IdentityService.Handler {
    /// The topic identity's events are published on.
    public static let usersTopic = "identity.users"

    private let database: Database
    private let configuration: IdentityConfiguration
    private let hasher: PasswordHasher
    private let keys: SigningKeys
    private let tokens: AccessTokens
    private let throttle: LoginThrottle
    private let now: @Sendable () -> Date
    /// Verified against when the email is unknown, so a miss costs what a wrong password does.
    private let decoyHash: String

    /// Brings the database to this version's schema and makes the first signing key if there is none.
    public static func start(
        database: Database, configuration: IdentityConfiguration = IdentityConfiguration(), now: @escaping @Sendable () -> Date = Date.init
    ) async throws -> IdentityServer {
        try await database.migrate(IdentityMigrations.all, service: "identity")
        let server = try IdentityServer(database: database, configuration: configuration, now: now)
        _ = try await server.keys.signer()
        return server
    }

    private init(database: Database, configuration: IdentityConfiguration, now: @escaping @Sendable () -> Date) throws {
        self.database = database
        self.configuration = configuration
        self.hasher = PasswordHasher(cost: configuration.passwordCost)
        self.keys = SigningKeys(database: database, accessTokenLifetime: configuration.accessTokenLifetime, now: now)
        self.tokens = AccessTokens(
            keys: keys, issuer: configuration.issuer, audience: configuration.audience, lifetime: configuration.accessTokenLifetime)
        self.throttle = LoginThrottle(
            accountLimit: configuration.accountFailureLimit, addressLimit: configuration.addressFailureLimit, window: configuration.throttleWindow)
        self.now = now
        self.decoyHash = try hasher.hash(try SecureRandom.token())
    }

    public func register(_ request: RegisterRequest, context: ServerContext) async throws -> User {
        let email = Self.normalized(request.email)
        var violations: [Google_Rpc_BadRequest.FieldViolation] = []
        if email.utf8.count > 254 || !Self.looksLikeEmail(email) {
            violations.append(.init(field: "email", description: "must be an email address", reason: "EMAIL_FORMAT"))
        }
        if request.password.count < 10 || request.password.utf8.count > 1024 {
            violations.append(.init(field: "password", description: "must have 10 to 1024 characters", reason: "PASSWORD_LENGTH"))
        }
        if request.displayName.count > 100 {
            violations.append(.init(field: "display_name", description: "must have at most 100 characters", reason: "TOO_LONG"))
        }
        guard violations.isEmpty else {
            throw ServiceError(IdentityError.invalidRequest, fieldViolations: violations)
        }
        let roles: [Role] = configuration.adminEmails.contains(email) ? [.customer, .staff, .admin] : [.customer]
        let user = UserRecord(
            id: "u-" + (try SecureRandom.token(bytes: 12)), email: email,
            displayName: request.displayName.isEmpty ? String(email.prefix { $0 != "@" }) : request.displayName,
            passwordHash: try hasher.hash(request.password), roles: roles, createdMs: now().milliseconds)
        let inserted = try await database.transaction { db in
            guard try await user.insert(in: db) else { return false }
            let event = UserRegistered(user: user.name, email: user.email, createTime: user.message.createTime)
            try await Outbox.append(event, topic: Self.usersTopic, in: db)
            return true
        }
        guard inserted else { throw ServiceError(IdentityError.emailTaken, "an account with this email exists", metadata: ["email": email]) }
        return user.message
    }

    public func login(_ request: LoginRequest, context: ServerContext) async throws -> TokenResponse {
        let email = Self.normalized(request.email)
        let address = context.callerAddress ?? "mesh:" + (context.peerIdentity ?? "unknown")
        let at = now()
        if let wait = try await database.withSession({ [throttle] db in try await throttle.wait(account: email, address: address, now: at, in: db) }) {
            var retry = Google_Rpc_RetryInfo()
            retry.retryDelay = Google_Protobuf_Duration(seconds: max(1, wait.components.seconds + 1), nanos: 0)
            throw ServiceError(
                IdentityError.tooManyAttempts, "too many failed sign-ins; try again in \(max(1, wait.components.seconds + 1)) s",
                otherDetails: [Google_Protobuf_Any(packing: retry)])
        }
        let user = try await database.withSession { db in try await UserRecord.find(email: email, in: db) }
        let valid = try hasher.verify(request.password, against: user?.passwordHash ?? decoyHash)
        guard let user, valid else {
            try await database.transaction { [throttle] db in try await throttle.recordFailure(account: email, address: address, now: at, in: db) }
            throw ServiceError(IdentityError.badCredentials, "the email or the password is wrong")
        }
        // A hash made with an older cost is replaced now that the password is known.
        let rehashed = hasher.needsRehash(user.passwordHash) ? try hasher.hash(request.password) : nil
        let refresh = try await database.transaction { [throttle, configuration] db in
            try await throttle.clear(account: email, in: db)
            if let rehashed { try await UserRecord.savePasswordHash(rehashed, id: user.id, in: db) }
            return try await RefreshTokens.issue(userID: user.id, lifetime: configuration.refreshTokenLifetime, now: at, in: db)
        }
        return try await tokenResponse(user, refreshToken: refresh, now: at)
    }

    public func refresh(_ request: RefreshRequest, context: ServerContext) async throws -> TokenResponse {
        let at = now()
        let outcome = try await database.transaction { [configuration] db in
            try await RefreshTokens.use(request.refreshToken, lifetime: configuration.refreshTokenLifetime, now: at, in: db)
        }
        switch outcome {
        case .invalid:
            throw ServiceError(IdentityError.refreshTokenInvalid, "the refresh token is not valid; sign in again")
        case .reused:
            throw ServiceError(IdentityError.refreshTokenReused, "the refresh token was used before; every session it began has ended")
        case .rotated(let userID, let token):
            guard let user = try await database.withSession({ db in try await UserRecord.find(id: userID, in: db) }) else {
                throw ServiceError(IdentityError.refreshTokenInvalid, "the refresh token's user no longer exists")
            }
            return try await tokenResponse(user, refreshToken: token, now: at)
        }
    }

    public func logout(_ request: LogoutRequest, context: ServerContext) async throws -> Google_Protobuf_Empty {
        let at = now()
        try await database.transaction { db in try await RefreshTokens.revokeFamily(of: request.refreshToken, now: at, in: db) }
        return Google_Protobuf_Empty()
    }

    public func getMe(_ request: GetMeRequest, context: ServerContext) async throws -> User {
        guard let subject = context.callerSubject else { throw Status(.unauthenticated, "GetMe needs a signed-in caller") }
        return try await user(named: subject).message
    }

    public func grantRole(_ request: GrantRoleRequest, context: ServerContext) async throws -> User {
        try context.requireRole("admin")
        guard UserRecord.roleName(request.role) != nil else {
            throw ServiceError(IdentityError.invalidRequest, field: "role", "must be ROLE_CUSTOMER, ROLE_STAFF or ROLE_ADMIN", violationReason: "ROLE")
        }
        var user = try await user(named: request.user)
        if !user.roles.contains(request.role) {
            user.roles.append(request.role)
            try await database.transaction { [user] db in try await user.saveRoles(in: db) }
        }
        return user.message
    }

    public func getJwks(_ request: GetJwksRequest, context: ServerContext) async throws -> JsonWebKeySet {
        try await keys.published()
    }

    public func rotateSigningKey(_ request: RotateSigningKeyRequest, context: ServerContext) async throws -> JsonWebKey {
        try context.requireRole("admin")
        return try await keys.rotate()
    }

    private func tokenResponse(_ user: UserRecord, refreshToken: String, now: Date) async throws -> TokenResponse {
        TokenResponse(
            accessToken: try await tokens.issue(subject: user.name, roles: user.roleNames, now: now), tokenType: "Bearer",
            expiresIn: configuration.accessTokenLifetime.components.seconds, refreshToken: refreshToken, user: user.message)
    }

    private func user(named name: String) async throws -> UserRecord {
        guard name.hasPrefix("users/"), let user = try await database.withSession({ db in try await UserRecord.find(id: String(name.dropFirst(6)), in: db) })
        else { throw ServiceError(IdentityError.userNotFound, "no user \(name)", metadata: ["user": name]) }
        return user
    }

    private static func normalized(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// One "@" with something before it and a dot-separated domain after it; the real check
    /// is the mail a platform would send.
    private static func looksLikeEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].split(separator: ".").count >= 2 && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !email.contains(where: \.isWhitespace)
    }
}
