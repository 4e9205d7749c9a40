import InventoryAPI
import PlatformStorage
import SQLKit

/// The stock table and its ledger: every change of a row writes its ledger row (`change` does
/// both; a reservation's change is written with its `ledgerRow`, see `reservation(of:at:)`).
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
        try await db.raw(ledgerRow(sku: sku, location: location, onHand: onHand, reserved: reserved, reason: reason, reservationID: reservationID, atMs: atMs).statement).run()
        return true
    }

    /// The level of `sku` at `location`, or at the location with the most free units when it is
    /// nil, if at least `quantity` are free there; on PostgreSQL `locking` holds the row until
    /// the transaction ends, so that a `reservation` of it cannot miss.
    static func candidate(sku: String, location: String?, quantity: Int64, locking: Bool, in db: any SQLDatabase) async throws -> StockLevel? {
        let place: SQLQueryString = location.map { "AND location = \(bind: $0)" } ?? ""
        let lock: SQLQueryString = locking && db.dialect.name == "postgresql" ? "FOR UPDATE" : ""
        let row = try await db.raw("""
            SELECT location, on_hand, reserved FROM stock
            WHERE sku = \(bind: sku) \(place) AND on_hand - reserved >= \(bind: quantity)
            ORDER BY on_hand - reserved DESC, location LIMIT 1 \(lock)
            """).first()
        guard let row else { return nil }
        let onHand = try row.decode(column: "on_hand", as: Int64.self)
        let reserved = try row.decode(column: "reserved", as: Int64.self)
        return StockLevel(sku: sku, location: try row.decode(column: "location", as: String.self), onHand: onHand, reserved: reserved, available: onHand - reserved)
    }

    /// The update that reserves `quantity` more of `level`'s row if the row still is at `level`
    /// (compare and set: a concurrent change makes it change nothing) and the SKU is still sold.
    /// Knowing the level it makes, the caller can write the event in the same statement.
    static func reservation(of quantity: Int64, at level: StockLevel) -> SQLQueryString {
        """
        UPDATE stock SET reserved = reserved + \(bind: quantity)
        WHERE sku = \(bind: level.sku) AND location = \(bind: level.location)
          AND on_hand = \(bind: level.onHand) AND reserved = \(bind: level.reserved)
          AND NOT EXISTS (SELECT 1 FROM discontinued_skus WHERE sku = \(bind: level.sku))
        RETURNING sku
        """
    }

    /// The ledger row of one change of a stock row.
    static func ledgerRow(
        sku: String, location: String, onHand: Int64, reserved: Int64, reason: String, reservationID: String?, atMs: Int64
    ) -> RowInsert {
        RowInsert(
            into: "stock_ledger", columns: ["sku", "location", "on_hand_delta", "reserved_delta", "reason", "reservation_id", "at_ms"],
            values: [sku, location, onHand, reserved, reason, reservationID, atMs])
    }

    /// The SKU's locations, the most free units first.
    static func locationsByAvailability(sku: String, in db: any SQLDatabase) async throws -> [String] {
        try await levels(sku: sku, in: db).sorted { $0.available > $1.available }.map(\.location)
    }
}
