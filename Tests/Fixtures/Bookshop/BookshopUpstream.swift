import Synchronization
import WeftMesh
import WeftMessages
import WeftRPC
import WeftTestSupport

/// The upstream the gateway's tests put behind it (in-process, and as the `weft-bookshop`
/// process for generated clients): each rpc answers with what it was asked, so a test sees
/// exactly how the gateway mapped its HTTP request.
public final class BookshopUpstream: Bookshop.Handler {
    /// Calls that reached the upstream, per rpc name.
    public let calls = Mutex([String: Int]())
    /// Holds Trouble calls whose message is "hold" (once counted) until a test opens it.
    public let held = Gate()

    public init() {}

    /// The ErrorInfo a Trouble call asked for details answers with.
    public static func troubleInfo(_ code: Int32) -> Google_Rpc_ErrorInfo {
        Google_Rpc_ErrorInfo(reason: "TROUBLE_ASKED", domain: "bookshop.weft.dev", metadata: [ProtoString("code"): String(code)])
    }

    private func count(_ rpc: String) {
        calls.withLock { $0[rpc, default: 0] += 1 }
    }

    public func getBook(_ request: GetBookRequest, context: ServerContext) async throws -> Book {
        count("GetBook")
        guard !request.name.hasSuffix("/missing") else {
            throw ServiceError(BookshopError.bookNotFound, "no book \(request.name) — désolé", metadata: ["book": request.name])
        }
        return Book(name: request.name, title: "Title of \(request.name.split(separator: "/").last ?? "")")
    }

    public func listBooks(_ request: ListBooksRequest, context: ServerContext) async throws -> ListBooksResponse {
        count("ListBooks")
        return ListBooksResponse(books: [Book(name: request.parent + "/books/one")], query: request)
    }

    public func createBook(_ request: CreateBookRequest, context: ServerContext) async throws -> Book {
        count("CreateBook")
        var book = request.book ?? Book()
        book.name = request.parent + "/books/" + book.title.lowercased()
        context.addInitialMetadata(Metadata(["x-book-etag": "v1", "x-internal": "secret"]))
        return book
    }

    public func updateBook(_ request: UpdateBookRequest, context: ServerContext) async throws -> Book {
        count("UpdateBook")
        return request.book ?? Book()
    }

    public func deleteBook(_ request: DeleteBookRequest, context: ServerContext) async throws -> Deleted {
        count("DeleteBook")
        return Deleted()
    }

    public func archiveBook(_ request: ArchiveBookRequest, context: ServerContext) async throws -> Book {
        count("ArchiveBook")
        return Book(name: request.name, title: "archived: \(request.reason)")
    }

    public func getFile(_ request: FileRequest, context: ServerContext) async throws -> FileRequest {
        count("GetFile")
        return request
    }

    public func getTitle(_ request: GetBookRequest, context: ServerContext) async throws -> Book {
        count("GetTitle")
        return Book(name: request.name, title: "The \"Title\" of \(request.name)")
    }

    public func reindex(_ request: GetBookRequest, context: ServerContext) async throws -> Book {
        count("Reindex")
        return Book(name: request.name, title: "reindexed")
    }

    public func watchShelf(_ request: WatchShelfRequest, responses: ResponseWriter<Book>, context: ServerContext) async throws {
        count("WatchShelf")
        for index in 0..<request.count {
            try await responses.write(Book(name: "\(request.shelf)/books/\(index)", pages: Int64(index)))
        }
        // NOT_FOUND ends the stream with the schema's typed error, other codes with a plain status.
        if request.finalCode == 5 { throw ServiceError(BookshopError.bookNotFound, "the shelf is gone", metadata: ["shelf": request.shelf]) }
        if request.finalCode != 0 { throw Status(Status.Code(rawValue: Int(request.finalCode)), "the shelf fell over") }
    }

    public func shelveBooks(_ requests: RequestStream<CreateBookRequest>, context: ServerContext) async throws -> ListBooksResponse {
        count("ShelveBooks")
        var shelved = ListBooksResponse()
        for try await request in requests {
            var book = request.book ?? Book()
            book.name = request.parent + "/books/" + book.title.lowercased()
            shelved.books.append(book)
        }
        return shelved
    }

    public func echoBooks(_ requests: RequestStream<Book>, responses: ResponseWriter<Book>, context: ServerContext) async throws {
        count("EchoBooks")
        for try await book in requests {
            var echoed = book
            echoed.title = book.title.uppercased()
            try await responses.write(echoed)
        }
    }

    public func trouble(_ request: TroubleRequest, context: ServerContext) async throws -> TroubleResponse {
        count("Trouble")
        if request.message == "hold" {
            while !held.isOpen { try await Task.sleep(for: .milliseconds(10)) }  // cancellation ends the wait
        }
        if request.delayMs > 0 { try await Task.sleep(for: .milliseconds(Int(request.delayMs))) }
        if request.dependencyPort != 0 {
            let dependency = MeshChannel(endpoints: [Endpoint(host: "127.0.0.1", port: Int(request.dependencyPort))], tls: nil)
            defer { Task { await dependency.close() } }
            _ = try await Bookshop.Client(transport: dependency).trouble(TroubleRequest())
        }
        if request.code != 0 {
            // A message starting "details" asks for an ErrorInfo detail too.
            let details = request.message.hasPrefix("details") ? [Google_Protobuf_Any(packing: Self.troubleInfo(request.code))] : []
            throw Status(Status.Code(rawValue: Int(request.code)), request.message, details: details)
        }
        var seen: [String] = []
        for (key, value) in context.requestMetadata {
            if case .text(let text) = value { seen.append("\(key)=\(text)") }
        }
        // What is left of the call's deadline, in whole milliseconds.
        if let deadline = context.deadline {
            let (seconds, attoseconds) = (deadline - .now).components
            seen.append("deadline-ms=\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)")
        }
        return TroubleResponse(message: request.message, metadata: seen)
    }
}
