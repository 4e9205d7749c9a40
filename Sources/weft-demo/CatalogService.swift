import Synchronization
import WeftMessages
import WeftRPC

/// A small in-memory CatalogService, to show a handler written against the generated protocol.
final class InMemoryCatalog: CatalogService.Handler {
    private let products = Mutex<[String: Product]>([:])

    func getProduct(_ request: GetProductRequest, context: ServerContext) async throws -> Product {
        guard let product = products.withLock({ $0[request.name] }) else { throw Self.notFound(request.name) }
        return product
    }

    /// The page size when a request gives none, and the largest one served.
    static let (defaultPageSize, maximumPageSize) = (50, 1000)

    func listProducts(_ request: ListProductsRequest, context: ServerContext) async throws -> ListProductsResponse {
        guard request.pageSize >= 0 else {
            throw Self.invalid("page_size", "must not be negative (got \(request.pageSize))", reason: "NEGATIVE")
        }
        let pageSize = request.pageSize == 0 ? Self.defaultPageSize : min(Int(request.pageSize), Self.maximumPageSize)
        let all = products.withLock { $0.values.sorted { $0.name < $1.name } }
        let matching = all.filter { product in request.status.map { $0 == product.status } ?? true }
        return ListProductsResponse(products: Array(matching.prefix(pageSize)))
    }

    func createProduct(_ request: CreateProductRequest, context: ServerContext) async throws -> Product {
        guard var product = request.product, !product.title.isEmpty else {
            throw Self.invalid("product.title", "a product needs a title", reason: "EMPTY")
        }
        let words = product.title.lowercased().split { !$0.isLetter && !$0.isNumber }
        guard !words.isEmpty else { throw Self.invalid("product.title", "needs a letter or a digit", reason: "NO_WORDS") }
        product.name = "products/" + words.joined(separator: "-")
        // The caller's SPIFFE ID, from its client certificate, goes back as trailing metadata.
        context.addTrailingMetadata(Metadata(["x-created-by": context.peerIdentity ?? "anonymous"]))
        products.withLock { $0[product.name] = product }
        return product
    }

    func deleteProduct(_ request: DeleteProductRequest, context: ServerContext) async throws -> Google_Protobuf_Empty {
        guard products.withLock({ $0.removeValue(forKey: request.name) }) != nil else { throw Self.notFound(request.name) }
        return Google_Protobuf_Empty()
    }

    /// The schema's typed errors (CatalogError): sent as google.rpc.Status with ErrorInfo, and
    /// BadRequest field violations for an invalid request.
    static func notFound(_ name: String) -> ServiceError<CatalogError> {
        ServiceError(.productNotFound, "no product \(name)", metadata: ["product": name])
    }

    static func invalid(_ field: String, _ description: String, reason: String) -> ServiceError<CatalogError> {
        ServiceError(.invalidRequest, "\(field): \(description)",
                     fieldViolations: [.init(field: field, description: description, reason: reason)])
    }

    func watchProducts(
        _ request: ListProductsRequest, responses: ResponseWriter<Product>, context: ServerContext
    ) async throws {
        for product in try await listProducts(request, context: context).products { try await responses.write(product) }
    }
}
