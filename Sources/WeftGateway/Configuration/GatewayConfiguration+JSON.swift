import WeftMessages
import WeftMesh
import WeftRPC
import WeftTLS

extension GatewayConfiguration {
    /// Reads a configuration from JSON (the format README.md documents). Unknown keys, missing
    /// required ones and values of the wrong kind throw a `ConfigurationError` naming the key.
    /// Relative file paths are taken relative to `baseDirectory`.
    public init(json bytes: [UInt8], baseDirectory: String = ".") throws {
        let reader = ConfigurationReader(baseDirectory: baseDirectory)
        let top = try reader.object(try reader.parse(bytes), at: "", allowed: Self.frontKeys.union(Self.requestKeys))
        self.init()
        try read(top, reader: reader)
    }

    /// Reads a mesh service's `rest` object: the keys of the gateway's request handling
    /// (`schemas`, `limits`, `rateLimit`, `routes`, `circuitBreaker`, `cors`, `headers`, `jwt`);
    /// the service's own listener, TLS and HTTP/2 settings serve it, and its services answer
    /// in-process. Errors name the key under `rest.`.
    package init(embedded section: JSONValue, baseDirectory: String) throws {
        let reader = ConfigurationReader(baseDirectory: baseDirectory)
        self.init()
        do {
            let top = try reader.object(section, at: "", allowed: Self.requestKeys)
            // The service's listener has its own: they would be read here and do nothing.
            if let limits = top["limits"] {
                for key in try reader.object(limits, at: "limits", allowed: nil).keys.sorted() where Self.listenerLimitKeys.contains(key) {
                    throw ConfigurationError(key: "limits.\(key)", problem: "is the service's own listener's: set limits.\(key) at the top level")
                }
            }
            try read(top, reader: reader)
        } catch let error as ConfigurationError where error.position == nil {
            throw ConfigurationError(key: "rest.\(error.key)", problem: error.problem)
        }
    }

    /// The keys of the standalone gateway's own listener and upstreams.
    private static let frontKeys: Set<String> = ["listen", "tls", "upstreams", "http2", "threads"]
    /// The `limits` of the standalone gateway's own listener.
    private static let listenerLimitKeys: Set<String> = ["maxConnections", "tlsHandshakeSeconds", "prefaceSeconds", "headerBlockSeconds"]
    /// The keys of how requests are handled, standalone or embedded.
    private static let requestKeys: Set<String> = ["schemas", "limits", "rateLimit", "routes", "circuitBreaker", "cors", "headers", "jwt"]

    private mutating func read(_ top: [String: JSONValue], reader: ConfigurationReader) throws {
        if let value = top["http2"] {
            // The header list's limit follows limits.maxHeaderBytes (FrontProtocols), so it is not set here.
            frontHTTP2 = try reader.http2(value, at: "http2", onto: frontHTTP2, allowed: ConfigurationReader.http2Keys.subtracting(["maxHeaderListBytes"]))
        }
        if let listen = top["listen"] { (host, port) = try reader.address(listen, at: "listen") }
        if let value = top["threads"] { threads = try reader.count(value, at: "threads") }
        if let tls = top["tls"] {
            let fields = try reader.object(tls, at: "tls", allowed: ["certificate", "key"])
            frontTLS = FrontTLS(
                certificateChainPath: try reader.path(fields, "certificate", at: "tls"),
                privateKeyPath: try reader.path(fields, "key", at: "tls"))
        }
        if let schemas = top["schemas"] {
            let fields = try reader.object(schemas, at: "schemas", allowed: ["includePaths", "files"])
            schemaIncludePaths = try fields["includePaths"].map { try reader.strings($0, at: "schemas.includePaths").map(reader.resolve) } ?? []
            schemaFiles = try fields["files"].map { try reader.strings($0, at: "schemas.files") } ?? []
        }
        if let upstreams = top["upstreams"] {
            for (service, value) in try reader.object(upstreams, at: "upstreams", allowed: nil) {
                self.upstreams[service] = try reader.upstream(value, at: "upstreams.\(service)")
            }
        }
        if let limits = top["limits"] {
            let key = "limits"
            let fields = try reader.object(limits, at: key, allowed: [
                "maxBodyBytes", "maxHeaderBytes", "timeoutMs", "maxConcurrentCallsPerUpstream", "maxConnections", "tlsHandshakeSeconds",
                "prefaceSeconds", "headerBlockSeconds", "idleSeconds",
            ])
            if let value = fields["maxConnections"] { maximumConnections = try reader.count(value, at: "\(key).maxConnections") }
            if let value = fields["tlsHandshakeSeconds"] { tlsHandshakeTimeout = .seconds(try reader.count(value, at: "\(key).tlsHandshakeSeconds")) }
            if let value = fields["prefaceSeconds"] { prefaceTimeout = .seconds(try reader.count(value, at: "\(key).prefaceSeconds")) }
            if let value = fields["headerBlockSeconds"] { headerBlockTimeout = .seconds(try reader.count(value, at: "\(key).headerBlockSeconds")) }
            if let value = fields["idleSeconds"] { idleTimeout = .seconds(try reader.count(value, at: "\(key).idleSeconds")) }
            if let value = fields["maxBodyBytes"] { maximumBodyBytes = try reader.count(value, at: "\(key).maxBodyBytes") }
            if let value = fields["maxHeaderBytes"] { maximumHeaderBytes = try reader.count(value, at: "\(key).maxHeaderBytes") }
            if let value = fields["timeoutMs"] { timeout = .milliseconds(try reader.count(value, at: "\(key).timeoutMs")) }
            if let value = fields["maxConcurrentCallsPerUpstream"] {
                maximumConcurrentCallsPerUpstream = try reader.count(value, at: "\(key).maxConcurrentCallsPerUpstream")
            }
        }
        if let value = top["rateLimit"] { rateLimit = try reader.bucket(value, at: "rateLimit") }
        if let routes = top["routes"] {
            for (method, value) in try reader.object(routes, at: "routes", allowed: nil) {
                let key = "routes.\(method)"
                let fields = try reader.object(value, at: key, allowed: ["timeoutMs", "rateLimit", "unlimited"])
                var settings = RouteSettings()
                if let value = fields["timeoutMs"] { settings.timeout = .milliseconds(try reader.count(value, at: "\(key).timeoutMs")) }
                if let value = fields["rateLimit"] { settings.rateLimit = try reader.bucket(value, at: "\(key).rateLimit") }
                if let value = fields["unlimited"] { settings.unlimited = try reader.bool(value, at: "\(key).unlimited") }
                self.routes[method] = settings
            }
        }
        if let breaker = top["circuitBreaker"] { circuitBreaker = try reader.breaker(breaker, at: "circuitBreaker") }
        if let cors = top["cors"] {
            let fields = try reader.object(cors, at: "cors", allowed: ["allowedOrigins"])
            corsAllowedOrigins = try fields["allowedOrigins"].map { try reader.strings($0, at: "cors.allowedOrigins") } ?? []
        }
        if let value = top["jwt"] { jwt = try reader.jwt(value, at: "jwt") }
        if let headers = top["headers"] {
            let fields = try reader.object(headers, at: "headers", allowed: ["forwardRequest", "forwardResponse"])
            forwardedRequestHeaders = try fields["forwardRequest"].map { try reader.strings($0, at: "headers.forwardRequest").map { $0.lowercased() } } ?? []
            forwardedResponseMetadata = try fields["forwardResponse"].map { try reader.strings($0, at: "headers.forwardResponse").map { $0.lowercased() } } ?? []
        }
    }
}

extension ConfigurationReader {
    func upstream(_ value: JSONValue, at key: String) throws -> GatewayConfiguration.Upstream {
        var fields = try object(value, at: key, allowed: ConfigurationReader.channelKeys.union(["address", "endpoints", "dns", "refreshSeconds", "tls", "insecure"]))
        // "address" is the one-endpoint spelling of "endpoints".
        if let address = fields.removeValue(forKey: "address") {
            guard fields["endpoints"] == nil, fields["dns"] == nil else {
                throw ConfigurationError(key: "\(key).address", problem: "cannot be combined with endpoints or dns: choose one")
            }
            _ = try self.address(address, at: "\(key).address")
            fields["endpoints"] = .array([address])
        }
        guard fields["endpoints"] != nil || fields["dns"] != nil else {
            throw ConfigurationError(key: "\(key).address", problem: "is required (\"host:port\"; or \"endpoints\": [\"host:port\", …], or \"dns\": \"name:port\")")
        }
        let discovery = try self.discovery(fields, at: key)
        let channel = try self.channel(fields, at: key)
        let insecure = try fields["insecure"].map { v in try bool(v, at: "\(key).insecure") } ?? false
        guard let tls = fields["tls"] else {
            guard insecure else {
                throw ConfigurationError(key: "\(key).tls", problem: "is required: upstreams use mutual TLS (or set \"insecure\": true for h2c)")
            }
            return GatewayConfiguration.Upstream(discovery: discovery, channel: channel, tls: nil)
        }
        let tlsKey = "\(key).tls"
        let tlsFields = try object(tls, at: tlsKey, allowed: ["ca", "certificate", "key", "serverName", "identity"])
        return GatewayConfiguration.Upstream(discovery: discovery, channel: channel, tls: GatewayConfiguration.MutualTLS(
            trustRootsPath: try path(tlsFields, "ca", at: tlsKey),
            certificateChainPath: try path(tlsFields, "certificate", at: tlsKey),
            privateKeyPath: try path(tlsFields, "key", at: tlsKey),
            serverName: try tlsFields["serverName"].map { v in try string(v, at: "\(tlsKey).serverName") },
            identity: try tlsFields["identity"].map { v in try string(v, at: "\(tlsKey).identity") }))
    }

    func bucket(_ value: JSONValue, at key: String) throws -> TokenBucket.Policy {
        let fields = try object(value, at: key, allowed: ["ratePerSecond", "burst"])
        guard let rate = fields["ratePerSecond"], let burst = fields["burst"] else {
            throw ConfigurationError(key: key, problem: "needs both ratePerSecond and burst")
        }
        let perSecond = try number(rate, at: "\(key).ratePerSecond")
        guard perSecond > 0 else { throw ConfigurationError(key: "\(key).ratePerSecond", problem: "must be above 0") }
        return TokenBucket.Policy(ratePerSecond: perSecond, burst: try count(burst, at: "\(key).burst"))
    }

    func jwt(_ value: JSONValue, at key: String) throws -> JWTPolicy {
        let fields = try object(value, at: key, allowed: ["issuer", "audience", "keys", "keySet", "leewaySeconds", "publicRoutes", "forwardClaims"])
        let keySet = try fields["keySet"].map { try self.keySet($0, at: "\(key).keySet") }
        let entries: [JSONValue]
        switch fields["keys"] {
        case .array(let listed)? where !listed.isEmpty || keySet != nil: entries = listed
        case nil where keySet != nil: entries = []
        default:
            throw ConfigurationError(
                key: "\(key).keys",
                problem: "must list at least one key: {\"algorithm\": \"ES256\" or \"EdDSA\", \"publicKey\": PEM path}, or give a keySet")
        }
        var keys: [JWTPolicy.Key] = []
        for (index, entry) in entries.enumerated() {
            let entryKey = "\(key).keys[\(index)]"
            let keyFields = try object(entry, at: entryKey, allowed: ["kid", "algorithm", "publicKey"])
            let name = try keyFields["algorithm"].map { try string($0, at: "\(entryKey).algorithm") } ?? ""
            guard let algorithm = SignatureKey.Algorithm(rawValue: name) else {
                throw ConfigurationError(key: "\(entryKey).algorithm", problem: "must be \"ES256\" or \"EdDSA\"")
            }
            keys.append(JWTPolicy.Key(
                id: try keyFields["kid"].map { try string($0, at: "\(entryKey).kid") }, algorithm: algorithm,
                publicKeyPath: try path(keyFields, "publicKey", at: entryKey)))
        }
        var policy = JWTPolicy(
            issuer: try fields["issuer"].map { try string($0, at: "\(key).issuer") },
            audience: try fields["audience"].map { try string($0, at: "\(key).audience") }, keys: keys, keySet: keySet)
        if let v = fields["leewaySeconds"] { policy.leeway = .seconds(try number(v, at: "\(key).leewaySeconds")) }
        if let v = fields["publicRoutes"] { policy.publicRoutes = Set(try strings(v, at: "\(key).publicRoutes")) }
        if let v = fields["forwardClaims"] { policy.forwardedClaims = try strings(v, at: "\(key).forwardClaims") }
        return policy
    }

    /// `{"method": "package.Service.Method", "refreshSeconds": 300}`.
    func keySet(_ value: JSONValue, at key: String) throws -> JWTPolicy.KeySetSource {
        let fields = try object(value, at: key, allowed: ["method", "refreshSeconds"])
        guard let method = try fields["method"].map({ try string($0, at: "\(key).method") }), method.split(separator: ".").count >= 2 else {
            throw ConfigurationError(key: "\(key).method", problem: "must name the rpc that serves the key set, as package.Service.Method")
        }
        var source = JWTPolicy.KeySetSource(method: method)
        if let v = fields["refreshSeconds"] {
            let seconds = try number(v, at: "\(key).refreshSeconds")
            guard seconds >= 1 else { throw ConfigurationError(key: "\(key).refreshSeconds", problem: "must be at least 1") }
            source.refreshInterval = .milliseconds(Int64(seconds * 1000))
        }
        return source
    }

    func breaker(_ value: JSONValue, at key: String) throws -> CircuitBreaker.Policy {
        let fields = try object(value, at: key, allowed: [
            "windowMs", "minimumCalls", "failureRatio", "consecutiveFailures", "openMs", "halfOpenProbes",
        ])
        var policy = CircuitBreaker.Policy.defaults
        if let v = fields["windowMs"] { policy.window = .milliseconds(try count(v, at: "\(key).windowMs")) }
        if let v = fields["minimumCalls"] { policy.minimumCalls = try count(v, at: "\(key).minimumCalls") }
        if let v = fields["failureRatio"] {
            policy.failureRatio = try number(v, at: "\(key).failureRatio")
            guard policy.failureRatio <= 1 else { throw ConfigurationError(key: "\(key).failureRatio", problem: "must be between 0 and 1") }
        }
        if let v = fields["consecutiveFailures"] { policy.consecutiveFailures = try count(v, at: "\(key).consecutiveFailures") }
        if let v = fields["openMs"] { policy.openDuration = .milliseconds(try count(v, at: "\(key).openMs")) }
        if let v = fields["halfOpenProbes"] { policy.halfOpenProbes = try count(v, at: "\(key).halfOpenProbes") }
        return policy
    }
}
