import Testing
import WeftBookshop
import WeftGateway
import WeftRPC
import WeftRPCHTTP2
import WeftTestSupport

/// The gateway embedded in a service's own gRPC server: REST routes and gRPC on one port, the
/// REST calls made in-process. curl over HTTP/2 with prior knowledge, a gRPC client beside it.
@Suite struct EmbeddedRESTTests {
    @Test func oneServerAnswersItsRESTRoutesAndGRPC() async throws {
        let bookshop = BookshopUpstream()
        var rest = GatewayConfiguration()
        rest.schemaIncludePaths = [GatewayHarness.testsDirectory]
        rest.schemaFiles = ["bookshop.proto"]
        let gateway = try Gateway(configuration: rest, local: InProcessTransport(services: [bookshop]))
        var configuration = GRPCServer.Configuration()
        configuration.otherRequests = EmbeddedREST.requests(answeredBy: gateway)
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [bookshop], configuration: configuration, threads: 1)
        let base = "http://127.0.0.1:\(server.port)"

        let book = try await curl("GET", "\(base)/v1/shelves/s1/books/b1", version: .http2)
        #expect(book.status == 200)
        #expect(book.headers["content-type"] == "application/json")
        #expect(book.object["name"] as? String == "shelves/s1/books/b1")
        #expect(book.object["title"] as? String == "Title of b1")
        // The same errors as the standalone gateway: a typed error's details in the JSON body.
        let missing = try await curl("GET", "\(base)/v1/shelves/s1/books/missing", version: .http2)
        #expect(missing.status == 404)
        #expect(missing.object["code"] as? Int == 5)
        // A body transcoded to the request message.
        let created = try await curl("POST", "\(base)/v1/shelves/s1/books", version: .http2, body: #"{"title": "Dune"}"#)
        #expect(created.status == 200, "\(created.body)")
        // The OpenAPI document of the routes.
        let openAPI = try await curl("GET", "\(base)/openapi.json", version: .http2)
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
}
