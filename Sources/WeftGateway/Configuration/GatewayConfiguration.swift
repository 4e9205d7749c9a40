import WeftHTTP2
import WeftMesh
import WeftRPC
import WeftTLS

/// Everything a gateway needs to start: where it listens, which schemas give its routes, where
/// each upstream service lives, and the limits that protect the mesh. Every limit has a default;
/// `GatewayConfiguration(json:)` reads the same settings from a JSON file.
public struct GatewayConfiguration: Sendable {
    /// The front's address (`port` 0 picks a free one).
    public var host = "127.0.0.1"
    public var port = 8080
    /// Server-only TLS on the front (ALPN `h2` or `http/1.1`); nil serves plaintext HTTP/1.1
    /// and prior-knowledge h2c.
    public var frontTLS: FrontTLS?
    /// Directories `.proto` imports resolve against.
    public var schemaIncludePaths: [String] = []
    /// The schema files whose services' `google.api.http` rules become routes.
    public var schemaFiles: [String] = []
    /// Upstreams by fully-qualified service name.
    public var upstreams: [String: Upstream] = [:]
    /// The largest request body accepted (413 beyond).
    public var maximumBodyBytes = 1024 * 1024
    /// The largest request header block accepted (431 beyond, HTTP/1.1).
    public var maximumHeaderBytes = 16 * 1024
    /// The most client connections open at once; more are closed as they are accepted.
    public var maximumConnections = 10_000
    /// The standalone gateway's event-loop threads (`threads`), nil for one per core. Each
    /// serves its own client connections over its own upstream connections; fewer than the
    /// cores leaves room for processes sharing the machine.
    public var threads: Int?
    /// How long a client may take to finish its TLS handshake (with `frontTLS`).
    public var tlsHandshakeTimeout: Duration = .seconds(10)
    /// How long a new connection may take to show its protocol (its first bytes; for HTTP/2 its
    /// preface and SETTINGS), and an HTTP/2 header block may stay unfinished.
    public var prefaceTimeout: Duration = .seconds(10)
    public var headerBlockTimeout: Duration = .seconds(10)
    /// The front's HTTP/2 settings and keepalive for clients (`http2`); its header list limit
    /// follows `maximumHeaderBytes`, its preface and header-block timers the limits above.
    public var frontHTTP2 = HTTP2Configuration.defaults
    /// HTTP/1.1: how long a connection may wait for its next complete request head, from its
    /// start or the end of the previous response (keep-alive idleness and a trickled head alike).
    public var idleTimeout: Duration = .seconds(60)
    /// How long an upstream call may take before the client gets 504; per-route overrides in `routes`.
    public var timeout: Duration = .seconds(10)
    /// The token bucket every route applies per caller, unless its route says otherwise; nil
    /// leaves routes unlimited.
    public var rateLimit: TokenBucket.Policy?
    /// Per-method settings, keyed by `package.Service.Method`.
    public var routes: [String: RouteSettings] = [:]
    /// When an upstream counts as failing, per upstream service.
    public var circuitBreaker = CircuitBreaker.Policy.defaults
    /// The most concurrent calls per upstream (503 beyond).
    public var maximumConcurrentCallsPerUpstream = 256
    /// Origins allowed by CORS (`*` for any); empty disables CORS.
    public var corsAllowedOrigins: [String] = []
    /// JWT validation at the edge; nil accepts every request unauthenticated.
    public var jwt: JWTPolicy?
    /// Request headers forwarded as metadata besides `authorization` and `idempotency-key` (lowercase names).
    public var forwardedRequestHeaders: [String] = []
    /// Response metadata keys copied to HTTP response headers (lowercase names).
    public var forwardedResponseMetadata: [String] = []

    /// Server-only TLS for the front.
    public struct FrontTLS: Sendable, Hashable {
        public var certificateChainPath: String
        public var privateKeyPath: String

        public init(certificateChainPath: String, privateKeyPath: String) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
        }
    }

    /// Where an upstream service's endpoints are, how calls spread over them, and how the
    /// gateway proves itself to them.
    public struct Upstream: Sendable, Hashable {
        /// A fixed list of endpoints, or every address of a DNS name (re-resolved), as in the
        /// mesh configuration.
        public var discovery: WeftMesh.Upstream.Discovery
        /// How calls behave: balancing, retries, outliers, idle close, HTTP/2 settings (the
        /// mesh's channel settings and keys).
        public var channel: ChannelConfiguration
        /// Mutual TLS to the upstream; nil only for insecure (h2c) set-ups.
        public var tls: MutualTLS?

        public init(discovery: WeftMesh.Upstream.Discovery, channel: ChannelConfiguration = .defaults, tls: MutualTLS?) {
            self.discovery = discovery
            self.channel = channel
            self.tls = tls
        }

        /// One endpoint.
        public init(host: String, port: Int, tls: MutualTLS?) {
            self.init(discovery: .endpoints([Endpoint(host: host, port: port)]), tls: tls)
        }

        /// The name the upstream's certificates must carry when the configuration names none:
        /// the host of a single endpoint, or the DNS name; nil for a list of several (their
        /// certificates must then chain to the CA, and carry `identity` when given).
        var defaultServerName: String? {
            switch discovery {
            case .endpoints(let endpoints): endpoints.count == 1 ? endpoints[0].host : nil
            case .dns(let host, _, _): host
            }
        }
    }

    /// The gateway's client certificate and the CA its upstreams chain to.
    public struct MutualTLS: Sendable, Hashable {
        public var trustRootsPath: String
        public var certificateChainPath: String
        public var privateKeyPath: String
        /// The name the upstream's certificate must carry (`Upstream.defaultServerName` when nil).
        public var serverName: String?
        /// The SPIFFE ID (URI SAN) the upstream's certificate must carry; nil accepts any
        /// certificate from the CA that names the host.
        public var identity: String?

        public init(
            trustRootsPath: String, certificateChainPath: String, privateKeyPath: String, serverName: String? = nil,
            identity: String? = nil
        ) {
            self.trustRootsPath = trustRootsPath
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
            self.serverName = serverName
            self.identity = identity
        }
    }

    /// One method's overrides.
    public struct RouteSettings: Sendable, Hashable {
        public var timeout: Duration?
        /// This route's token bucket (replacing the default one).
        public var rateLimit: TokenBucket.Policy?
        /// Whether the route is unlimited even when a default applies.
        public var unlimited = false

        public init(timeout: Duration? = nil, rateLimit: TokenBucket.Policy? = nil, unlimited: Bool = false) {
            self.timeout = timeout
            self.rateLimit = rateLimit
            self.unlimited = unlimited
        }
    }

    /// The defaults: 127.0.0.1:8080, no schemas, no upstreams.
    public init() {}

    /// The timeout for `method` (`package.Service.Method`).
    func timeout(for method: String) -> Duration {
        routes[method]?.timeout ?? timeout
    }

    /// The token bucket for `method`, nil when it is unlimited.
    func rateLimit(for method: String) -> TokenBucket.Policy? {
        guard let settings = routes[method] else { return rateLimit }
        return settings.unlimited ? nil : settings.rateLimit ?? rateLimit
    }
}
