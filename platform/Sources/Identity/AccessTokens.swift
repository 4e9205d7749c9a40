import Foundation
import PlatformCrypto

/// Access tokens: compact JWS (RFC 7515) JWTs signed with EdDSA, carrying `iss`, `aud`, `sub`
/// (the user's resource name), `roles`, `iat`, `exp` and a `jti`, with the key's `kid` in the header.
struct AccessTokens: Sendable {
    let keys: SigningKeys
    let issuer: String
    let audience: String
    let lifetime: Duration

    /// A signed token for `subject` with `roles`, issued at `now`.
    func issue(subject: String, roles: [String], now: Date) async throws -> String {
        let (kid, key) = try await keys.signer()
        let issuedAt = Int64(now.timeIntervalSince1970)
        let header: [String: Any] = ["alg": "EdDSA", "typ": "JWT", "kid": kid]
        let claims: [String: Any] = [
            "iss": issuer, "aud": audience, "sub": subject, "roles": roles,
            "iat": issuedAt, "exp": issuedAt + lifetime.components.seconds, "jti": try SecureRandom.token(bytes: 12),
        ]
        let input = try Self.segment(header) + "." + Self.segment(claims)
        return input + "." + Base64URL.encode(key.sign(Array(input.utf8)))
    }

    private static func segment(_ object: [String: Any]) throws -> String {
        Base64URL.encode([UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])))
    }
}
