import NIOCore
import Synchronization
import WeftMesh
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftSchema

/// The gateway's request handling, independent of the front's protocol: routes from the
/// schemas' `google.api.http` rules, rate limits, the circuit breaker and bulkhead per upstream,
/// JSON ↔ binary transcoding, and the calls to the upstream services over HTTP/2.
public final class Gateway: Sendable {
    /// What the gateway was built from.
    public let configuration: GatewayConfiguration
    let schema: DynamicSchema
    let routes: RouteTable<RouteTarget>
    /// Per route, by `RouteTarget.index`: what it calls, resolved at start.
    private let served: [ServedRoute]
    private let upstreams: [String: any GatewayUpstream]
    let protection: GatewayProtection
    let metrics = GatewayMetrics()
    private let openAPI: [UInt8]
    private let jwt: JWTValidator?
    /// The issuer's published keys, when `jwt.keySet` names them.
    private let publishedKeys: RemoteKeySet?
    private let accessLog: (@Sendable (String) -> Void)?
    private let draining = Atomic(false)
    private let inFlight = Atomic(0)
    /// Set to run the in-process calls of `local` services on the global executor.
    private let localCallsOffEventLoops: EventLoopTaskExecutor.Shutdown

    /// Requests being answered right now.
    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Loads the schemas, compiles the routes and prepares the upstream connections (opened on
    /// first use). A bad schema, conflicting routes or a routed service without an upstream
    /// throw `GatewayStartError`. `accessLog` receives one line per request. Routed services
    /// with no upstream in the configuration are called through `local` when it is given: the
    /// gateway embedded in their own server (see `EmbeddedREST`).
    public init(configuration: GatewayConfiguration, accessLog: (@Sendable (String) -> Void)? = nil, local: (any ClientTransport)? = nil) throws {
        let compiled = SchemaCompiler(includePaths: configuration.schemaIncludePaths).compile(configuration.schemaFiles)
        if compiled.hasErrors {
            throw GatewayStartError(compiled.diagnostics.map(\.description).joined(separator: "\n"))
        }
        self.configuration = configuration
        self.schema = DynamicSchema(files: compiled.files)
        self.routes = try GatewayRoutes.table(files: compiled.files, schema: schema)
        var upstreams: [String: any GatewayUpstream] = [:]
        let localCallsOffEventLoops = EventLoopTaskExecutor.Shutdown()
        for file in compiled.files {
            for service in file.services where service.methods.contains(where: { $0.httpRule != nil }) {
                if configuration.upstreams[service.fullName] == nil, let local {
                    upstreams[service.fullName] = LocalUpstream(services: local, offEventLoops: localCallsOffEventLoops)
                    continue
                }
                guard let upstream = configuration.upstreams[service.fullName] else {
                    throw GatewayStartError(
                        "service \(service.fullName) has REST routes but no upstream; add upstreams.\(service.fullName) to the configuration")
                }
                do {
                    upstreams[service.fullName] = try UpstreamPool(
                        name: service.fullName, upstream, metrics: ChannelMetrics(upstream: service.fullName, factory: metrics.registry))
                } catch {
                    throw GatewayStartError("upstreams.\(service.fullName).tls: \(error)")
                }
            }
        }
        self.upstreams = upstreams
        self.localCallsOffEventLoops = localCallsOffEventLoops
        let protection = GatewayProtection(
            upstreams: upstreams.keys, breakerPolicy: configuration.circuitBreaker,
            maximumConcurrentCalls: configuration.maximumConcurrentCallsPerUpstream)
        self.protection = protection
        let metrics = self.metrics
        self.served = routes.targets.sorted { $0.index < $1.index }.map { target in
            ServedRoute(
                // Every routed service got an upstream above, and so a guard.
                upstream: upstreams[target.service]!, protection: protection.guardOf(target.service)!,
                timeout: configuration.timeout(for: target.methodKey), rateLimit: configuration.rateLimit(for: target.methodKey),
                metrics: metrics.requests.metrics(of: target.methodKey))
        }
        self.openAPI = Array(try OpenAPIDocument.make(
            title: OpenAPIDocument.defaultTitle, version: "1", files: compiled.files, jwt: configuration.jwt).prettyText.utf8)
        self.accessLog = accessLog
        do {
            self.jwt = try configuration.jwt.map { try JWTValidator(policy: $0) }
        } catch {
            throw GatewayStartError("jwt.keys: \(error)")
        }
        if let source = configuration.jwt?.keySet {
            self.publishedKeys = try Self.remoteKeySet(source, files: compiled.files, schema: schema, upstreams: upstreams, log: accessLog)
        } else {
            self.publishedKeys = nil
        }
    }

    /// Reads `source`'s rpc through its service's upstream and its answer as JSON.
    private static func remoteKeySet(
        _ source: JWTPolicy.KeySetSource, files: [ProtoFile], schema: DynamicSchema, upstreams: [String: any GatewayUpstream],
        log: (@Sendable (String) -> Void)?
    ) throws -> RemoteKeySet {
        let dot = source.method.lastIndex(of: ".") ?? source.method.startIndex
        let serviceName = String(source.method[..<dot])
        let methodName = String(source.method[dot...].dropFirst())
        guard let service = files.lazy.flatMap(\.services).first(where: { $0.fullName == serviceName }),
              let method = service.methods.first(where: { $0.name == methodName }), !method.clientStreaming, !method.serverStreaming
        else { throw GatewayStartError("jwt.keySet.method: \(source.method) is not a unary rpc of the gateway's schemas") }
        guard let upstream = upstreams[serviceName] else {
            throw GatewayStartError("jwt.keySet.method: \(serviceName) has no REST routes, so the gateway has no upstream for it")
        }
        let descriptor = MethodDescriptor(
            name: method.name, path: "/\(serviceName)/\(method.name)", inputType: method.inputType, outputType: method.outputType,
            clientStreaming: false, serverStreaming: false, idempotency: .idempotent, httpRule: nil)
        return RemoteKeySet(refreshInterval: source.refreshInterval, onFailure: { log?("jwt: \($0)") }) { eventLoop in
            upstream.unary(on: eventLoop, descriptor, request: [], options: CallOptions(timeout: .seconds(5))).flatMapThrowing { raw in
                try schema.responseJSON(fromBinary: raw.message, messageType: method.outputType, responseBody: "")
            }
        }
    }

    /// From now on `/readyz` answers 503, so load balancers stop sending new requests (it also
    /// does while no upstream can be reached).
    package func startDraining() {
        draining.store(true, ordering: .relaxed)
    }

    /// Whether `startDraining` was called.
    package var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Moves the in-process calls of `local` services off the event loops they arrived on
    /// (onto Swift's global executor): before those loops stop, or for handlers that must not
    /// run on them.
    package func runLocalCallsOffEventLoops() {
        localCallsOffEventLoops.begin()
    }

    /// Closes the upstream connections.
    package func close() async {
        for upstream in upstreams.values { await upstream.close() }
    }

    /// Starts answering `request`, which arrived on `eventLoop`. Everything up to the upstream
    /// call (routing, authentication, limits, transcoding) happens here, synchronously; a whole
    /// answer then goes to `respond`, once, on the same loop (now or when the upstream answers),
    /// while a streamed answer needs the front's writer.
    package func begin(
        _ request: GatewayRequest, on eventLoop: any EventLoop, respond: @escaping @Sendable (GatewayResponse) -> Void
    ) -> GatewayDispatch {
        begin(request, on: eventLoop, mayRefreshKeys: true, respond: respond)
    }

    private func begin(
        _ request: GatewayRequest, on eventLoop: any EventLoop, mayRefreshKeys: Bool, respond: @escaping @Sendable (GatewayResponse) -> Void
    ) -> GatewayDispatch {
        inFlight.add(1, ordering: .relaxed)
        var exchange = Exchange(request: request, requestID: Self.requestID(for: request), started: .now)
        exchange.headers.append(("x-request-id", exchange.requestID))
        exchange.headers += corsHeaders(for: request)
        switch plan(&exchange, on: eventLoop, mayRefreshKeys: mayRefreshKeys) {
        case .refreshKeys(let keySet):
            // The token names a key the issuer may have published since the last fetch: fetch
            // it, then answer the request as if it had just arrived.
            inFlight.subtract(1, ordering: .relaxed)
            return .streaming { writer in
                try? await keySet.refresh(on: eventLoop).get()
                let answered = eventLoop.makePromise(of: GatewayResponse.self)
                switch self.begin(request, on: eventLoop, mayRefreshKeys: false, respond: answered.succeed) {
                case .responding:
                    let response = try? await answered.futureResult.get()
                    if let response { await writer.respond(status: response.status, headers: response.headers, body: response.body) }
                case .streaming(let answer):
                    answered.fail(CancellationError())  // unused: a promise must still be completed
                    await answer(writer)
                }
            }
        case .answer(let response):
            ended(exchange, status: response.status, outcome: exchange.outcome)
            respond(response)
            return .responding
        case .readiness:
            readiness(on: eventLoop).whenSuccess { [exchange] status, state in
                var exchange = exchange
                self.ended(exchange, status: status, outcome: nil)
                respond(exchange.response(status, contentType: "application/json", body: Array(#"{"status":"\#(state)"}"#.utf8)))
            }
            return .responding
        case .unary(let call):
            // One completion for the whole answer: each future or promise step would allocate.
            call.upstream.unary(on: eventLoop, call.target.method, request: call.messages[0], options: call.options) { [exchange] outcome in
                var exchange = exchange
                let (response, status): (GatewayResponse, Status)
                switch outcome {
                case .success(let raw): (response, status) = self.unaryResponse(raw, call, &exchange)
                case .failure(let error):
                    status = Self.status(of: error)
                    response = exchange.upstreamFailure(status)
                }
                let now = ContinuousClock.now
                call.route.protection.finish(outcome: call.upstream.breakerOutcome(of: status), now: now)
                self.ended(exchange, status: response.status, outcome: status, at: now)
                respond(response)
            }
            return .responding
        case .stream(let call):
            return .streaming { [exchange] writer in
                let (httpStatus, final) = await self.stream(call, exchange, on: eventLoop, writer: writer)
                call.route.protection.finish(outcome: call.upstream.breakerOutcome(of: final), now: .now)
                self.ended(exchange, status: httpStatus, outcome: final)
            }
        case .clientStream(let call):
            return .streaming { [exchange] writer in
                let (httpStatus, final) = await self.clientStream(call, exchange, on: eventLoop, writer: writer)
                call.route.protection.finish(outcome: call.upstream.breakerOutcome(of: final), now: .now)
                self.ended(exchange, status: httpStatus, outcome: final)
            }
        }
    }

    /// Counts and logs a finished request; a failure's complete status (`outcome`, whatever
    /// the client was told) ends the log line.
    private func ended(_ exchange: Exchange, status: Int, outcome: Status?, at now: ContinuousClock.Instant = .now) {
        inFlight.subtract(1, ordering: .relaxed)
        let duration = now - exchange.started
        if let routeMetrics = exchange.routeMetrics {
            routeMetrics.record(outcome: String(status), duration: duration)
        } else {
            metrics.record(route: exchange.routeLabel, status: status, duration: duration)
        }
        guard let accessLog else { return }
        var line = "\(exchange.request.clientAddress) \"\(exchange.request.method) \(exchange.request.path)\" \(status) "
            + "\(duration.milliseconds)ms route=\(exchange.routeLabel) id=\(exchange.requestID)"
        if let outcome, !outcome.isOK { line += " error=\"\(AccessLog.escaped("\(outcome.code): \(outcome.message)"))\"" }
        accessLog(line)
    }

    /// An upstream call's error as a status: a transport failure when it is not one already.
    private static func status(of error: any Error) -> Status {
        error as? Status ?? Status.transport(.unavailable, "\(error)")
    }

    /// What a request needs: an answer now, or an upstream call (admitted by the protections).
    private enum Plan {
        case answer(GatewayResponse)
        /// A token with an unknown `kid`: refresh the published keys, then plan again.
        case refreshKeys(RemoteKeySet)
        /// `/readyz`, which may have to try an upstream first.
        case readiness
        case unary(UpstreamCall)
        /// Server-streaming or bidirectional: the answer is a stream.
        case stream(UpstreamCall)
        /// Client-streaming: many requests, one answer.
        case clientStream(UpstreamCall)
    }

    /// An admitted call to an upstream.
    private struct UpstreamCall {
        let upstream: any GatewayUpstream
        let target: RouteTarget
        let route: ServedRoute
        /// The request messages: exactly one unless the rpc is client-streaming.
        let messages: [[UInt8]]
        let options: CallOptions

        /// Sends every request message over `upstreamCall`, then half-closes.
        func sendRequests(over upstreamCall: any ClientCall) async throws {
            for message in messages { try await upstreamCall.send(message) }
            try await upstreamCall.finishRequests()
        }
    }

    private func plan(_ exchange: inout Exchange, on eventLoop: any EventLoop, mayRefreshKeys: Bool) -> Plan {
        let request = exchange.request
        if request.method == "OPTIONS", request.header("access-control-request-method") != nil {
            return .answer(preflight(&exchange))
        }
        if request.method == "GET" || request.method == "HEAD" {
            if request.path == "/readyz" {
                exchange.routeLabel = request.path
                return .readiness
            }
            if let builtIn = builtIn(request.path) {
                exchange.routeLabel = request.path
                return .answer(exchange.response(builtIn.status, contentType: builtIn.contentType, body: builtIn.body))
            }
        }
        switch routes.match(method: request.method, path: request.path) {
        case .notFound:
            return .answer(exchange.failure(404, Status(.notFound, "no route for \(request.method) \(request.path)")))
        case .methodNotAllowed(let allowed):
            exchange.headers.append(("allow", allowed.joined(separator: ", ")))
            return .answer(exchange.failure(
                405, Status(.unimplemented, "\(request.path) does not accept \(request.method); it accepts \(allowed.joined(separator: ", "))")))
        case .found(let target, let bindings):
            exchange.routeLabel = target.methodKey
            exchange.routeMetrics = served[target.index].metrics
            return plan(target, bindings: bindings, &exchange, on: eventLoop, mayRefreshKeys: mayRefreshKeys)
        }
    }

    private func plan(
        _ target: RouteTarget, bindings: PathBindings, _ exchange: inout Exchange, on eventLoop: any EventLoop, mayRefreshKeys: Bool
    ) -> Plan {
        let request = exchange.request
        let route = served[target.index]
        var claims: [(String, JSONValue)] = []
        if let jwt {
            let credentials = request.header("authorization").flatMap { $0.lowercased().hasPrefix("bearer ") ? $0 : nil }
            let isPublic = jwt.policy.publicRoutes.contains(target.methodKey)
            if credentials == nil, !isPublic {
                exchange.headers.append(("www-authenticate", #"Bearer realm="weft""#))
                return .answer(exchange.failure(401, Status(.unauthenticated, "this route needs a bearer token")))
            }
            if let credentials {
                do {
                    claims = try jwt.validate(
                        String(credentials.dropFirst("bearer ".count)).trimmingSpaces,
                        publishedKeys: publishedKeys?.keys(refreshingOn: eventLoop) ?? [])
                } catch {
                    if error.unknownKey, mayRefreshKeys, let publishedKeys, publishedKeys.mayRefresh() { return .refreshKeys(publishedKeys) }
                    exchange.headers.append(("www-authenticate", #"Bearer realm="weft", error="invalid_token""#))
                    return .answer(exchange.failure(401, Status(.unauthenticated, error.description)))
                }
            }
        }
        if let policy = route.rateLimit {
            let caller = callerKey(request, subject: Self.text(claims.first { $0.0 == "sub" }?.1))
            let decision = protection.takeToken(route: target.methodKey, caller: caller, policy: policy, now: exchange.started)
            exchange.headers += RateLimitHeaders.fields(policyName: "default", policy: policy, decision: decision)
                .map { ($0.name.lowercased(), $0.value) }
            guard decision.allowed else {
                return .answer(exchange.failure(429, Status(.resourceExhausted, "rate limit exceeded for this caller; retry later")))
            }
        }
        let isStream = target.method.clientStreaming
        if !request.body.isEmpty, target.mapping.takesBody, !RequestContentType.accepts(request.header("content-type"), stream: isStream) {
            return .answer(exchange.failure(
                415, Status(.invalidArgument, "the request body is read as JSON: send Content-Type: \(RequestContentType.expected(stream: isStream))")))
        }
        let messages: [[UInt8]]
        do {
            messages = isStream
                ? try target.mapping.requestMessages(pathBindings: bindings, body: request.body)
                : [try target.mapping.requestBinary(pathBindings: bindings, query: request.query, body: request.body)]
        } catch {
            return .answer(exchange.failure(400, Status(.invalidArgument, "\(error)")))
        }
        let timeout: Duration
        do {
            timeout = try ClientTimeout.requested(by: request).map { min(route.timeout, $0) } ?? route.timeout
        } catch {
            return .answer(exchange.failure(400, Status(.invalidArgument, error.description)))
        }
        guard timeout > .zero else {
            return .answer(exchange.failure(504, Status(.deadlineExceeded, "the request's timeout had passed when it arrived")))
        }
        if let refusal = route.protection.admit(now: exchange.started) {
            if let retryAfter = refusal.retryAfter { exchange.headers.append(("retry-after", String(max(1, retryAfter.wholeSecondsUp)))) }
            return .answer(exchange.failure(503, refusal.status))
        }
        let call = UpstreamCall(
            upstream: request.callerIdentity.map { route.upstream.calling(as: $0) } ?? route.upstream, target: target, route: route,
            messages: messages,
            options: CallOptions(
                timeout: timeout,
                metadata: forwardedMetadata(request, requestID: exchange.requestID, claims: claims)))
        switch (target.method.clientStreaming, target.method.serverStreaming) {
        case (_, true): return .stream(call)
        case (true, false): return .clientStream(call)
        case (false, false): return .unary(call)
        }
    }

    /// A unary call's answer as JSON, and the status the breaker records.
    private func unaryResponse(_ raw: RawUnaryResponse, _ call: UpstreamCall, _ exchange: inout Exchange) -> (GatewayResponse, Status) {
        do {
            let json = try responseJSON(raw.message, call.target)
            exchange.headers += Self.headers(from: raw.initialMetadata, raw.trailingMetadata, keys: configuration.forwardedResponseMetadata)
            return (exchange.response(200, contentType: "application/json", body: json), Status(.ok))
        } catch {
            let status = Status(.internal, "the upstream's response could not be transcoded: \(error)")
            return (exchange.internalFailure(status), status)
        }
    }

    /// A response message of `target`'s rpc as the JSON its route answers with.
    private func responseJSON(_ message: [UInt8], _ target: RouteTarget) throws -> [UInt8] {
        guard let shape = target.outputShape else {
            return try schema.responseJSON(fromBinary: message, messageType: target.method.outputType, responseBody: target.responseBody)
        }
        return try schema.responseJSON(fromBinary: message, shape: shape, responseBody: target.responseBody)
    }

    /// Runs a server-streaming call, writing NDJSON or SSE through `writer`; the HTTP status
    /// sent and the call's final status. A call that fails before its first response is a plain
    /// error answer; once streaming, the final status is the last event.
    private func stream(
        _ call: UpstreamCall, _ exchange: Exchange, on eventLoop: any EventLoop, writer: some GatewayResponseWriter
    ) async -> (Int, Status) {
        let format = StreamingFormat(accept: exchange.request.header("accept"))
        let started = StreamStarted()
        do {
            let final = try await ClientCalls.raw(call.upstream.transport(on: eventLoop), call.target.method, options: call.options) { upstreamCall in
                try await call.sendRequests(over: upstreamCall)
                let initial = try await upstreamCall.initialMetadata()
                let headers = exchange.headers + Self.headers(from: initial, Metadata(), keys: configuration.forwardedResponseMetadata)
                started.value = true
                try await writer.startStream(
                    status: 200, headers: headers + [("content-type", format.contentType), ("cache-control", "no-cache")])
                // HEAD wants the head alone: the call ends here (and is cancelled upstream).
                guard exchange.request.method != "HEAD" else {
                    await writer.endStream()
                    return Status(.ok)
                }
                func write(_ chunk: [UInt8]) async throws {
                    do {
                        try await writer.writeChunk(chunk)
                    } catch {
                        throw ClientGone()
                    }
                }
                var final = Status(.ok)
                do {
                    while let response = try await upstreamCall.next() {
                        try await write(format.messageChunk(
                            try responseJSON(response, call.target)))
                    }
                } catch let status as Status {
                    final = status
                } catch let error as TranscodingError {
                    final = Status(.internal, "the upstream's response could not be transcoded: \(error)")
                }
                try await write(format.statusChunk(exchange.shown(final)))
                await writer.endStream()
                return final
            }
            return (200, final)
        } catch is ClientGone {
            return (499, Status(.cancelled, "the client went away"))
        } catch {
            let status = Self.status(of: error)
            // Mid-stream, only the client can have failed: nothing more can be written.
            guard !started.value else { return (499, status) }
            var exchange = exchange
            let response = exchange.upstreamFailure(status)
            await writer.respond(status: response.status, headers: response.headers, body: response.body)
            return (response.status, status)
        }
    }

    /// Runs a client-streaming call: every request message of the NDJSON body, then one JSON
    /// answer (or the error it ended with); the HTTP status sent and the call's final status.
    private func clientStream(
        _ call: UpstreamCall, _ exchange: Exchange, on eventLoop: any EventLoop, writer: some GatewayResponseWriter
    ) async -> (Int, Status) {
        let response: GatewayResponse
        let final: Status
        do {
            let raw = try await ClientCalls.raw(call.upstream.transport(on: eventLoop), call.target.method, options: call.options) { upstreamCall in
                try await call.sendRequests(over: upstreamCall)
                return try await ClientCalls.onlyRawResponse(of: upstreamCall)
            }
            var exchange = exchange
            (response, final) = unaryResponse(raw, call, &exchange)
        } catch {
            final = Self.status(of: error)
            var exchange = exchange
            response = exchange.upstreamFailure(final)
        }
        await writer.respond(status: response.status, headers: response.headers, body: response.body)
        return (response.status, final)
    }

    private func preflight(_ exchange: inout Exchange) -> GatewayResponse {
        let request = exchange.request
        guard let origin = request.header("origin"), isAllowed(origin: origin) else {
            return exchange.failure(403, Status(.permissionDenied, "cross-origin requests from this origin are not allowed"))
        }
        let asked = request.header("access-control-request-method") ?? ""
        var allowed: [String] = []
        switch routes.match(method: asked, path: request.path) {
        case .found: allowed = [asked.uppercased()]
        case .methodNotAllowed(let methods): allowed = methods
        case .notFound: return exchange.failure(404, Status(.notFound, "no route for \(request.path)"))
        }
        exchange.headers.append(("access-control-allow-methods", allowed.joined(separator: ", ")))
        if let headers = request.header("access-control-request-headers") {
            exchange.headers.append(("access-control-allow-headers", headers))
        }
        exchange.headers.append(("access-control-max-age", "600"))
        return exchange.response(204, contentType: nil, body: [])
    }

    /// `/readyz`'s HTTP status and state: 503 while draining; else ready while any upstream
    /// can be reached (or there is none), which may take trying to connect to one. Upstreams
    /// are not named: the answer is for load balancers.
    private func readiness(on eventLoop: any EventLoop) -> EventLoopFuture<(Int, String)> {
        if isDraining { return eventLoop.makeSucceededFuture((503, "draining")) }
        guard !upstreams.isEmpty else { return eventLoop.makeSucceededFuture((200, "ready")) }
        let probes = upstreams.values.map { $0.probe(on: eventLoop) }
        return EventLoopFuture.whenAllSucceed(probes, on: eventLoop).map { reachable in
            reachable.contains(true) ? (200, "ready") : (503, "no upstream reachable")
        }
    }

    private func builtIn(_ path: String) -> (status: Int, contentType: String, body: [UInt8])? {
        switch path {
        case "/healthz":
            return (200, "application/json", Array(#"{"status":"ok"}"#.utf8))
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

    /// Request headers every service sees as metadata: `authorization`, and `idempotency-key`
    /// (by which a service recognizes a retried create or payment).
    /// An array, not a set: two names compared beat hashing every request header's name.
    static let alwaysForwarded = ["authorization", "idempotency-key"]

    /// `alwaysForwarded`, the configured allow-list of headers, the request id, the client's
    /// address (`x-forwarded-for`), the W3C trace and the verified claims (`x-jwt-<claim>`, never taken from the client's own headers), as
    /// metadata.
    private func forwardedMetadata(_ request: GatewayRequest, requestID: String, claims: [(String, JSONValue)]) -> Metadata {
        var metadata = Metadata()
        // The request id, the client's address and the trace, and usually little else.
        metadata.reserveCapacity(6)
        for (name, value) in request.headers
        where (Self.alwaysForwarded.contains(name) || configuration.forwardedRequestHeaders.contains(name))
            && !name.hasPrefix("x-jwt-") && name != "traceparent" && name != "x-forwarded-for" {
            if Metadata.isBinaryName(name) {
                if let bytes = Base64.decode(value) { metadata.add(name, binary: bytes) }
            } else {
                metadata.add(name, value)
            }
        }
        metadata.add("x-request-id", requestID)
        // The edge of the mesh says who connected (a client's own value is not forwarded).
        metadata.add("x-forwarded-for", request.clientAddress)
        // The edge of the mesh: continue the client's W3C trace, or start one.
        let incoming = request.header("traceparent").flatMap(TraceParent.init(header:))
        metadata.add("traceparent", (incoming?.child() ?? .newTrace()).description)
        if incoming != nil, let state = request.header("tracestate") { metadata.add("tracestate", state) }
        for name in jwt?.policy.forwardedClaims ?? [] {
            if let value = Self.text(claims.first { $0.0 == name }?.1) { metadata.add("x-jwt-" + name, value) }
        }
        return metadata
    }

    /// A string or number claim as text; an array of them joined by commas.
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?, .number(let text)?: text
        case .array(let items)?:
            items.map { item -> String? in
                switch item {
                case .string(let text), .number(let text): text
                default: nil
                }
            }.compactMap { $0 }.joined(separator: ",")
        default: nil
        }
    }

    private static func headers(from initial: Metadata, _ trailers: Metadata, keys: [String]) -> HTTPFields {
        // Most gateways forward none: no field is made then.
        guard !keys.isEmpty else { return [] }
        var fields: HTTPFields = []
        for (name, value) in initial.headerFields where keys.contains(name) { fields.append((name, value)) }
        for (name, value) in trailers.headerFields where keys.contains(name) { fields.append((name, value)) }
        return fields
    }

    /// The client's `x-request-id` when it is a sane token, else a fresh random one.
    private static func requestID(for request: GatewayRequest) -> String {
        if let given = request.header("x-request-id"), (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        return IDSource.nextHex()
    }
}

/// What a front does with a request.
package enum GatewayDispatch: Sendable {
    /// Nothing: the whole answer goes to the `respond` given to `Gateway.begin`.
    case responding
    /// A streamed answer: run the closure (in a Task) with the front's writer.
    case streaming(@Sendable (any GatewayResponseWriter) async -> Void)
}

/// A complete HTTP answer.
package struct GatewayResponse: Sendable {
    package var status: Int
    package var headers: HTTPFields
    package var body: [UInt8]
}

/// Whether a stream's head went out; set inside the streaming call, read after it.
private final class StreamStarted: Sendable {
    private let started = Atomic(false)

    var value: Bool {
        get { started.load(ordering: .relaxed) }
        set { started.store(newValue, ordering: .relaxed) }
    }
}

/// A streamed answer's client stopped taking it.
private struct ClientGone: Error {}
