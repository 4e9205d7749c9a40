import Foundation
import InventoryAPI
import PlatformStorage
import SQLKit
import WeftMessages

/// The reservations table.
enum ReservationRows {
    static func find(id: String, in db: any SQLDatabase, locking: Bool = false) async throws -> Reservation? {
        var select = db.select().columns("*").from("reservations").where("id", .equal, SQLBind(id))
        if locking, db.dialect.name == "postgresql" { select = select.for(.update) }
        return try await select.first().map(reservation)
    }

    /// The row of a new active reservation (its id taken: a duplicate key).
    static func row(_ reservation: Reservation, id: String) -> RowInsert {
        RowInsert(
            into: "reservations", columns: ["id", "sku", "location", "quantity", "state", "owner", "expires_ms", "created_ms"],
            values: [
                id, reservation.sku, reservation.location, reservation.quantity, Int(ReservationState.active.rawValue), reservation.owner,
                reservation.expireTime?.milliseconds ?? 0, reservation.createTime?.milliseconds ?? 0,
            ])
    }

    /// Moves an active reservation to `state`; returns whether it was active.
    static func finish(id: String, as state: ReservationState, in db: any SQLDatabase) async throws -> Bool {
        try await !db.update("reservations").set("state", to: SQLBind(Int(state.rawValue)))
            .where("id", .equal, SQLBind(id)).where("state", .equal, SQLBind(Int(ReservationState.active.rawValue)))
            .returning("id").all().isEmpty
    }

    /// Active reservations whose time ran out by `nowMs` (of `sku`, or all), oldest first.
    static func due(nowMs: Int64, sku: String? = nil, limit: Int = 100, in db: any SQLDatabase) async throws -> [Reservation] {
        var select = db.select().columns("*").from("reservations")
            .where("state", .equal, SQLBind(Int(ReservationState.active.rawValue))).where("expires_ms", .lessThanOrEqual, SQLBind(nowMs))
        if let sku { select = select.where("sku", .equal, SQLBind(sku)) }
        return try await select.orderBy("expires_ms").limit(limit).all().map(reservation)
    }

    private static func reservation(_ row: any SQLRow) throws -> Reservation {
        Reservation(
            name: "reservations/" + (try row.decode(column: "id", as: String.self)), sku: try row.decode(column: "sku", as: String.self),
            location: try row.decode(column: "location", as: String.self), quantity: try row.decode(column: "quantity", as: Int64.self),
            state: ReservationState(rawValue: Int32(try row.decode(column: "state", as: Int.self))), owner: try row.decode(column: "owner", as: String.self),
            expireTime: Google_Protobuf_Timestamp(milliseconds: try row.decode(column: "expires_ms", as: Int64.self)),
            createTime: Google_Protobuf_Timestamp(milliseconds: try row.decode(column: "created_ms", as: Int64.self)))
    }
}
