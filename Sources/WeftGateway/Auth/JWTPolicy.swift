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

    /// A JSON Web Key Set the gateway reads through one of its upstreams, so the issuer can
    /// rotate keys without a gateway restart.
    public struct KeySetSource: Sendable, Hashable {
        /// The unary rpc (`package.Service.Method`) whose JSON answer is the key set document;
        /// its service must be one the gateway routes to.
        public var method: String
        /// How old the keys may grow before a request refreshes them in the background.
        public var refreshInterval: Duration

        public init(method: String, refreshInterval: Duration = .seconds(300)) {
            self.method = method
            self.refreshInterval = refreshInterval
        }
    }

    /// The `iss` a token must carry, when set.
    public var issuer: String?
    /// A value the token's `aud` must contain, when set.
    public var audience: String?
    /// Keys from PEM files.
    public var keys: [Key]
    /// Keys published by the issuer, beside `keys`.
    public var keySet: KeySetSource?
    /// Clock skew tolerated on `exp` and `nbf`.
    public var leeway: Duration = .seconds(30)
    /// Methods (`package.Service.Method`) that need no token; a valid token sent to one still
    /// has its claims forwarded, and an invalid one is refused.
    public var publicRoutes: Set<String> = []
    /// Claims forwarded as `x-jwt-<claim>` metadata: strings and numbers as they are, arrays of
    /// them (e.g. `roles`) joined by commas.
    public var forwardedClaims: [String] = ["sub"]

    public init(issuer: String? = nil, audience: String? = nil, keys: [Key], keySet: KeySetSource? = nil) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self.keySet = keySet
    }
}
