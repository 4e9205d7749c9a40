import CatalogAPI
import Foundation
import PlatformCrypto
import PlatformEvents
import PlatformStorage
import SQLKit
import WeftMessages
import WeftRPC

/// The catalog service: categories, products and their variants; staff write, everyone reads
/// what is published.
public final class CatalogServer: CatalogService.Handler {
    /// The topic the catalog's events are published on.
    public static let productsTopic = "catalog.products"
    /// The fields `UpdateProduct` may change.
    static let updatableFields: Set<String> = ["title", "description", "category", "status", "price", "variants", "attributes"]

    private let database: Database
    private let pageTokens: PageTokens
    private let now: @Sendable () -> Date

    /// Brings the database to this version's schema. `pageTokenKey` signs page tokens (the
    /// same on every instance, or tokens from one are refused by another).
    public static func start(database: Database, pageTokenKey: [UInt8], now: @escaping @Sendable () -> Date = Date.init) async throws -> CatalogServer {
        try await database.migrate(CatalogMigrations.all, service: "catalog")
        return CatalogServer(database: database, pageTokens: PageTokens(key: pageTokenKey), now: now)
    }

    private init(database: Database, pageTokens: PageTokens, now: @escaping @Sendable () -> Date) {
        self.database = database
        self.pageTokens = pageTokens
        self.now = now
    }

    // MARK: Categories

    public func createCategory(_ request: CreateCategoryRequest, context: ServerContext) async throws -> Category {
        try context.requireRole("staff", "admin")
        var category = request.category ?? Category()
        guard !category.displayName.isEmpty, category.displayName.count <= 100 else {
            throw ServiceError(CatalogError.invalidRequest, field: "category.display_name", "must have 1 to 100 characters", violationReason: "LENGTH")
        }
        let id = "c-" + (try SecureRandom.token(bytes: 9))
        category.name = "categories/" + id
        let parent = category.parent
        try await database.transaction { [category] db in
            if !parent.isEmpty, try await Self.categoryExists(parent, in: db) == false {
                throw ServiceError(CatalogError.categoryNotFound, "no category \(parent)", metadata: ["category": parent])
            }
            try await db.insert(into: "categories").columns("id", "display_name", "parent_id")
                .values(SQLBind(id), SQLBind(category.displayName), SQLBind(parent.isEmpty ? nil : String(parent.dropFirst(11))))
                .run()
        }
        return category
    }

    public func listCategories(_ request: ListCategoriesRequest, context: ServerContext) async throws -> ListCategoriesResponse {
        let categories = try await database.withSession { db in try await Self.categories(in: db) }
        return ListCategoriesResponse(categories: categories.map { id, name, parent in
            Category(name: "categories/" + id, displayName: name, parent: parent.map { "categories/" + $0 } ?? "")
        })
    }

    // MARK: Products

    public func createProduct(_ request: CreateProductRequest, context: ServerContext) async throws -> Product {
        try context.requireRole("staff", "admin")
        var product = request.product ?? Product()
        if product.status == .unspecified { product.status = .draft }
        try Self.validate(product, creating: true)
        let id = "p-" + (try SecureRandom.token(bytes: 9))
        let at = now()
        product.name = "products/" + id
        product.createTime = Google_Protobuf_Timestamp(milliseconds: at.milliseconds)
        product.updateTime = product.createTime
        try await database.transaction { [product] db in
            if !product.category.isEmpty, try await Self.categoryExists(product.category, in: db) == false {
                throw ServiceError(CatalogError.categoryNotFound, "no category \(product.category)", metadata: ["category": product.category])
            }
            if let taken = try await ProductRecord.claim(skus: product.variants.map(\.sku), for: id, in: db) {
                throw ServiceError(CatalogError.skuTaken, "another product has the SKU \(taken)", metadata: ["sku": taken])
            }
            try await ProductRecord.insert(product, id: id, createdMs: at.milliseconds, in: db)
            try await Outbox.append(ProductCreated(product: product), topic: Self.productsTopic, in: db)
        }
        return product
    }

    public func getProduct(_ request: GetProductRequest, context: ServerContext) async throws -> Product {
        let product = try await database.withSession { db in try await self.product(named: request.name, in: db) }
        guard product.status == .published || Self.isStaff(context) else { throw Self.notFound(request.name) }
        return product
    }

    public func updateProduct(_ request: UpdateProductRequest, context: ServerContext) async throws -> Product {
        try context.requireRole("staff", "admin")
        guard let changes = request.product else { throw ServiceError(CatalogError.invalidRequest, field: "product", "is required", violationReason: "REQUIRED") }
        let paths = request.updateMask?.paths ?? []
        guard !paths.isEmpty else { throw ServiceError(CatalogError.invalidRequest, field: "update_mask", "must name the fields to change", violationReason: "REQUIRED") }
        if let unknown = paths.first(where: { !Self.updatableFields.contains($0) }) {
            throw ServiceError(CatalogError.invalidRequest, field: "update_mask", "\(unknown) cannot be changed; the fields that can: \(Self.updatableFields.sorted().joined(separator: ", "))", violationReason: "FIELD")
        }
        let at = now()
        return try await database.transaction { db in
            let old = try await self.product(named: changes.name, in: db)
            guard old.status != .archived else {
                throw ServiceError(CatalogError.productArchived, "\(changes.name) is archived", metadata: ["product": changes.name])
            }
            var product = old
            for path in paths {
                switch path {
                case "title": product.title = changes.title
                case "description": product.description = changes.description
                case "category": product.category = changes.category
                case "status": product.status = changes.status
                case "price": product.price = changes.price
                case "variants": product.variants = changes.variants
                default: product.attributes = changes.attributes
                }
            }
            try Self.validate(product, creating: false)
            product.updateTime = Google_Protobuf_Timestamp(milliseconds: at.milliseconds)
            let id = String(product.name.dropFirst("products/".count))
            if paths.contains("category"), !product.category.isEmpty, try await Self.categoryExists(product.category, in: db) == false {
                throw ServiceError(CatalogError.categoryNotFound, "no category \(product.category)", metadata: ["category": product.category])
            }
            if paths.contains("variants"), let taken = try await ProductRecord.claim(skus: product.variants.map(\.sku), for: id, in: db) {
                throw ServiceError(CatalogError.skuTaken, "another product has the SKU \(taken)", metadata: ["sku": taken])
            }
            try await ProductRecord.update(product, id: id, in: db)
            try await Outbox.append(ProductUpdated(product: product, updateMask: request.updateMask), topic: Self.productsTopic, in: db)
            for change in Self.priceChanges(from: old, to: product) {
                try await Outbox.append(change, topic: Self.productsTopic, in: db)
            }
            if product.status == .archived {
                try await Outbox.append(ProductArchived(product: product.name, skus: product.variants.map(\.sku)), topic: Self.productsTopic, in: db)
            }
            return product
        }
    }

    public func deleteProduct(_ request: DeleteProductRequest, context: ServerContext) async throws -> Product {
        try context.requireRole("staff", "admin")
        let at = now()
        return try await database.transaction { db in
            var product = try await self.product(named: request.name, in: db)
            guard product.status != .archived else { return product }
            product.status = .archived
            product.updateTime = Google_Protobuf_Timestamp(milliseconds: at.milliseconds)
            try await ProductRecord.update(product, id: String(product.name.dropFirst("products/".count)), in: db)
            try await Outbox.append(ProductArchived(product: product.name, skus: product.variants.map(\.sku)), topic: Self.productsTopic, in: db)
            return product
        }
    }

    public func listProducts(_ request: ListProductsRequest, context: ServerContext) async throws -> ListProductsResponse {
        guard (0...100).contains(request.pageSize) else { throw ServiceError(CatalogError.invalidRequest, field: "page_size", "must be between 0 and 100", violationReason: "RANGE") }
        guard request.minPrice >= 0, request.maxPrice >= 0 else { throw ServiceError(CatalogError.invalidRequest, field: "min_price", "price bounds must not be negative", violationReason: "RANGE") }
        guard let order = ProductOrder(request.orderBy) else {
            throw ServiceError(CatalogError.invalidRequest, field: "order_by", "must be one of \(ProductOrder.choices.joined(separator: ", "))", violationReason: "ORDER")
        }
        let staff = Self.isStaff(context)
        // Everything but the page decides the query; a token is good for that query only (and
        // for the same visibility, so a customer cannot replay a staff member's token).
        var fingerprint = request
        fingerprint.pageSize = 0
        fingerprint.pageToken = ""
        let query = "\(staff)|" + Base64URL.encode(fingerprint.serializedBytes())
        var decoded = 0
        if !request.pageToken.isEmpty {
            guard let given = pageTokens.offset(request.pageToken, query: query) else {
                throw ServiceError(CatalogError.invalidPageToken, "the page token does not belong to this query; start again without it")
            }
            decoded = given
        }
        let offset = decoded
        let pageSize = request.pageSize == 0 ? 20 : Int(request.pageSize)
        let products = try await database.withSession { db -> [Product] in
            var select = db.select().column("payload").from("products")
            if staff {
                if request.status != .unspecified { select = select.where("status", .equal, SQLBind(Int(request.status.rawValue))) }
            } else {
                guard request.status == .unspecified || request.status == .published else { return [] }
                select = select.where("status", .equal, SQLBind(Int(ProductStatus.published.rawValue)))
            }
            if !request.category.isEmpty {
                let ids = try await Self.categoryWithDescendants(request.category, in: db)
                guard !ids.isEmpty else { throw ServiceError(CatalogError.categoryNotFound, "no category \(request.category)", metadata: ["category": request.category]) }
                select = select.where("category_id", .in, SQLBind.group(ids))
            }
            if request.minPrice > 0 { select = select.where("price_minor", .greaterThanOrEqual, SQLBind(request.minPrice)) }
            if request.maxPrice > 0 { select = select.where("price_minor", .lessThanOrEqual, SQLBind(request.maxPrice)) }
            for word in request.query.lowercased().split(whereSeparator: \.isWhitespace) {
                let pattern = "%" + Self.likeEscaped(String(word)) + "%"
                select = select.where(SQLQueryString("search_text LIKE \(bind: pattern) ESCAPE '\\'"))
            }
            select = order.apply(to: select).orderBy("id").limit(pageSize + 1).offset(offset)
            return try await select.all().map { try Product(serializedBytes: [UInt8](try $0.decode(column: "payload", as: Data.self))) }
        }
        var response = ListProductsResponse(products: Array(products.prefix(pageSize)))
        if products.count > pageSize { response.nextPageToken = pageTokens.token(offset: offset + pageSize, query: query) }
        return response
    }

    // MARK: Helpers

    private func product(named name: String, in db: any SQLDatabase) async throws -> Product {
        guard name.hasPrefix("products/"), let product = try await ProductRecord.find(id: String(name.dropFirst(9)), in: db) else {
            throw Self.notFound(name)
        }
        return product
    }

    static func isStaff(_ context: ServerContext) -> Bool {
        !context.callerRoles.isDisjoint(with: ["staff", "admin"])
    }

    static func validate(_ product: Product, creating: Bool) throws {
        var violations: [Google_Rpc_BadRequest.FieldViolation] = []
        func violation(_ field: String, _ description: String, _ reason: String) {
            violations.append(.init(field: field, description: description, reason: reason))
        }
        if product.title.isEmpty || product.title.count > 200 { violation("product.title", "must have 1 to 200 characters", "LENGTH") }
        if product.description.count > 10_000 { violation("product.description", "must have at most 10000 characters", "LENGTH") }
        if let price = product.price { checkPrice(price, "product.price", violation) } else { violation("product.price", "is required", "REQUIRED") }
        if creating, product.status == .archived { violation("product.status", "a new product cannot be archived", "STATUS") }
        var seen: Set<String> = []
        for (index, variant) in product.variants.enumerated() {
            let field = "product.variants[\(index)]"
            if variant.sku.isEmpty || variant.sku.count > 64 || variant.sku.contains(where: { $0.isWhitespace || $0 == "/" }) {
                violation(field + ".sku", "must have 1 to 64 characters, without spaces or slashes", "SKU")
            } else if !seen.insert(variant.sku).inserted {
                violation(field + ".sku", "repeats \(variant.sku)", "DUPLICATE")
            }
            if let price = variant.price { checkPrice(price, field + ".price", violation) }
        }
        guard violations.isEmpty else {
            throw ServiceError(CatalogError.invalidRequest, fieldViolations: violations)
        }
    }

    private static func checkPrice(_ price: Money, _ field: String, _ violation: (String, String, String) -> Void) {
        if price.currencyCode.count != 3 || !price.currencyCode.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            violation(field + ".currency_code", "must be an ISO 4217 code such as EUR", "CURRENCY")
        }
        if price.minorUnits < 0 { violation(field + ".minor_units", "must not be negative", "NEGATIVE") }
    }

    static func priceChanges(from old: Product, to new: Product) -> [PriceChanged] {
        var changes: [PriceChanged] = []
        if old.price != new.price { changes.append(PriceChanged(product: new.name, sku: "", oldPrice: old.price, newPrice: new.price)) }
        let oldPrices = Dictionary(old.variants.map { ($0.sku, $0.price) }, uniquingKeysWith: { first, _ in first })
        for variant in new.variants where oldPrices[variant.sku].map({ $0 != variant.price }) ?? false {
            changes.append(PriceChanged(product: new.name, sku: variant.sku, oldPrice: oldPrices[variant.sku] ?? nil, newPrice: variant.price))
        }
        return changes
    }

    private static func categories(in db: any SQLDatabase) async throws -> [(String, String, String?)] {
        try await db.select().columns("id", "display_name", "parent_id").from("categories").orderBy("display_name").all().map {
            (try $0.decode(column: "id", as: String.self), try $0.decode(column: "display_name", as: String.self),
             try $0.decode(column: "parent_id", as: String?.self))
        }
    }

    private static func categoryExists(_ name: String, in db: any SQLDatabase) async throws -> Bool {
        guard name.hasPrefix("categories/") else { return false }
        return try await db.select().column("id").from("categories").where("id", .equal, SQLBind(String(name.dropFirst(11)))).first() != nil
    }

    /// The category's id and every id below it (the tree is small: read whole).
    private static func categoryWithDescendants(_ name: String, in db: any SQLDatabase) async throws -> [String] {
        let all = try await categories(in: db)
        let root = String(name.dropFirst("categories/".count))
        guard name.hasPrefix("categories/"), all.contains(where: { $0.0 == root }) else { return [] }
        var found = [root]
        var index = 0
        while index < found.count {
            found += all.filter { $0.2 == found[index] }.map(\.0)
            index += 1
        }
        return found
    }

    private static func likeEscaped(_ word: String) -> String {
        word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    static func notFound(_ name: String) -> ServiceError<CatalogError> {
        ServiceError(.productNotFound, "no product \(name)", metadata: ["product": name])
    }

}
