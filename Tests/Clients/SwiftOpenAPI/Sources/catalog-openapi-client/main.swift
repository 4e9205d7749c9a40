// A client that swift-openapi-generator made from the gateway's /openapi.json, run against a
// live Weft gateway: create, list, get, get a missing product, delete; a book with a timestamp.
//
//   catalog-openapi-client http://127.0.0.1:PORT
//
// Prints a `PASS ...` line per step; on any failure prints `FAIL ...` to stderr and exits 1.
import Foundation
import OpenAPIRuntime
import OpenAPIURLSession
#if canImport(FoundationNetworking)
import FoundationNetworking  // URLSession on Linux
#endif

// The generated names of the document's component schemas, in one place. (When the gateway
// named schemas by their protobuf full names, e.g. `weft.platform.catalog.v1.Product`, the
// generator spelled each dot `_period_`:
// Components.Schemas.weft_period_platform_period_catalog_period_v1_period_Product.)
typealias Product = Components.Schemas.Product
typealias ListProductsResponse = Components.Schemas.ListProductsResponse
typealias Status = Components.Schemas.Status

/// gRPC's NOT_FOUND.
let notFoundCode: Int32 = 5

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("FAIL \(message)\n".utf8))
    exit(1)
}

guard CommandLine.arguments.count >= 2, let serverURL = URL(string: CommandLine.arguments[1]),
    serverURL.scheme != nil
else {
    fail("usage: catalog-openapi-client <gateway base URL, e.g. http://127.0.0.1:8080>")
}

let catalog = Client(
    serverURL: serverURL,
    // The gateway writes timestamps (createTime) in RFC 3339 with at least 3 fraction digits,
    // e.g. "2025-01-02T03:04:05.678Z". The runtime's default `.iso8601` transcoder (an
    // ISO8601DateFormatter without .withFractionalSeconds) rejects any fraction, so every Product
    // carrying a createTime would fail to decode. This one reads any number of fraction digits
    // (keeping milliseconds) but rejects a timestamp with none, which the gateway never writes.
    configuration: .init(dateTranscoder: .iso8601WithFractionalSeconds),
    transport: URLSessionTransport()
)

/// The gateway names a product "products/{product}"; the routes take the one segment after it.
func productID(_ name: String) -> String {
    let prefix = "products/"
    guard name.hasPrefix(prefix), name.count > prefix.count,
        !name.dropFirst(prefix.count).contains("/")
    else { fail("product name \(name.debugDescription) is not products/{product}") }
    return String(name.dropFirst(prefix.count))
}

func describe(_ status: Status) -> String {
    "code \(status.code.map(String.init) ?? "nil"), message \(status.message.debugDescription)"
}

do {
    // Create.
    let title = "Swift OpenAPI client"
    let created: Product
    switch try await catalog.CatalogService_CreateProduct(body: .json(Product(title: title))) {
    case let .ok(ok): created = try ok.body.json
    case let .`default`(statusCode, error):
        fail("create answered \(statusCode): \(describe(try error.body.json))")
    }
    guard let name = created.name else { fail("the created product has no name: \(created)") }
    guard created.title == title else {
        fail("the created product's title is \(created.title.debugDescription), not \(title.debugDescription)")
    }
    let id = productID(name)
    print("PASS create: \(name)")

    // List, 10 a page, until the created product turns up (or the pages run out).
    var pageToken: String? = nil
    var seen = 0
    var found = false
    for _ in 0..<1000 {
        let page: ListProductsResponse
        switch try await catalog.CatalogService_ListProducts(query: .init(pageSize: 10, pageToken: pageToken)) {
        case let .ok(ok): page = try ok.body.json
        case let .`default`(statusCode, error):
            fail("list answered \(statusCode): \(describe(try error.body.json))")
        }
        let products = page.products ?? []
        guard products.count <= 10 else { fail("list returned \(products.count) products for pageSize 10") }
        seen += products.count
        if let listed = products.first(where: { $0.name == name }) {
            guard listed == created else { fail("list shows \(listed), create returned \(created)") }
            found = true
            break
        }
        guard let next = page.nextPageToken, !next.isEmpty else { break }
        pageToken = next
    }
    guard found else { fail("list (pageSize 10) did not show \(name) among \(seen) products") }
    print("PASS list: \(name) among \(seen) listed")

    // Get by its one-segment id.
    switch try await catalog.CatalogService_GetProduct(path: .init(product: id)) {
    case let .ok(ok):
        let fetched = try ok.body.json
        guard fetched == created else { fail("get \(id) returned \(fetched), create returned \(created)") }
    case let .`default`(statusCode, error):
        fail("get \(id) answered \(statusCode): \(describe(try error.body.json))")
    }
    print("PASS get: \(id)")

    // Get a missing product: the `default` response (every route documents one, so the generated
    // Output has no `undocumented` case: any status but 200 lands there), its JSON body a Status
    // with NOT_FOUND.
    let missing = "missing-\(UUID().uuidString.lowercased())"
    switch try await catalog.CatalogService_GetProduct(path: .init(product: missing)) {
    case let .ok(ok): fail("get \(missing) answered 200 with \(ok.body)")
    case let .`default`(statusCode, error):
        let status: Status
        do { status = try error.body.json } catch { fail("get \(missing): the \(statusCode) body is not JSON Status: \(error)") }
        guard status.code == notFoundCode else {
            fail("get \(missing) answered \(statusCode) with \(describe(status)), not code \(notFoundCode) (NOT_FOUND)")
        }
        print("PASS get missing: \(statusCode) default response, Status code \(notFoundCode) (\(status.message ?? ""))")
    }

    // Delete.
    switch try await catalog.CatalogService_DeleteProduct(path: .init(product: id)) {
    case let .ok(ok): _ = try ok.body.json
    case let .`default`(statusCode, error):
        fail("delete \(id) answered \(statusCode): \(describe(try error.body.json))")
    }
    print("PASS delete: \(id)")

    // A bookshop book with a timestamp: the gateway writes it with a fraction, which the
    // fractional-seconds transcoder reads back to the same instant.
    let published = Date(timeIntervalSince1970: -138_367_800)  // 1965-08-01T12:30:00Z
    switch try await catalog.Bookshop_CreateBook(
        path: .init(shelf: "s1"), body: .json(Components.Schemas.Book(title: "Dune", pages: "412", published: published))
    ) {
    case let .ok(ok):
        let book = try ok.body.json
        guard book.name == "shelves/s1/books/dune", book.published == published, book.pages == "412" else {
            fail("create book returned \(book)")
        }
    case let .`default`(statusCode, error):
        fail("create book answered \(statusCode): \(describe(try error.body.json))")
    }
    print("PASS create book: its timestamp read back")
} catch {
    // A transport error, or a body the generated types would not decode.
    fail("\(error)")
}
