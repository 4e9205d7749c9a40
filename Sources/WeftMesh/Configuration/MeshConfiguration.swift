import WeftHTTP2
import WeftMessages
import WeftRPC

/// One service's place in the mesh: who it is, where it listens, the certificates it proves
/// itself with, where its upstreams are and who may call it. Read from JSON with environment
/// overrides (`MeshConfiguration(json:baseDirectory:environment:)`); README.md lists the keys.
public struct MeshConfiguration: Sendable {
    /// The service's name, the last part of its SPIFFE ID.
    public var service: String
    public var trustDomain = "weft.local"
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    /// Mutual TLS files; nil only for insecure (h2c) set-ups.
    public var tls: TLSFiles?
    /// Upstream services by name.
    public var upstreams: [String: Upstream] = [:]
    /// Allowed callers per `package.Service` or `package.Service/Method` (SPIFFE IDs, `*`).
    public var authorizationRules: [String: Set<String>] = [:]
    /// Whether services and methods without a rule are open.
    public var allowsUnlistedCallers = true
    /// The largest request message accepted.
    public var maximumReceiveMessageBytes = 4 * 1024 * 1024
    /// How long calls in flight may take to finish after SIGTERM.
    public var drainGracePeriod: Duration = .seconds(10)
    /// The most client connections open at once (more are closed as they are accepted).
    public var maximumConnections = 10_000
    /// How long a client may take to finish its TLS handshake.
    public var tlsHandshakeTimeout: Duration = .seconds(10)
    /// How long a new connection may take to send its HTTP/2 preface and SETTINGS, and a header
    /// block may stay unfinished.
    public var prefaceTimeout: Duration = .seconds(10)
    public var headerBlockTimeout: Duration = .seconds(10)
    /// The server's HTTP/2 settings and keepalive (`http2`); its preface and header-block
    /// timers come from `limits`.
    public var http2 = HTTP2Configuration.defaults
    /// Whether `grpc.health.v1.Health` is served.
    public var servesHealth = true
    /// Request metadata a handler's outgoing calls carry on, besides deadline and `traceparent`.
    public var propagatedMetadataKeys = CallDispatcher.defaultPropagatedMetadataKeys
    /// Whether gRPC reflection (`grpc.reflection.v1` and `v1alpha`) is served.
    public var servesReflection = true
    /// Where operators read `/metrics` and `/healthz` (HTTP/1.1); nil serves neither.
    public var admin: Endpoint?
    /// The `settings` object: the program's own configuration of its services (databases,
    /// keys, limits), which Weft does not read; a service reads its part with a
    /// `ConfigurationReader(baseDirectory: baseDirectory)`, so its mistakes name their key too.
    public var settings: [String: JSONValue] = [:]
    /// The `rest` object: the service's REST routes (`google.api.http`) answered on its own
    /// port, HTTP/1.1 and HTTP/2, by the `MeshREST` the program passes to `MeshService`
    /// (WeftGateway's `.gateway`), which reads the object; nil serves gRPC only.
    public var rest: JSONValue?
    /// The directory relative paths in the file are relative to.
    public var baseDirectory = "."

    /// The PEM files of mutual TLS.
    public struct TLSFiles: Sendable, Hashable {
        public var trustRoots: String
        public var certificateChain: String
        public var privateKey: String

        public init(trustRoots: String, certificateChain: String, privateKey: String) {
            self.trustRoots = trustRoots
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    /// Defaults for `service`: 127.0.0.1, a free port, no TLS, no upstreams, everyone allowed.
    public init(service: String) {
        self.service = service
    }

    /// The SPIFFE ID `upstream` must present: its `identity` as given when that is a SPIFFE ID,
    /// else the ID of the service it names in this trust domain; nil when it sets none.
    public func expectedIdentity(of upstream: Upstream) -> String? {
        upstream.identity.map { $0.hasPrefix("spiffe://") ? $0 : "spiffe://\(trustDomain)/service/\($0)" }
    }

    /// The service's SPIFFE ID.
    public var identity: String { "spiffe://\(trustDomain)/service/\(service)" }

    /// Reads the JSON configuration, then applies `environment` overrides: `WEFT_LISTEN`
    /// (host:port), `WEFT_TRUST_DOMAIN`, `WEFT_TLS_CA`, `WEFT_TLS_CERT`, `WEFT_TLS_KEY`, and
    /// `WEFT_UPSTREAM_<NAME>` (comma-separated host:port; NAME uppercased, `-` as `_`). Mistakes
    /// throw `ConfigurationError` naming the key or variable.
    public init(json bytes: [UInt8], baseDirectory: String = ".", environment: [String: String] = [:]) throws {
        let reader = ConfigurationReader(baseDirectory: baseDirectory)
        let top = try reader.object(try reader.parse(bytes), at: "", allowed: [
            "service", "trustDomain", "listen", "tls", "insecure", "upstreams", "authorization", "limits", "health", "reflection",
            "admin", "propagate", "settings", "http2", "rest",
        ])
        guard let service = top["service"] else {
            throw ConfigurationError(key: "service", problem: "is required: the service's name, as in its SPIFFE ID")
        }
        self.init(service: try reader.string(service, at: "service"))
        if let value = top["trustDomain"] { trustDomain = try reader.string(value, at: "trustDomain") }
        if let value = top["listen"] { (host, port) = try reader.address(value, at: "listen") }
        let insecure = try top["insecure"].map { try reader.bool($0, at: "insecure") } ?? false
        if let value = top["tls"] {
            let fields = try reader.object(value, at: "tls", allowed: ["ca", "certificate", "key"])
            tls = TLSFiles(
                trustRoots: try reader.path(fields, "ca", at: "tls"), certificateChain: try reader.path(fields, "certificate", at: "tls"),
                privateKey: try reader.path(fields, "key", at: "tls"))
        }
        if let value = top["upstreams"] {
            for (name, upstream) in try reader.object(value, at: "upstreams", allowed: nil) {
                upstreams[name] = try Self.upstream(upstream, at: "upstreams.\(name)", reader: reader)
            }
        }
        if let value = top["authorization"] {
            let fields = try reader.object(value, at: "authorization", allowed: ["rules", "allowUnlisted"])
            let rules: [String: JSONValue] = try fields["rules"].map { try reader.object($0, at: "authorization.rules", allowed: nil) } ?? [:]
            for (target, callers) in rules {
                authorizationRules[target] = Set(try reader.strings(callers, at: "authorization.rules.\(target)"))
            }
            if let flag = fields["allowUnlisted"] { allowsUnlistedCallers = try reader.bool(flag, at: "authorization.allowUnlisted") }
        }
        if let value = top["limits"] {
            let fields = try reader.object(value, at: "limits", allowed: [
                "maxReceiveMessageBytes", "drainSeconds", "maxConnections", "tlsHandshakeSeconds", "prefaceSeconds", "headerBlockSeconds",
            ])
            if let v = fields["maxReceiveMessageBytes"] { maximumReceiveMessageBytes = try reader.count(v, at: "limits.maxReceiveMessageBytes") }
            if let v = fields["drainSeconds"] { drainGracePeriod = .seconds(try reader.count(v, at: "limits.drainSeconds")) }
            if let v = fields["maxConnections"] { maximumConnections = try reader.count(v, at: "limits.maxConnections") }
            if let v = fields["tlsHandshakeSeconds"] { tlsHandshakeTimeout = .seconds(try reader.count(v, at: "limits.tlsHandshakeSeconds")) }
            if let v = fields["prefaceSeconds"] { prefaceTimeout = .seconds(try reader.count(v, at: "limits.prefaceSeconds")) }
            if let v = fields["headerBlockSeconds"] { headerBlockTimeout = .seconds(try reader.count(v, at: "limits.headerBlockSeconds")) }
        }
        if let value = top["http2"] { http2 = try reader.http2(value, at: "http2", onto: http2) }
        if let value = top["health"] { servesHealth = try reader.bool(value, at: "health") }
        if let value = top["reflection"] { servesReflection = try reader.bool(value, at: "reflection") }
        if let value = top["propagate"] {
            propagatedMetadataKeys = Set(try reader.strings(value, at: "propagate").map { $0.lowercased() })
        }
        if let value = top["settings"] { settings = try reader.object(value, at: "settings", allowed: nil) }
        if let value = top["rest"] {
            _ = try reader.object(value, at: "rest", allowed: nil)  // its keys are the reader's (MeshREST)
            rest = value
        }
        self.baseDirectory = baseDirectory
        if let value = top["admin"] {
            let (host, port) = try reader.address(value, at: "admin")
            admin = Endpoint(host: host, port: port)
        }
        try applyEnvironment(environment, reader: reader)
        guard tls != nil || insecure else {
            throw ConfigurationError(key: "tls", problem: "is required: services use mutual TLS (or set \"insecure\": true for h2c)")
        }
        if tls == nil, let name = upstreams.first(where: { $0.value.identity != nil })?.key {
            throw ConfigurationError(key: "upstreams.\(name).identity", problem: "needs TLS: an insecure (h2c) upstream presents no certificate")
        }
    }

    private static func upstream(_ value: JSONValue, at key: String, reader: ConfigurationReader) throws -> Upstream {
        let fields = try reader.object(value, at: key, allowed: ConfigurationReader.channelKeys.union(["endpoints", "dns", "refreshSeconds", "identity"]))
        let discovery = try reader.discovery(fields, at: key)
        let identity = try fields["identity"].map { try reader.string($0, at: "\(key).identity") }
        return Upstream(discovery: discovery, identity: identity, channel: try reader.channel(fields, at: key))
    }

    private mutating func applyEnvironment(_ environment: [String: String], reader: ConfigurationReader) throws {
        if let value = environment["WEFT_LISTEN"] { (host, port) = try reader.address(.string(value), at: "env WEFT_LISTEN") }
        if let value = environment["WEFT_TRUST_DOMAIN"] { trustDomain = value }
        let files = (environment["WEFT_TLS_CA"], environment["WEFT_TLS_CERT"], environment["WEFT_TLS_KEY"])
        if files.0 != nil || files.1 != nil || files.2 != nil {
            guard let ca = files.0 ?? tls?.trustRoots, let certificate = files.1 ?? tls?.certificateChain, let key = files.2 ?? tls?.privateKey else {
                throw ConfigurationError(key: "env WEFT_TLS_*", problem: "must name the CA, certificate and key (WEFT_TLS_CA, WEFT_TLS_CERT, WEFT_TLS_KEY)")
            }
            tls = TLSFiles(trustRoots: reader.resolve(ca), certificateChain: reader.resolve(certificate), privateKey: reader.resolve(key))
        }
        for (variable, value) in environment where variable.hasPrefix("WEFT_UPSTREAM_") {
            let suffix = variable.dropFirst("WEFT_UPSTREAM_".count)
            let name = upstreams.keys.first { $0.uppercased().replacing("-", with: "_") == suffix } ?? suffix.lowercased().replacing("_", with: "-")
            let endpoints = try value.split(separator: ",").map { part in
                let (host, port) = try reader.address(.string(String(part)), at: "env \(variable)")
                return Endpoint(host: host, port: port)
            }
            guard !endpoints.isEmpty else { throw ConfigurationError(key: "env \(variable)", problem: "is empty: give host:port[,host:port…]") }
            // The variable replaces where the endpoints come from; the identity and the channel stay.
            var upstream = upstreams[name] ?? .endpoints(endpoints)
            upstream.discovery = .endpoints(endpoints)
            upstreams[name] = upstream
        }
    }
}
