import PlatformCrypto

/// How the identity service issues tokens and guards sign-in.
public struct IdentityConfiguration: Sendable {
    /// The access tokens' `iss`.
    public var issuer = "https://identity.weft.local"
    /// The access tokens' `aud`.
    public var audience = "weft-platform"
    /// How long an access token is valid.
    public var accessTokenLifetime: Duration = .seconds(15 * 60)
    /// How long a refresh token is valid (each use issues a new one with a new lifetime).
    public var refreshTokenLifetime: Duration = .seconds(30 * 24 * 3600)
    /// The scrypt cost of new password hashes.
    public var passwordCost: PasswordHasher.Cost = .standard
    /// Failed sign-ins per account within `throttleWindow` after which it is refused.
    public var accountFailureLimit = 5
    /// Failed sign-ins per client address within `throttleWindow` after which it is refused.
    public var addressFailureLimit = 20
    public var throttleWindow: Duration = .seconds(15 * 60)
    /// Accounts that become admins (and staff) when they register: how a new platform gets
    /// its first administrator.
    public var adminEmails: Set<String> = []

    public init() {}
}
