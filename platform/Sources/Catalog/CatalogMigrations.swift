import PlatformEvents
import PlatformStorage
import SQLKit

/// The catalog database's versions. A product is stored whole (its binary message) beside the
/// columns its lists filter and order by; SKUs in a table of their own keep them unique.
enum CatalogMigrations {
    static let all: [Migration] = [
        Migration(1, "categories") { db, _ in
            try await db.create(table: "categories")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("display_name", type: .text, .notNull)
                .column("parent_id", type: .text)
                .run()
        },
        Migration(2, "products") { db, _ in
            try await db.create(table: "products")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("title", type: .text, .notNull)
                .column("search_text", type: .text, .notNull)
                .column("category_id", type: .text)
                .column("status", type: .int, .notNull)
                .column("price_minor", type: .bigint, .notNull)
                .column("created_ms", type: .bigint, .notNull)
                .column("payload", type: .blob, .notNull)
                .run()
            try await db.create(index: "products_status_created").on("products").column("status").column("created_ms").run()
            try await db.create(table: "skus")
                .column("sku", type: .text, .primaryKey(autoIncrement: false))
                .column("product_id", type: .text, .notNull)
                .run()
        },
        Outbox.migration(3),
        Outbox.relayMigration(4),
    ]
}
