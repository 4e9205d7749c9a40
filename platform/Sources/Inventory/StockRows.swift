import InventoryAPI
import PlatformCrypto
import SQLKit

/// The stock table and its ledger: every change goes through `change`, which writes both.
enum StockRows {
    static func level(sku: String, location: String, in db: any SQLDatabase) async throws -> StockLevel {
        let row = try await db.select().columns("on_hand", "reserved").from("stock")
            .where("sku", .equal, SQLBind(sku)).where("location", .equal, SQLBind(location)).first()
        let onHand = try row?.decode(column: "on_hand", as: Int64.self) ?? 0
        let reserved = try row?.decode(column: "reserved", as: Int64.self) ?? 0
        return StockLevel(sku: sku, location: location, onHand: onHand, reserved: reserved, available: onHand - reserved)
    }

    static func levels(sku: String, in db: any SQLDatabase) async throws -> [StockLevel] {
        try await db.select().columns("location", "on_hand", "reserved").from("stock").where("sku", .equal, SQLBind(sku))
            .orderBy("location").all().map { row in
                let onHand = try row.decode(column: "on_hand", as: Int64.self)
                let reserved = try row.decode(column: "reserved", as: Int64.self)
                return StockLevel(sku: sku, location: try row.decode(column: "location", as: String.self), onHand: onHand, reserved: reserved, available: onHand - reserved)
            }
    }

    /// Adds `onHand` and `reserved` to the row (creating it), only if the result keeps
    /// 0 ≤ reserved ≤ on_hand; returns whether it did. The check and the write are one
    /// statement, so concurrent reservations cannot both take the last unit (a row lock on
    /// PostgreSQL, the single writer on SQLite).
    static func change(
        sku: String, location: String, onHand: Int64, reserved: Int64, reason: String, reservationID: String? = nil, atMs: Int64,
        in db: any SQLDatabase
    ) async throws -> Bool {
        try await db.raw("""
            INSERT INTO stock (sku, location, on_hand, reserved) VALUES (\(bind: sku), \(bind: location), 0, 0)
            ON CONFLICT (sku, location) DO NOTHING
            """).run()
        let changed = try await db.raw("""
            UPDATE stock SET on_hand = on_hand + \(bind: onHand), reserved = reserved + \(bind: reserved)
            WHERE sku = \(bind: sku) AND location = \(bind: location)
              AND reserved + \(bind: reserved) >= 0 AND on_hand + \(bind: onHand) >= reserved + \(bind: reserved)
            RETURNING sku
            """).all()
        guard !changed.isEmpty else { return false }
        try await db.insert(into: "stock_ledger")
            .columns("id", "sku", "location", "on_hand_delta", "reserved_delta", "reason", "reservation_id", "at_ms")
            .values(
                SQLBind(try SecureRandom.token(bytes: 12)), SQLBind(sku), SQLBind(location), SQLBind(onHand), SQLBind(reserved),
                SQLBind(reason), SQLBind(reservationID), SQLBind(atMs))
            .run()
        return true
    }

    /// The SKU's locations, the most free units first.
    static func locationsByAvailability(sku: String, in db: any SQLDatabase) async throws -> [String] {
        try await levels(sku: sku, in: db).sorted { $0.available > $1.available }.map(\.location)
    }
}
