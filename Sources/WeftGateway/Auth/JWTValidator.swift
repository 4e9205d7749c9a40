#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WeftMessages
import WeftTLS

/// Checks compact-serialised JWS tokens (RFC 7515/7519) against a `JWTPolicy`: the signature
/// (ES256 or EdDSA only; `none` and HMAC are refused), `exp` (required), `nbf`, `iss` and `aud`.
struct JWTValidator: Sendable {
    /// A verification key and the `kid` it answers to (nil: any token of its algorithm).
    struct Key: Sendable {
        let id: String?
        let key: SignatureKey
    }

    let policy: JWTPolicy
    private let keys: [Key]
    /// Seconds since the Unix epoch; injected by tests.
    private let now: @Sendable () -> Double

    /// Loads every key file; a missing or unsuitable one throws naming it.
    init(policy: JWTPolicy, now: @escaping @Sendable () -> Double = JWTValidator.systemTime) throws {
        self.policy = policy
        self.keys = try policy.keys.map { Key(id: $0.id, key: try SignatureKey(pemFile: $0.publicKeyPath, algorithm: $0.algorithm)) }
        self.now = now
    }

    /// The token's claims when it is valid under the configured keys or `publishedKeys` (a
    /// key set's); else an error saying why (for the 401's description).
    func validate(_ token: String, publishedKeys: [Key] = []) throws(JWTError) -> [(String, JSONValue)] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw JWTError("the token is not a compact JWS (three dot-separated parts)") }
        guard case .object(let header) = try Self.json(parts[0], "header"),
              case .object(let claims) = try Self.json(parts[1], "payload")
        else { throw JWTError("the token's header and payload must be JSON objects") }
        guard case .string(let alg)? = header.first(where: { $0.0 == "alg" })?.1, let algorithm = SignatureKey.Algorithm(rawValue: alg) else {
            throw JWTError("the token's alg must be one of \(SignatureKey.Algorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var kid: String?
        if case .string(let id)? = header.first(where: { $0.0 == "kid" })?.1 { kid = id }
        guard let signature = Self.base64URL(parts[2]) else { throw JWTError("the token's signature is not base64url") }
        let signed = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        let candidates = (keys + publishedKeys).filter { $0.key.algorithm == algorithm && (kid == nil || $0.id == nil || $0.id == kid) }
        guard candidates.contains(where: { $0.key.verify(signature: signature, over: signed) }) else {
            if candidates.isEmpty { throw JWTError("no key matches the token's kid and alg", unknownKey: kid != nil) }
            throw JWTError("the token's signature is invalid")
        }
        try check(claims)
        return claims
    }

    private func check(_ claims: [(String, JSONValue)]) throws(JWTError) {
        func claim(_ name: String) -> JSONValue? { claims.first { $0.0 == name }?.1 }
        let leeway = Double(policy.leeway.components.seconds)
        let time = now()
        guard case .number(let exp)? = claim("exp"), let expiry = Double(exp) else { throw JWTError("the token has no exp claim") }
        guard time <= expiry + leeway else { throw JWTError("the token has expired") }
        if case .number(let nbf)? = claim("nbf"), let notBefore = Double(nbf), time + leeway < notBefore {
            throw JWTError("the token is not valid yet")
        }
        if let issuer = policy.issuer {
            guard case .string(issuer)? = claim("iss") else { throw JWTError("the token's issuer is not \(issuer)") }
        }
        if let audience = policy.audience {
            let audiences: [JSONValue] = switch claim("aud") {
            case .string(let single)?: [.string(single)]
            case .array(let many)?: many
            default: []
            }
            guard audiences.contains(.string(audience)) else { throw JWTError("the token's audience does not include \(audience)") }
        }
    }

    private static func json(_ part: Substring, _ name: String) throws(JWTError) -> JSONValue {
        guard let bytes = base64URL(part) else { throw JWTError("the token's \(name) is not base64url") }
        do {
            return try bytes.withUnsafeBytes { try JSONValue(parsing: $0) }
        } catch {
            throw JWTError("the token's \(name) is not JSON")
        }
    }

    /// base64url without padding (RFC 7515 §2).
    static func base64URL(_ text: Substring) -> [UInt8]? {
        guard !text.contains("+"), !text.contains("/"), !text.contains("=") else { return nil }
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Base64.decode(standard)
    }

    @Sendable static func systemTime() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// Why a token was refused.
struct JWTError: Error, Sendable, CustomStringConvertible {
    let description: String
    /// The token names a `kid` no key has: a refreshed key set may have it.
    let unknownKey: Bool

    init(_ description: String, unknownKey: Bool = false) {
        self.description = description
        self.unknownKey = unknownKey
    }
}
