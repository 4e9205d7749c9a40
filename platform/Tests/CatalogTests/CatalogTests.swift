import Catalog
import CatalogAPI
import Foundation
import PlatformEvents
import PlatformStorage
import PlatformTestSupport
import Testing
import WeftMessages
import WeftRPC
import WeftRPCHTTP2

/// The catalog over real sockets (gRPC over HTTP/2), on SQLite and PostgreSQL; calls carry the
/// roles the gateway forwards from a verified token.
@Suite struct CatalogTests {
    struct Running {
        let server: GRPCServer
        let channel: GRPCConnection
        let database: Database
        let client: CatalogService.Client

        static func start(_ backend: TestDatabases.Backend) async throws -> Running? {
            guard let url = try await TestDatabases.fresh(backend) else { return nil }
            let database = try await Database.open(url)
            let catalog = try await CatalogServer.start(database: database, pageTokenKey: Array("test key".utf8))
            let server = try await GRPCServer.start(port: 0, tls: nil, services: [catalog], threads: 1)
            let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
            return Running(server: server, channel: channel, database: database, client: CatalogService.client(transport: channel))
        }

        func stop() async throws {
            try await channel.close()
            try await server.shutdown()
            try await database.close()
        }
    }

    static let staff = CallOptions(metadata: Metadata(["x-jwt-sub": "users/s", "x-jwt-roles": "customer,staff"]))
    static let customer = CallOptions(metadata: Metadata(["x-jwt-sub": "users/c", "x-jwt-roles": "customer"]))

    static func eur(_ cents: Int64) -> Money { Money(currencyCode: "EUR", minorUnits: cents) }



    @Test(arguments: TestDatabases.Backend.allCases)
    func staffWriteAndEveryoneReadsWhatIsPublished(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        let client = running.client
        #expect(try await failureCode { try await client.createProduct(CreateProductRequest(product: Product(title: "x", price: Self.eur(1))), options: Self.customer) } == .permissionDenied)
        #expect(try await failureCode { try await client.createProduct(CreateProductRequest(product: Product(title: "x", price: Self.eur(1)))) } == .unauthenticated)

        let draft = try await client.createProduct(
            CreateProductRequest(product: Product(title: "Lamp", price: Self.eur(4900), variants: [Variant(sku: "LAMP-1", title: "Brass")])), options: Self.staff)
        #expect(draft.status == .draft && draft.name.hasPrefix("products/p-") && draft.createTime != nil)
        #expect(try await failureReason(CatalogError.self) { try await client.getProduct(GetProductRequest(name: draft.name)) } == .productNotFound)
        #expect(try await client.getProduct(GetProductRequest(name: draft.name), options: Self.staff) == draft)
        #expect(try await client.listProducts(ListProductsRequest()).products.isEmpty)

        var published = draft
        published.status = .published
        let updated = try await client.updateProduct(
            UpdateProductRequest(product: published, updateMask: Google_Protobuf_FieldMask(paths: ["status"])), options: Self.staff)
        #expect(updated.status == .published)
        #expect(try await client.getProduct(GetProductRequest(name: draft.name)).title == "Lamp")

        // Mistakes are typed, with the field named.
        do {
            _ = try await client.createProduct(
                CreateProductRequest(product: Product(title: "", price: Money(currencyCode: "eur", minorUnits: -1), variants: [Variant(sku: "LAMP-1")])),
                options: Self.staff)
            Issue.record("an invalid product was created")
        } catch let error as ServiceError<CatalogError> {
            #expect(error.fieldViolations.map(\.field) == ["product.title", "product.price.currency_code", "product.price.minor_units"])
        }
        #expect(try await failureReason(CatalogError.self) {
            try await client.createProduct(CreateProductRequest(product: Product(title: "Copy", price: Self.eur(1), variants: [Variant(sku: "LAMP-1")])), options: Self.staff)
        } == .skuTaken)
        #expect(try await failureReason(CatalogError.self) {
            try await client.updateProduct(UpdateProductRequest(product: published, updateMask: Google_Protobuf_FieldMask(paths: ["name"])), options: Self.staff)
        } == .invalidRequest)
        try await running.stop()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func listsFilterOrderAndPageWithTokensBoundToTheirQuery(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        let client = running.client
        let home = try await client.createCategory(CreateCategoryRequest(category: Category(displayName: "Home")), options: Self.staff)
        let lighting = try await client.createCategory(CreateCategoryRequest(category: Category(displayName: "Lighting", parent: home.name)), options: Self.staff)
        let garden = try await client.createCategory(CreateCategoryRequest(category: Category(displayName: "Garden")), options: Self.staff)
        #expect(try await failureReason(CatalogError.self) { try await client.createCategory(CreateCategoryRequest(category: Category(displayName: "X", parent: "categories/nope")), options: Self.staff) } == .categoryNotFound)
        for index in 0..<7 {
            _ = try await client.createProduct(CreateProductRequest(product: Product(
                title: "Lamp \(index)", description: index % 2 == 0 ? "a warm_light" : "cold", category: lighting.name, status: .published,
                price: Self.eur(Int64(1000 * (index + 1))))), options: Self.staff)
        }
        _ = try await client.createProduct(CreateProductRequest(product: Product(title: "Hose", category: garden.name, status: .published, price: Self.eur(1500))), options: Self.staff)
        #expect(try await client.listCategories(ListCategoriesRequest()).categories.map(\.displayName) == ["Garden", "Home", "Lighting"])

        // A parent category takes in its children; words match title or description.
        let inHome = try await client.listProducts(ListProductsRequest(category: home.name, orderBy: "price desc"))
        #expect(inHome.products.map(\.title) == (0..<7).reversed().map { "Lamp \($0)" })
        let warm = try await client.listProducts(ListProductsRequest(minPrice: 2000, maxPrice: 6000, query: "WARM_light", orderBy: "price"))
        #expect(warm.products.map(\.title) == ["Lamp 2", "Lamp 4"])
        #expect(try await client.listProducts(ListProductsRequest(query: "%")).products.isEmpty)

        // Pages of 3 walk everything once.
        var titles: [String] = []
        var request = ListProductsRequest(pageSize: 3, orderBy: "title")
        var pages = 0
        repeat {
            let page = try await client.listProducts(request)
            titles += page.products.map(\.title)
            request.pageToken = page.nextPageToken
            pages += 1
        } while !request.pageToken.isEmpty && pages < 10
        #expect(titles == ["Hose"] + (0..<7).map { "Lamp \($0)" } && pages == 3)

        let first = try await client.listProducts(ListProductsRequest(pageSize: 3, orderBy: "title"))
        #expect(try await failureReason(CatalogError.self) { try await client.listProducts(ListProductsRequest(pageSize: 3, pageToken: first.nextPageToken, orderBy: "price")) } == .invalidPageToken)
        #expect(try await failureReason(CatalogError.self) { try await client.listProducts(ListProductsRequest(pageSize: 3, pageToken: first.nextPageToken, orderBy: "title"), options: Self.staff) } == .invalidPageToken)
        #expect(try await failureReason(CatalogError.self) { try await client.listProducts(ListProductsRequest(pageSize: 3, pageToken: "x" + first.nextPageToken, orderBy: "title")) } == .invalidPageToken)
        // Another page size is the same query: the token still holds.
        #expect(try await client.listProducts(ListProductsRequest(pageSize: 5, pageToken: first.nextPageToken, orderBy: "title")).products.first?.title == "Lamp 2")
        #expect(try await failureReason(CatalogError.self) { try await client.listProducts(ListProductsRequest(orderBy: "colour")) } == .invalidRequest)
        try await running.stop()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func changesPublishTheirEventsInTheSameTransaction(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        let client = running.client
        let product = try await client.createProduct(CreateProductRequest(product: Product(
            title: "Chair", status: .published, price: Self.eur(9900), variants: [Variant(sku: "CH-R", price: Self.eur(9900)), Variant(sku: "CH-B")])), options: Self.staff)
        var changed = product
        changed.price = Self.eur(8900)
        changed.variants[0].price = Self.eur(8900)
        _ = try await client.updateProduct(UpdateProductRequest(product: changed, updateMask: Google_Protobuf_FieldMask(paths: ["price", "variants"])), options: Self.staff)
        let archived = try await client.deleteProduct(DeleteProductRequest(name: product.name), options: Self.staff)
        #expect(archived.status == .archived)
        #expect(try await failureReason(CatalogError.self) { try await client.updateProduct(UpdateProductRequest(product: changed, updateMask: Google_Protobuf_FieldMask(paths: ["title"])), options: Self.staff) } == .productArchived)
        // A failed change wrote nothing: no event either.
        let events = try await Outbox.events(after: 0, in: running.database)
        #expect(events.map(\.type) == [
            "weft.platform.catalog.v1.ProductCreated", "weft.platform.catalog.v1.ProductUpdated", "weft.platform.catalog.v1.PriceChanged",
            "weft.platform.catalog.v1.PriceChanged", "weft.platform.catalog.v1.ProductArchived",
        ])
        let prices = try events.compactMap { try $0.message(PriceChanged.self) }
        #expect(prices.map(\.sku) == ["", "CH-R"] && prices.allSatisfy { $0.newPrice == Self.eur(8900) && $0.oldPrice == Self.eur(9900) })
        #expect(try events.last?.message(ProductArchived.self) == ProductArchived(product: product.name, skus: ["CH-R", "CH-B"]))
        try await running.stop()
    }
}
