import WeftMessages
import WeftRPC

/// A Shelves service for the stub and call tests.
struct Library: Shelves.Handler {
    /// What `getBook` throws for "lost": a typed error of the schema.
    static let lost = ServiceError(
        ShelfError.bookLost, "the book is lost", metadata: ["shelf": "s1"],
        fieldViolations: [.init(field: "display_name", description: "names a lost book")])

    /// What `getBook` throws for "nameless": a status with details.
    static let unnamed = Status(.invalidArgument, "a book needs a name", details: [
        Google_Protobuf_Any(packing: Google_Rpc_BadRequest(fieldViolations: [.init(field: "display_name", description: "empty", reason: "EMPTY")])),
        Google_Protobuf_Any(packing: Google_Rpc_ErrorInfo(reason: "UNNAMED", domain: "library.weft.dev")),
    ])

    func getBook(_ request: Named, context: ServerContext) async throws -> Named {
        guard request.displayName != "missing" else { throw Status(.notFound, "no such book") }
        guard request.displayName != "nameless" else { throw Library.unnamed }
        guard request.displayName != "lost" else { throw Library.lost }
        context.addTrailingMetadata(Metadata(["x-served-by": "library"]))
        return Named(displayName: "found: " + request.displayName, priority: .high)
    }

    func watchBooks(_ requests: RequestStream<Named>, responses: ResponseWriter<Named>, context: ServerContext) async throws {
        for try await request in requests {
            try await responses.write(Named(displayName: request.displayName.uppercased()))
        }
    }
}

extension Shelves.Client {
    /// Sends `names` through `watchBooks` (a bidirectional stream) and collects what comes back:
    /// from `Library`, each name in capitals.
    func echo(_ names: [String]) async throws -> [String] {
        try await watchBooks { writer in
            for name in names { try await writer.write(Named(displayName: name)) }
        } onResponse: { responses in
            try await responses.reduce(into: [String]()) { $0.append($1.displayName) }
        }
    }
}
