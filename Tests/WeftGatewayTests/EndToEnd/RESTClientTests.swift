import Foundation
import Testing
import WeftBookshop
import WeftMessages
import WeftREST

/// The REST client `weft-codegen --rest-clients` generates for the bookshop, through a live
/// gateway: server streams, every unary route form (multi-segment variables, a body field, `*`, `**`, a
/// response field, a custom method, nested and repeated query parameters), errors decoded
/// into `RESTError`, and the token, idempotency key and timeout options reaching the service.
@Suite(.serialized) struct RESTClientTests {
    static func client(_ harness: GatewayHarness, defaults: RESTCallOptions = RESTCallOptions()) -> BookshopRESTClient {
        BookshopRESTClient(client: RESTClient(baseURL: URL(string: harness.base)!, defaults: defaults))
    }

    @Test func everyUnaryRouteForm() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let books = Self.client(harness)

        let fetched = try await books.getBook(GetBookRequest(name: "shelves/s 1/books/b%1"))
        #expect(fetched.name == "shelves/s 1/books/b%1")
        #expect(fetched.title == "Title of b%1")

        let query = ListBooksRequest(
            parent: "shelves/s1", pageSize: 5, tags: ["a", "b c&d"], binding: .hardcover,
            filter: BookFilter(minPages: 10, author: "Ann Ö"))
        let listed = try await books.listBooks(query)
        #expect(listed.query == query)

        let published = Google_Protobuf_Timestamp(seconds: 1_700_000_000, nanos: 120_000_000)
        let created = try await books.createBook(CreateBookRequest(
            parent: "shelves/s1", book: Book(title: "Dune", pages: 412, author: Author(displayName: "Frank"), published: published)))
        #expect(created.name == "shelves/s1/books/dune")
        #expect(created.published == published)
        #expect(created.pages == 412)

        // An unset body field arrives unset (the gateway is sent `null`, not nothing, which it would read as `{}`).
        let untitled = try await books.createBook(CreateBookRequest(parent: "shelves/s2"))
        #expect(untitled.name == "shelves/s2/books/")

        let updated = try await books.updateBook(UpdateBookRequest(book: Book(name: "shelves/s1/books/dune", title: "Dune Messiah")))
        #expect(updated.name == "shelves/s1/books/dune")
        #expect(updated.title == "Dune Messiah")

        let archived = try await books.archiveBook(ArchiveBookRequest(name: "shelves/s1/books/dune", reason: "old"))
        #expect(archived.title == "archived: old")
        #expect(try await books.getFile(FileRequest(path: "docs/a b/c.txt")).path == "docs/a b/c.txt")
        #expect(try await books.getTitle(GetBookRequest(name: "shelves/s1/books/x")).title == "The \"Title\" of shelves/s1/books/x")
        #expect(try await books.reindex(GetBookRequest(name: "shelves/s1/books/x")).title == "reindexed")
        _ = try await books.deleteBook(DeleteBookRequest(name: "shelves/s1/books/x"))
        #expect(harness.upstream.calls.withLock { $0 }.keys.sorted() == [
            "ArchiveBook", "CreateBook", "DeleteBook", "GetBook", "GetFile", "GetTitle", "ListBooks", "Reindex", "UpdateBook",
        ])
    }

    /// A server stream's answers arrive one by one; a status other than OK at its end is thrown.
    @Test func serverStreamsYieldTheirAnswers() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let books = Self.client(harness)
        var names: [String] = []
        for try await book in books.watchShelf(WatchShelfRequest(shelf: "shelves/s1", count: 3)) { names.append(book.name) }
        #expect(names == ["shelves/s1/books/0", "shelves/s1/books/1", "shelves/s1/books/2"])

        var before: [Int64] = []
        let ended = await #expect(throws: RESTError.self) {
            for try await book in books.watchShelf(WatchShelfRequest(shelf: "shelves/s1", count: 2, finalCode: 8)) { before.append(book.pages) }
        }
        #expect(before == [0, 1])
        #expect(ended?.code == 8)
        #expect(ended?.message == "the shelf fell over")
        let gone = await #expect(throws: ServiceError<BookshopError>.self) {
            for try await _ in books.watchShelf(WatchShelfRequest(shelf: "shelves/s1", count: 1, finalCode: 5)) {}
        }
        #expect(gone?.reason == .bookNotFound)
        #expect(gone?.metadata == ["shelf": "shelves/s1"])
        // A request that does not fit the route fails the stream before anything is sent.
        await #expect(throws: RESTRequestError.self) {
            for try await _ in books.watchShelf(WatchShelfRequest(shelf: "books/b")) {}
        }
    }

    @Test func errorsAreDecoded() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { try? await harness.stop() } }
        let books = Self.client(harness)
        // A reason the schema declares is thrown as its typed error.
        let missing = await #expect(throws: ServiceError<BookshopError>.self) {
            try await books.getBook(GetBookRequest(name: "shelves/s1/books/missing"))
        }
        #expect(missing?.reason == .bookNotFound)
        #expect(missing?.message == "no book shelves/s1/books/missing — désolé")
        #expect(missing?.metadata == ["book": "shelves/s1/books/missing"])
        let refused = await #expect(throws: RESTError.self) { try await books.trouble(TroubleRequest(code: 9, message: "not now")) }
        #expect(refused?.httpStatus == 400)
        #expect(refused?.code == 9)
        #expect(refused?.details.isEmpty == true)
        // Details reach the REST client as proto3 JSON with their "@type".
        let detailed = await #expect(throws: RESTError.self) { try await books.trouble(TroubleRequest(code: 9, message: "details please")) }
        #expect(detailed?.details == [.object([
            ("@type", .string("type.googleapis.com/google.rpc.ErrorInfo")), ("reason", .string("TROUBLE_ASKED")),
            ("domain", .string("bookshop.weft.dev")), ("metadata", .object([("code", .string("9"))])),
        ])])
        // A request that does not fit its route is refused before anything is sent.
        await #expect(throws: RESTRequestError.self) { try await books.getBook(GetBookRequest(name: "books/b1")) }
        await #expect(throws: RESTRequestError.self) { try await books.getBook(GetBookRequest()) }
        #expect(harness.upstream.calls.withLock { $0["GetBook"] } == 1)
    }

    @Test func optionsReachTheService() async throws {
        let harness = try await GatewayHarness.start {
            $0.forwardedRequestHeaders = ["x-tenant"]
            $0.routes["weft.gatewaytest.v1.Bookshop.Trouble"] = .init(timeout: .seconds(600))
        }
        defer { Task { try? await harness.stop() } }
        let books = Self.client(harness, defaults: RESTCallOptions(bearerToken: "t0", headers: [("X-Tenant", "acme")]))
        let seen = try await books.trouble(
            TroubleRequest(), options: RESTCallOptions(bearerToken: "t1", idempotencyKey: "k-42", timeout: .seconds(30))).metadata
        #expect(seen.contains("authorization=Bearer t1"))
        #expect(seen.contains("idempotency-key=k-42"))
        #expect(seen.contains("x-tenant=acme"))
        // The timeout went upstream as the call's deadline (the route's default is longer).
        let left = seen.first { $0.hasPrefix("deadline-ms=") }.flatMap { Int($0.dropFirst("deadline-ms=".count)) }
        #expect(left.map((1...30_000).contains) == true, "\(seen)")
    }
}
