import PlatformEvents
import PlatformStorage
import SQLKit

/// The inventory database's versions. Every change of a stock row is one ledger row, written
/// in the same transaction.
enum InventoryMigrations {
    static let all: [Migration] = [
        Migration(1, "stock") { db, engine in
            try await db.create(table: "stock")
                .column("sku", type: .text, .notNull)
                .column("location", type: .text, .notNull)
                .column("on_hand", type: .bigint, .notNull)
                .column("reserved", type: .bigint, .notNull)
                .primaryKey("sku", "location")
                .run()
            try await db.create(table: "stock_ledger")
                // In the order of the changes; a sequence costs less to index than a random id.
                .column("id", type: .custom(SQLRaw(engine == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT")))
                .column("sku", type: .text, .notNull)
                .column("location", type: .text, .notNull)
                .column("on_hand_delta", type: .bigint, .notNull)
                .column("reserved_delta", type: .bigint, .notNull)
                .column("reason", type: .text, .notNull)
                .column("reservation_id", type: .text)
                .column("at_ms", type: .bigint, .notNull)
                .run()
        },
        Migration(2, "reservations") { db, _ in
            try await db.create(table: "reservations")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("sku", type: .text, .notNull)
                .column("location", type: .text, .notNull)
                .column("quantity", type: .bigint, .notNull)
                .column("state", type: .int, .notNull)
                .column("owner", type: .text, .notNull)
                .column("expires_ms", type: .bigint, .notNull)
                .column("created_ms", type: .bigint, .notNull)
                .run()
            try await db.create(index: "reservations_state_expiry").on("reservations").column("state").column("expires_ms").run()
        },
        Migration(3, "discontinued skus") { db, _ in
            try await db.create(table: "discontinued_skus").column("sku", type: .text, .primaryKey(autoIncrement: false)).run()
        },
        Outbox.migration(4),
        ConsumerLedger.migration(5),
        Outbox.relayMigration(6),
    ]
}
