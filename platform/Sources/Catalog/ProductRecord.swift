import CatalogAPI
import Foundation
import SQLKit
import WeftMessages

/// Reading and writing products: the message whole, plus its filterable columns.
enum ProductRecord {
    static func find(id: String, in db: any SQLDatabase) async throws -> Product? {
        guard let row = try await db.select().column("payload").from("products").where("id", .equal, SQLBind(id)).first() else { return nil }
        return try Product(serializedBytes: [UInt8](try row.decode(column: "payload", as: Data.self)))
    }

    static func insert(_ product: Product, id: String, createdMs: Int64, in db: any SQLDatabase) async throws {
        try await db.insert(into: "products")
            .columns("id", "title", "search_text", "category_id", "status", "price_minor", "created_ms", "payload")
            .values(
                SQLBind(id), SQLBind(product.title), SQLBind(searchText(product)), SQLBind(categoryID(product)),
                SQLBind(Int(product.status.rawValue)), SQLBind(product.price?.minorUnits ?? 0), SQLBind(createdMs),
                SQLBind(Data(product.serializedBytes())))
            .run()
    }

    static func update(_ product: Product, id: String, in db: any SQLDatabase) async throws {
        try await db.update("products")
            .set("title", to: SQLBind(product.title)).set("search_text", to: SQLBind(searchText(product)))
            .set("category_id", to: SQLBind(categoryID(product))).set("status", to: SQLBind(Int(product.status.rawValue)))
            .set("price_minor", to: SQLBind(product.price?.minorUnits ?? 0)).set("payload", to: SQLBind(Data(product.serializedBytes())))
            .where("id", .equal, SQLBind(id)).run()
    }

    /// Claims `skus` for product `id` (releasing the ones it no longer has); returns an SKU
    /// another product holds, if any.
    static func claim(skus: [String], for id: String, in db: any SQLDatabase) async throws -> String? {
        try await db.delete(from: "skus").where("product_id", .equal, SQLBind(id)).run()
        for sku in skus {
            let inserted = try await db.insert(into: "skus").columns("sku", "product_id").values(SQLBind(sku), SQLBind(id))
                .ignoringConflicts(with: ["sku"]).returning("sku").all()
            if inserted.isEmpty { return sku }
        }
        return nil
    }

    private static func searchText(_ product: Product) -> String {
        (product.title + " " + product.description).lowercased()
    }

    private static func categoryID(_ product: Product) -> String? {
        product.category.isEmpty ? nil : String(product.category.dropFirst("categories/".count))
    }
}
