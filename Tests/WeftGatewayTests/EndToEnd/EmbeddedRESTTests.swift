import NIOCore
import NIOPosix
import Synchronization
import Testing
import WeftBookshop
import WeftGateway
import WeftMesh
import WeftRPC
import WeftRPCHTTP2
import WeftTestSupport

/// The gateway embedded in a service's own gRPC server: REST routes and gRPC on one port, the
/// REST calls made in-process. curl over HTTP/1.1 and HTTP/2, a gRPC client beside it.
@Suite struct EmbeddedRESTTests {
    /// A bookshop on a plain `GRPCServer` (h2c) that answers its REST routes too, calling the
    /// bookshop in-process through `interceptors`.
    static func embeddedBookshop(
        interceptors: [any ServerInterceptor] = [], handlersOnEventLoops: Bool = true
    ) async throws -> (BookshopUpstream, Gateway, GRPCServer) {
        let bookshop = BookshopUpstream()
        var rest = GatewayConfiguration()
        rest.schemaIncludePaths = [GatewayHarness.testsDirectory]
        rest.schemaFiles = ["bookshop.proto"]
        let gateway = try Gateway(configuration: rest, local: InProcessTransport(services: [bookshop], interceptors: interceptors))
        var configuration = GRPCServer.Configuration()
        configuration.runsHandlersOnEventLoops = handlersOnEventLoops
        EmbeddedREST.serve(gateway, on: &configuration)
        return (bookshop, gateway, try await GRPCServer.start(port: 0, tls: nil, services: [bookshop], configuration: configuration, threads: 1))
    }

    @Test(arguments: HTTPVersion.allCases)
    func oneServerAnswersItsRESTRoutesAndGRPC(version: HTTPVersion) async throws {
        let (bookshop, gateway, server) = try await Self.embeddedBookshop()
        let base = "http://127.0.0.1:\(server.port)"

        let book = try await curl("GET", "\(base)/v1/shelves/s1/books/b1", version: version)
        #expect(book.status == 200)
        #expect(book.version == version.rawValue)
        #expect(book.headers["content-type"] == "application/json")
        #expect(book.object["name"] as? String == "shelves/s1/books/b1")
        #expect(book.object["title"] as? String == "Title of b1")
        // The same errors as the standalone gateway: a typed error's details in the JSON body.
        let missing = try await curl("GET", "\(base)/v1/shelves/s1/books/missing", version: version)
        #expect(missing.status == 404)
        #expect(missing.object["code"] as? Int == 5)
        // A body transcoded to the request message.
        let created = try await curl("POST", "\(base)/v1/shelves/s1/books", version: version, body: #"{"title": "Dune"}"#)
        #expect(created.status == 200, "\(created.body)")
        // Bad JSON: a 400 with a JSON error body.
        let malformed = try await curl("POST", "\(base)/v1/shelves/s1/books", version: version, body: #"{"title": "#)
        #expect(malformed.status == 400)
        #expect(malformed.object["code"] as? Int == 3)
        // The OpenAPI document of the routes.
        let openAPI = try await curl("GET", "\(base)/openapi.json", version: version)
        #expect(openAPI.status == 200 && openAPI.body.contains("\"/v1/shelves/"), "\(openAPI.body.prefix(300))")
        // gRPC on the same port, to the same service.
        let connection = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let viaGRPC = try await Bookshop.Client(transport: connection).getBook(GetBookRequest(name: "shelves/s1/books/b2"))
        #expect(viaGRPC.title == "Title of b2")
        #expect(bookshop.calls.withLock { $0["GetBook"] } == 3)
        try await connection.close()
        try await server.shutdown()
        await gateway.close()
    }

    /// A REST request's in-process call runs where the server runs its gRPC handlers: on the
    /// event loop that received it (no thread hop), or, for handlers that must not run there,
    /// on Swift's global executor.
    @Test(arguments: [true, false])
    func restCallsRunWhereTheServerRunsItsHandlers(onEventLoops: Bool) async throws {
        let recorder = LoopRecorder()
        let (bookshop, gateway, server) = try await Self.embeddedBookshop(interceptors: [recorder], handlersOnEventLoops: onEventLoops)
        for version in HTTPVersion.allCases {
            let book = try await curl("GET", "http://127.0.0.1:\(server.port)/v1/shelves/s1/books/b1", version: version)
            #expect(book.status == 200)
        }
        #expect(recorder.onEventLoop.withLock { $0 } == [onEventLoops, onEventLoops])
        try await server.shutdown()
        await gateway.close()
    }

    /// A REST call past its deadline is answered 504 and its handler cancelled: the handler
    /// holds until cancelled, so without the cancel no answer would come (curl's guard fails).
    @Test func aHandlerPastTheDeadlineIsCancelledAndAnswered504() async throws {
        let (bookshop, gateway, server) = try await Self.embeddedBookshop()
        for version in HTTPVersion.allCases {
            let held = try await curl(
                "POST", "http://127.0.0.1:\(server.port)/v1/trouble", version: version, headers: ["X-Request-Timeout: 0.2"],
                body: #"{"message": "hold"}"#)
            #expect(held.status == 504, "\(held.body)")
            #expect(held.object["code"] as? Int == 4)
        }
        #expect(bookshop.calls.withLock { $0["Trouble"] } == 2)
        try await server.shutdown()
        await gateway.close()
    }

    /// A handler that ignores its cancel does not hold the REST request: at the deadline the
    /// client is answered 504 all the same (without that, curl's hang guard would fail first).
    @Test func aHandlerIgnoringItsCancelStillGetsTheRequestAnswered504() async throws {
        let stubborn = IgnoresCancellation()
        let (bookshop, gateway, server) = try await Self.embeddedBookshop(interceptors: [stubborn])
        let answer = try await curl("GET", "http://127.0.0.1:\(server.port)/v1/shelves/s1/books/b1", headers: ["X-Request-Timeout: 0.2"])
        #expect(answer.status == 504, "\(answer.body)")
        stubborn.gate.open()
        try await server.shutdown()
        await gateway.close()
    }

    /// At the drain the embedded gateway is draining, so its `/readyz` answers 503, as the
    /// standalone gateway's does.
    @Test func theGatewayDrainsWithTheServer() async throws {
        let (bookshop, gateway, server) = try await Self.embeddedBookshop()
        let base = "http://127.0.0.1:\(server.port)"
        #expect(try await curl("GET", "\(base)/readyz").status == 200)
        // A held request keeps the drain open while the gateway's state is read.
        let held = Task { try await curl("POST", "\(base)/v1/trouble", version: .http2, body: #"{"message": "hold"}"#) }
        try #require(try await waitUntil { bookshop.calls.withLock { $0["Trouble"] } == 1 })
        let stopping = Task { try await server.shutdown(gracePeriod: .seconds(600)) }
        #expect(try await waitUntil { gateway.isDraining })
        bookshop.held.open()
        #expect(try await held.value.status == 200)
        try await stopping.value
        await gateway.close()
    }

    /// Shutdown drains an HTTP/1.1 connection as it drains HTTP/2 ones: the request in flight
    /// is answered, then the connection closes and the server stops.
    @Test func shutdownLetsAnHTTP1RequestInFlightFinish() async throws {
        let (bookshop, gateway, server) = try await Self.embeddedBookshop()
        let base = "http://127.0.0.1:\(server.port)"
        let held = Task { try await curl("POST", "\(base)/v1/trouble", version: .http1, body: #"{"message": "hold"}"#) }
        let arrived = try await waitUntil { bookshop.calls.withLock { $0["Trouble"] } == 1 }
        try #require(arrived, "the held request never reached the service")
        let stopping = Task { try await server.shutdown(gracePeriod: .seconds(600)) }
        // The listener closes first: once a new request is refused, the drain is under way.
        let draining = try await waitUntil { (try? await curl("GET", "\(base)/v1/shelves/s1/books/b1")) == nil }
        try #require(draining)
        bookshop.held.open()
        let answer = try await held.value
        #expect(answer.status == 200, "\(answer.body)")
        try await stopping.value
        await gateway.close()
    }

    /// An idle keep-alive HTTP/1.1 connection is closed by the drain (told to quiesce), not
    /// waited for: with a grace period of ten minutes, shutdown still returns at once.
    @Test(.timeLimit(.minutes(3)))
    func shutdownClosesAnIdleHTTP1KeepAliveConnection() async throws {
        let (bookshop, gateway, server) = try await Self.embeddedBookshop()
        let received = ReceivedText()
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) } }
            .connect(host: "127.0.0.1", port: server.port).get()
        try await client.writeAndFlush(ByteBuffer(string: "GET /v1/shelves/s1/books/b1 HTTP/1.1\r\nHost: bookshop\r\n\r\n")).get()
        let answered = try await waitUntil { received.text.hasPrefix("HTTP/1.1 200") && received.text.contains("Title of b1") }
        try #require(answered, "\(received.text)")
        try await server.shutdown(gracePeriod: .seconds(600))
        try await client.closeFuture.get()  // the server closed it
        await gateway.close()
    }

    /// A mesh service with a `rest` object serves those routes on its mutual-TLS port: curl
    /// with a client certificate, over ALPN `http/1.1` and `h2`. Its authorization policy sees
    /// a REST caller as the identity its certificate proves, as it would its gRPC calls.
    @Test func aMeshServiceServesItsConfiguredRESTRoutesOverMutualTLS() async throws {
        let pki = GatewayHarness.pki
        let configuration = try MeshConfiguration(json: Array("""
            {"service": "bookshop",
             "tls": {"ca": "\(pki)/ca.pem", "certificate": "\(pki)/bookshop.pem", "key": "\(pki)/bookshop.key"},
             "authorization": {"rules": {"weft.gatewaytest.v1.Bookshop": ["spiffe://weft.local/service/gateway"]}},
             "rest": {"schemas": {"includePaths": ["\(GatewayHarness.testsDirectory)"], "files": ["bookshop.proto"]},
                      "limits": {"maxBodyBytes": 64}}}
            """.utf8))
        let bookshop = BookshopUpstream()
        let service = try await MeshService.start(configuration, services: [bookshop], rest: .gateway)
        let base = "https://127.0.0.1:\(service.server.port)"
        let certificate = ["--cacert", "\(pki)/ca.pem", "--cert", "\(pki)/gateway.pem", "--key", "\(pki)/gateway.key"]
        for flag in ["--http1.1", "--http2"] {
            let book = try await curl("GET", "\(base)/v1/shelves/s1/books/b1", extra: [flag] + certificate)
            #expect(book.status == 200, "\(flag): \(book.body)")
            #expect(book.version == (flag == "--http1.1" ? "1.1" : "2"))
            #expect(book.object["title"] as? String == "Title of b1")
            // The `rest` object's limits hold.
            let oversize = try await curl(
                "POST", "\(base)/v1/shelves/s1/books", body: #"{"title": "\#(String(repeating: "x", count: 100))"}"#, extra: [flag] + certificate)
            #expect(oversize.status == 413, "\(flag): \(oversize.body)")
        }
        // Another mesh identity, not listed for the service: denied, as its gRPC calls would be.
        let stranger = ["--cacert", "\(pki)/ca.pem", "--cert", "\(pki)/bookshop.pem", "--key", "\(pki)/bookshop.key"]
        for flag in ["--http1.1", "--http2"] {
            let denied = try await curl("GET", "\(base)/v1/shelves/s1/books/b1", extra: [flag] + stranger)
            #expect(denied.status == 403, "\(flag): \(denied.body)")
            #expect(denied.object["code"] as? Int == 7)
        }
        // Without a client certificate the handshake fails, REST or not.
        await #expect(throws: (any Error).self) {
            _ = try await curl("GET", "\(base)/v1/shelves/s1/books/b1", extra: ["--cacert", "\(pki)/ca.pem"])
        }
        #expect(bookshop.calls.withLock { $0["GetBook"] } == 2)
        try await service.shutdown()
    }

    @Test func aRESTObjectNeedsAProgramThatServesRESTAndKnownKeys() async throws {
        let configuration = try MeshConfiguration(json: Array(#"{"service": "bookshop", "insecure": true, "rest": {"limts": {}}}"#.utf8))
        let withoutREST = await #expect(throws: ConfigurationError.self) {
            _ = try await MeshService.start(configuration, services: [BookshopUpstream()])
        }
        #expect(withoutREST?.key == "rest")
        #expect(withoutREST?.description.contains("rest: .gateway") == true)
        let misspelt = await #expect(throws: ConfigurationError.self) {
            _ = try await MeshService.start(configuration, services: [BookshopUpstream()], rest: .gateway)
        }
        #expect(misspelt?.key == "rest.limts")
        #expect(misspelt?.description.contains("did you mean limits?") == true)
        // A limit of the service's own listener belongs at the top level, where it takes effect.
        let listenerLimit = try MeshConfiguration(
            json: Array(#"{"service": "bookshop", "insecure": true, "rest": {"limits": {"maxConnections": 5}}}"#.utf8))
        let misplaced = await #expect(throws: ConfigurationError.self) {
            _ = try await MeshService.start(listenerLimit, services: [BookshopUpstream()], rest: .gateway)
        }
        #expect(misplaced?.key == "rest.limits.maxConnections")
        // A schema that does not load: its diagnostic, under the object it came from.
        let missingSchema = try MeshConfiguration(
            json: Array(#"{"service": "bookshop", "insecure": true, "rest": {"schemas": {"files": ["nowhere.proto"]}}}"#.utf8))
        let unloadable = await #expect(throws: ConfigurationError.self) {
            _ = try await MeshService.start(missingSchema, services: [BookshopUpstream()], rest: .gateway)
        }
        #expect(unloadable?.key == "rest")
        #expect(unloadable?.description.contains("nowhere.proto") == true, "\(unloadable.map(String.init(describing:)) ?? "")")
    }
}

/// Records, for each call, whether its handler ran on an event loop's thread.
private final class LoopRecorder: ServerInterceptor {
    let onEventLoop = Mutex<[Bool]>([])

    func intercept(_ call: InterceptedServerCall, next: @Sendable (InterceptedServerCall) async throws -> Void) async throws {
        onEventLoop.withLock { $0.append(MultiThreadedEventLoopGroup.currentEventLoop != nil) }
        try await next(call)
    }
}

/// Holds every call until its gate opens, deaf to cancellation (a handler stuck in blocking code).
private final class IgnoresCancellation: ServerInterceptor {
    let gate = Gate()

    func intercept(_ call: InterceptedServerCall, next: @Sendable (InterceptedServerCall) async throws -> Void) async throws {
        await gate.wait()  // a continuation: cancelling the task does not resume it
        try await next(call)
    }
}

/// What a raw client connection has received, as text.
private final class ReceivedText: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let received = Mutex("")

    var text: String { received.withLock { $0 } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let chunk = String(buffer: unwrapInboundIn(data))
        received.withLock { $0 += chunk }
    }
}
