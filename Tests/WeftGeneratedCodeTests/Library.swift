import WeftMessages
import WeftRPC

/// A Shelves service for the stub and call tests.
struct Library: Shelves.Handler {
    func getBook(_ request: Named, context: ServerContext) async throws -> Named {
        guard request.displayName != "missing" else { throw Status(.notFound, "no such book") }
        context.addTrailingMetadata(Metadata(["x-served-by": "library"]))
        return Named(displayName: "found: " + request.displayName, priority: .high)
    }

    func watchBooks(_ requests: RequestStream<Named>, responses: ResponseWriter<Named>, context: ServerContext) async throws {
        for try await request in requests {
            try await responses.write(Named(displayName: request.displayName.uppercased()))
        }
    }
}
