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
    @Test(arguments: HTTPVersion.allCases)
    func oneServerAnswersItsRESTRoutesAndGRPC(version: HTTPVersion) async throws {
        let bookshop = BookshopUpstream()
        var rest = GatewayConfiguration()
        rest.schemaIncludePaths = [GatewayHarness.testsDirectory]
        rest.schemaFiles = ["bookshop.proto"]
        let gateway = try Gateway(configuration: rest, local: InProcessTransport(services: [bookshop]))
        var configuration = GRPCServer.Configuration()
        EmbeddedREST.serve(gateway, on: &configuration)
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [bookshop], configuration: configuration, threads: 1)
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
        let bookshop = BookshopUpstream()
        var rest = GatewayConfiguration()
        rest.schemaIncludePaths = [GatewayHarness.testsDirectory]
        rest.schemaFiles = ["bookshop.proto"]
        let gateway = try Gateway(configuration: rest, local: InProcessTransport(services: [bookshop], interceptors: [recorder]))
        var configuration = GRPCServer.Configuration()
        configuration.runsHandlersOnEventLoops = onEventLoops
        EmbeddedREST.serve(gateway, on: &configuration)
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [bookshop], configuration: configuration, threads: 1)
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
        let bookshop = BookshopUpstream()
        var rest = GatewayConfiguration()
        rest.schemaIncludePaths = [GatewayHarness.testsDirectory]
        rest.schemaFiles = ["bookshop.proto"]
        let gateway = try Gateway(configuration: rest, local: InProcessTransport(services: [bookshop]))
        var configuration = GRPCServer.Configuration()
        EmbeddedREST.serve(gateway, on: &configuration)
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [bookshop], configuration: configuration, threads: 1)
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

    /// Shutdown drains an HTTP/1.1 connection as it drains HTTP/2 ones: the request in flight
    /// is answered, then the connection closes and the server stops.
    @Test func shutdownLetsAnHTTP1RequestInFlightFinish() async throws {
        let bookshop = BookshopUpstream()
        var rest = GatewayConfiguration()
        rest.schemaIncludePaths = [GatewayHarness.testsDirectory]
        rest.schemaFiles = ["bookshop.proto"]
        let gateway = try Gateway(configuration: rest, local: InProcessTransport(services: [bookshop]))
        var configuration = GRPCServer.Configuration()
        EmbeddedREST.serve(gateway, on: &configuration)
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [bookshop], configuration: configuration, threads: 1)
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

    /// A mesh service with a `rest` object serves those routes on its mutual-TLS port: curl
    /// with a client certificate, over ALPN `http/1.1` and `h2`.
    @Test func aMeshServiceServesItsConfiguredRESTRoutesOverMutualTLS() async throws {
        let pki = GatewayHarness.pki
        let configuration = try MeshConfiguration(json: Array("""
            {"service": "bookshop",
             "tls": {"ca": "\(pki)/ca.pem", "certificate": "\(pki)/bookshop.pem", "key": "\(pki)/bookshop.key"},
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
