import WeftTLS

/// JWT validation at the edge: which tokens the gateway accepts, which routes need none, and
/// which verified claims go upstream as metadata.
public struct JWTPolicy: Sendable {
    /// One verification key.
    public struct Key: Sendable, Hashable {
        /// The JWS `kid` it answers to; nil matches any token of its algorithm.
        public var id: String?
        public var algorithm: SignatureKey.Algorithm
        /// A PEM SubjectPublicKeyInfo file.
        public var publicKeyPath: String

        public init(id: String?, algorithm: SignatureKey.Algorithm, publicKeyPath: String) {
            self.id = id
            self.algorithm = algorithm
            self.publicKeyPath = publicKeyPath
        }
    }

    /// The `iss` a token must carry, when set.
    public var issuer: String?
    /// A value the token's `aud` must contain, when set.
    public var audience: String?
    public var keys: [Key]
    /// Clock skew tolerated on `exp` and `nbf`.
    public var leeway: Duration = .seconds(30)
    /// Methods (`package.Service.Method`) that need no token.
    public var publicRoutes: Set<String> = []
    /// Claims forwarded as `x-jwt-<claim>` metadata (strings and numbers).
    public var forwardedClaims: [String] = ["sub"]

    public init(issuer: String? = nil, audience: String? = nil, keys: [Key]) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
    }
}
