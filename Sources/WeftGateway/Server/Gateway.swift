import Synchronization
import WeftMessages
import WeftRPC
import WeftSchema

/// The gateway's request handling, independent of the front's protocol: routes from the
/// schemas' `google.api.http` rules, rate limits, the circuit breaker and bulkhead per upstream,
/// JSON ↔ binary transcoding, and the calls to the upstream services over HTTP/2.
public final class Gateway: Sendable {
    let configuration: GatewayConfiguration
    let schema: DynamicSchema
    let routes: RouteTable<RouteTarget>
    private let upstreams: [String: UpstreamConnection]
    let protection: GatewayProtection
    let metrics = GatewayMetrics()
    private let openAPI: [UInt8]
    private let jwt: JWTValidator?
    private let accessLog: (@Sendable (String) -> Void)?
    private let draining = Atomic(false)
    private let inFlight = Atomic(0)

    /// Requests being answered right now.
    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Loads the schemas, compiles the routes and prepares the upstream connections (opened on
    /// first use). A bad schema, conflicting routes or a routed service without an upstream
    /// throw `GatewayStartError`. `accessLog` receives one line per request.
    public init(configuration: GatewayConfiguration, accessLog: (@Sendable (String) -> Void)? = nil) throws {
        let compiled = SchemaCompiler(includePaths: configuration.schemaIncludePaths).compile(configuration.schemaFiles)
        if compiled.hasErrors {
            throw GatewayStartError(compiled.diagnostics.map(\.description).joined(separator: "\n"))
        }
        self.configuration = configuration
        self.schema = DynamicSchema(files: compiled.files)
        self.routes = try GatewayRoutes.table(files: compiled.files, schema: schema)
        var upstreams: [String: UpstreamConnection] = [:]
        for file in compiled.files {
            for service in file.services where service.methods.contains(where: { $0.httpRule != nil }) {
                guard let upstream = configuration.upstreams[service.fullName] else {
                    throw GatewayStartError(
                        "service \(service.fullName) has REST routes but no upstream; add upstreams.\(service.fullName) to the configuration")
                }
                do {
                    upstreams[service.fullName] = try UpstreamConnection(upstream)
                } catch {
                    throw GatewayStartError("upstreams.\(service.fullName).tls: \(error)")
                }
            }
        }
        self.upstreams = upstreams
        self.protection = GatewayProtection(
            breakerPolicy: configuration.circuitBreaker, maximumConcurrentCalls: configuration.maximumConcurrentCallsPerUpstream)
        self.openAPI = Array(try OpenAPIDocument.make(title: "Weft gateway", version: "1", files: compiled.files).prettyText.utf8)
        self.accessLog = accessLog
        do {
            self.jwt = try configuration.jwt.map { try JWTValidator(policy: $0) }
        } catch {
            throw GatewayStartError("jwt.keys: \(error)")
        }
    }

    /// From now on `/readyz` answers 503, so load balancers stop sending new requests.
    public func startDraining() {
        draining.store(true, ordering: .relaxed)
    }

    /// Closes the upstream connections.
    public func close() async {
        for upstream in upstreams.values { await upstream.close() }
    }

    /// Answers `request` through `writer`.
    public func handle(_ request: GatewayRequest, writer: some GatewayResponseWriter) async {
        let started = ContinuousClock.now
        inFlight.add(1, ordering: .relaxed)
        defer { inFlight.subtract(1, ordering: .relaxed) }
        let requestID = Self.requestID(for: request)
        var exchange = Exchange(request: request, writer: writer, requestID: requestID)
        exchange.headers.append(("x-request-id", requestID))
        exchange.headers += corsHeaders(for: request)
        await serve(&exchange)
        let duration = ContinuousClock.now - started
        metrics.record(route: exchange.routeLabel, status: exchange.status, duration: duration)
        accessLog?(
            "\(request.clientAddress) \"\(request.method) \(request.path)\" \(exchange.status) "
                + "\(duration.milliseconds)ms route=\(exchange.routeLabel) id=\(requestID)")
    }

    /// A complete error answer, for fronts that refuse a request before it reaches `handle`
    /// (413, 431, 400 for unparsable HTTP).
    public static func errorBody(_ status: Status) -> [UInt8] {
        ErrorResponse.body(for: status)
    }

    private func serve<Writer: GatewayResponseWriter>(_ exchange: inout Exchange<Writer>) async {
        let request = exchange.request
        if request.method == "OPTIONS", request.header("access-control-request-method") != nil {
            return await preflight(&exchange)
        }
        if request.method == "GET", let builtIn = builtIn(request.path) {
            exchange.routeLabel = request.path
            return await exchange.respond(builtIn.status, contentType: builtIn.contentType, body: builtIn.body)
        }
        switch routes.match(method: request.method, path: request.path) {
        case .notFound:
            await exchange.fail(404, Status(.notFound, "no route for \(request.method) \(request.path)"))
        case .methodNotAllowed(let allowed):
            exchange.headers.append(("allow", allowed.joined(separator: ", ")))
            await exchange.fail(405, Status(.unimplemented, "\(request.path) does not accept \(request.method); it accepts \(allowed.joined(separator: ", "))"))
        case .found(let target, let bindings):
            exchange.routeLabel = target.methodKey
            await call(target, bindings: bindings, &exchange)
        }
    }

    private func call<Writer: GatewayResponseWriter>(_ target: RouteTarget, bindings: [String: String], _ exchange: inout Exchange<Writer>) async {
        let request = exchange.request
        var claims: [(String, JSONValue)] = []
        if let jwt, !jwt.policy.publicRoutes.contains(target.methodKey) {
            guard let credentials = request.header("authorization"), credentials.lowercased().hasPrefix("bearer ") else {
                exchange.headers.append(("www-authenticate", #"Bearer realm="weft""#))
                return await exchange.fail(401, Status(.unauthenticated, "this route needs a bearer token"))
            }
            do {
                claims = try jwt.validate(String(credentials.dropFirst("bearer ".count)).trimmingSpaces)
            } catch {
                exchange.headers.append(("www-authenticate", #"Bearer realm="weft", error="invalid_token""#))
                return await exchange.fail(401, Status(.unauthenticated, error.description))
            }
        }
        if let policy = configuration.rateLimit(for: target.methodKey) {
            let caller = callerKey(request, subject: Self.text(claims.first { $0.0 == "sub" }?.1))
            let decision = protection.takeToken(route: target.methodKey, caller: caller, policy: policy, now: .now)
            exchange.headers += RateLimitHeaders.fields(policyName: "default", policy: policy, decision: decision)
                .map { ($0.name.lowercased(), $0.value) }
            guard decision.allowed else {
                return await exchange.fail(429, Status(.resourceExhausted, "rate limit exceeded for this caller; retry later"))
            }
        }
        let requestMessage: [UInt8]
        do {
            requestMessage = try target.mapping.requestBinary(pathBindings: bindings, query: request.query, body: request.body)
        } catch {
            return await exchange.fail(400, Status(.invalidArgument, "\(error)"))
        }
        guard let upstream = upstreams[target.service] else {
            return await exchange.fail(500, Status(.internal, "no upstream for \(target.service)"))
        }
        if let refusal = protection.admit(upstream: target.service, now: .now) {
            if let retryAfter = refusal.retryAfter { exchange.headers.append(("retry-after", String(max(1, retryAfter.wholeSecondsUp)))) }
            return await exchange.fail(503, refusal.status)
        }
        let options = CallOptions(timeout: configuration.timeout(for: target.methodKey), metadata: forwardedMetadata(request, requestID: exchange.requestID, claims: claims))
        let final: Status
        do {
            final = try await callUpstream(upstream, target, requestMessage, options, &exchange)
        } catch let status as Status {
            final = status
            if exchange.streamStarted {
                // The client is gone mid-stream; nothing more can be written.
                exchange.status = 499
            } else {
                await exchange.fail(ErrorResponse.httpStatus(for: status.code), status)
            }
        } catch {
            final = Status(.unavailable, "\(error)")
            if !exchange.streamStarted { await exchange.fail(503, final) } else { exchange.status = 499 }
        }
        protection.finish(upstream: target.service, status: final, now: .now)
    }

    /// Runs the upstream call and writes its answer; returns the call's final status (which a
    /// stream reports in its last event) or throws it before anything was written.
    private func callUpstream<Writer: GatewayResponseWriter>(
        _ upstream: UpstreamConnection, _ target: RouteTarget, _ message: [UInt8], _ options: CallOptions,
        _ exchange: inout Exchange<Writer>
    ) async throws -> Status {
        let forwarded = configuration.forwardedResponseMetadata
        if !target.method.serverStreaming {
            let response = try await upstream.unary(target.method, request: message, options: options)
            let json: [UInt8]
            do {
                json = try schema.responseJSON(
                    fromBinary: response.message, messageType: target.method.outputType, responseBody: target.responseBody)
            } catch {
                throw Status(.internal, "the upstream's response could not be transcoded: \(error)")
            }
            exchange.headers += Self.headers(from: response.initialMetadata, response.trailingMetadata, keys: forwarded)
            await exchange.respond(200, contentType: "application/json", body: json)
            return Status(.ok)
        }
        let format = StreamingFormat(accept: exchange.request.header("accept"))
        return try await ClientCalls.raw(upstream, target.method, options: options) { call in
            try await call.send(message)
            try await call.finishRequests()
            let initial = try await call.initialMetadata()
            exchange.headers += Self.headers(from: initial, Metadata(), keys: forwarded)
            try await exchange.startStream(contentType: format.contentType)
            var final = Status(.ok)
            do {
                while let response = try await call.next() {
                    let json = try schema.responseJSON(fromBinary: response, messageType: target.method.outputType, responseBody: target.responseBody)
                    try await exchange.writer.writeChunk(format.messageChunk(json))
                }
            } catch let status as Status {
                final = status
            } catch let error as TranscodingError {
                final = Status(.internal, "the upstream's response could not be transcoded: \(error)")
            }
            try await exchange.writer.writeChunk(format.statusChunk(final))
            await exchange.writer.endStream()
            return final
        }
    }

    private func preflight<Writer: GatewayResponseWriter>(_ exchange: inout Exchange<Writer>) async {
        let request = exchange.request
        guard let origin = request.header("origin"), isAllowed(origin: origin) else {
            return await exchange.fail(403, Status(.permissionDenied, "cross-origin requests from this origin are not allowed"))
        }
        let asked = request.header("access-control-request-method") ?? ""
        var allowed: [String] = []
        switch routes.match(method: asked, path: request.path) {
        case .found: allowed = [asked.uppercased()]
        case .methodNotAllowed(let methods): allowed = methods
        case .notFound: return await exchange.fail(404, Status(.notFound, "no route for \(request.path)"))
        }
        exchange.headers.append(("access-control-allow-methods", allowed.joined(separator: ", ")))
        if let headers = request.header("access-control-request-headers") {
            exchange.headers.append(("access-control-allow-headers", headers))
        }
        exchange.headers.append(("access-control-max-age", "600"))
        await exchange.respond(204, contentType: nil, body: [])
    }

    private func builtIn(_ path: String) -> (status: Int, contentType: String, body: [UInt8])? {
        switch path {
        case "/healthz":
            return (200, "application/json", Array(#"{"status":"ok"}"#.utf8))
        case "/readyz":
            return draining.load(ordering: .relaxed)
                ? (503, "application/json", Array(#"{"status":"draining"}"#.utf8))
                : (200, "application/json", Array(#"{"status":"ready"}"#.utf8))
        case "/metrics":
            return (200, "text/plain; version=0.0.4", Array(metrics.render(protection: protection).utf8))
        case "/openapi.json":
            return (200, "application/json", openAPI)
        default:
            return nil
        }
    }

    private func corsHeaders(for request: GatewayRequest) -> HTTPFields {
        guard let origin = request.header("origin"), isAllowed(origin: origin) else { return [] }
        return [
            ("access-control-allow-origin", origin), ("vary", "origin"),
            ("access-control-expose-headers", "x-request-id, ratelimit, ratelimit-policy, retry-after"),
        ]
    }

    private func isAllowed(origin: String) -> Bool {
        configuration.corsAllowedOrigins.contains("*") || configuration.corsAllowedOrigins.contains(origin)
    }

    /// Who a rate limit counts against: the verified JWT subject, else the API key when one is
    /// sent, else the client's address.
    private func callerKey(_ request: GatewayRequest, subject: String?) -> String {
        if let subject { return "sub:" + subject }
        if let key = request.header("x-api-key") { return "key:" + key }
        return "ip:" + request.clientAddress
    }

    /// `authorization`, the configured allow-list of headers, the request id and the verified
    /// claims (`x-jwt-<claim>`, never taken from the client's own headers), as metadata.
    private func forwardedMetadata(_ request: GatewayRequest, requestID: String, claims: [(String, JSONValue)]) -> Metadata {
        var metadata = Metadata()
        for (name, value) in request.headers
        where !name.hasPrefix("x-jwt-") && (name == "authorization" || configuration.forwardedRequestHeaders.contains(name)) {
            if name.hasSuffix("-bin") {
                if let bytes = Base64.decode(value) { metadata.add(name, binary: bytes) }
            } else {
                metadata.add(name, value)
            }
        }
        metadata.add("x-request-id", requestID)
        for name in jwt?.policy.forwardedClaims ?? [] {
            if let value = Self.text(claims.first { $0.0 == name }?.1) { metadata.add("x-jwt-" + name, value) }
        }
        return metadata
    }

    /// A string or number claim as text.
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?, .number(let text)?: text
        default: nil
        }
    }

    private static func headers(from initial: Metadata, _ trailers: Metadata, keys: [String]) -> HTTPFields {
        var fields: HTTPFields = []
        for metadata in [initial, trailers] {
            for (name, value) in metadata.headerFields where keys.contains(name) { fields.append((name, value)) }
        }
        return fields
    }

    /// The client's `x-request-id` when it is a sane token, else a fresh random one.
    private static func requestID(for request: GatewayRequest) -> String {
        if let given = request.header("x-request-id"), (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        let bits = UInt64.random(in: .min ... .max)
        let hex = String(bits, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// One request's answer in progress: the headers gathered so far and what was written.
struct Exchange<Writer: GatewayResponseWriter>: Sendable {
    let request: GatewayRequest
    let writer: Writer
    let requestID: String
    var headers: HTTPFields = []
    var status = 0
    var streamStarted = false
    var routeLabel = "-"

    init(request: GatewayRequest, writer: Writer, requestID: String) {
        self.request = request
        self.writer = writer
        self.requestID = requestID
    }

    mutating func respond(_ status: Int, contentType: String?, body: [UInt8]) async {
        self.status = status
        var fields = headers
        if let contentType { fields.append(("content-type", contentType)) }
        await writer.respond(status: status, headers: fields, body: body)
    }

    mutating func fail(_ httpStatus: Int, _ status: Status) async {
        await respond(httpStatus, contentType: "application/json", body: ErrorResponse.body(for: status))
    }

    mutating func startStream(contentType: String) async throws {
        status = 200
        streamStarted = true
        try await writer.startStream(status: 200, headers: headers + [("content-type", contentType), ("cache-control", "no-cache")])
    }
}

extension Duration {
    /// Whole seconds, rounded up.
    var wholeSecondsUp: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }

    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
