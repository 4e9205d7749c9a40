import CatalogAPI
import Foundation
import InventoryAPI
import PlatformEvents
import PlatformStorage
import SQLKit
import WeftMessages
import WeftRPC

/// The inventory service: stock per SKU and location, and reservations that hold units for a
/// while. Every change is one transaction with its ledger row and its events.
public final class InventoryServer: InventoryService.Handler {
    /// The topic inventory's events are published on.
    public static let stockTopic = "inventory.stock"

    private let database: Database
    private let now: @Sendable () -> Date

    /// Brings the database to this version's schema.
    public static func start(database: Database, now: @escaping @Sendable () -> Date = Date.init) async throws -> InventoryServer {
        try await database.migrate(InventoryMigrations.all, service: "inventory")
        return InventoryServer(database: database, now: now)
    }

    private init(database: Database, now: @escaping @Sendable () -> Date) {
        self.database = database
        self.now = now
    }

    private var nowMs: Int64 { now().milliseconds }

    // MARK: Stock

    public func receiveStock(_ request: ReceiveStockRequest, context: ServerContext) async throws -> StockLevel {
        try context.requireRole("staff", "admin")
        try Self.checkPlace(sku: request.sku, location: request.location)
        guard request.quantity > 0 else { throw ServiceError(InventoryError.invalidRequest, field: "quantity", "must be more than zero", violationReason: "RANGE") }
        let at = nowMs
        return try await database.transaction { db in
            _ = try await StockRows.change(sku: request.sku, location: request.location, onHand: request.quantity, reserved: 0, reason: "received", atMs: at, in: db)
            return try await Self.published(sku: request.sku, location: request.location, reason: "received", in: db)
        }
    }

    public func adjustStock(_ request: AdjustStockRequest, context: ServerContext) async throws -> StockLevel {
        try context.requireRole("staff", "admin")
        try Self.checkPlace(sku: request.sku, location: request.location)
        guard request.delta != 0 else { throw ServiceError(InventoryError.invalidRequest, field: "delta", "must not be zero", violationReason: "RANGE") }
        let at = nowMs
        let reason = "adjusted: " + (request.reason.isEmpty ? "unspecified" : request.reason)
        let level: StockLevel? = try await database.transaction { db in
            guard try await StockRows.change(sku: request.sku, location: request.location, onHand: request.delta, reserved: 0, reason: reason, atMs: at, in: db)
            else { return nil }
            return try await Self.published(sku: request.sku, location: request.location, reason: reason, in: db)
        }
        guard let level else {
            let current = try await database.withSession { db in try await StockRows.level(sku: request.sku, location: request.location, in: db) }
            throw ServiceError(
                InventoryError.insufficientStock, "on hand would drop below the \(current.reserved) units reserved",
                metadata: ["sku": request.sku, "available": String(current.available)])
        }
        return level
    }

    public func getStock(_ request: GetStockRequest, context: ServerContext) async throws -> GetStockResponse {
        guard !request.sku.isEmpty else { throw ServiceError(InventoryError.invalidRequest, field: "sku", "is required", violationReason: "REQUIRED") }
        let levels = try await database.withSession { db in try await StockRows.levels(sku: request.sku, in: db) }
        return GetStockResponse(levels: levels, available: levels.reduce(0) { $0 + $1.available })
    }

    // MARK: Reservations

    /// What a reserve did, decided inside its transaction.
    private enum ReserveOutcome: Sendable {
        case reserved(Reservation)
        case conflict
        case discontinued
        case insufficient(available: Int64)
    }

    public func reserve(_ request: ReserveRequest, context: ServerContext) async throws -> Reservation {
        try Self.checkReservation(request)
        let at = nowMs
        let ttl = Int64(request.ttlSeconds == 0 ? 900 : request.ttlSeconds) * 1000
        let wanted = Reservation(
            name: "reservations/" + request.reservationId, sku: request.sku, quantity: request.quantity, state: .active, owner: request.owner,
            expireTime: Google_Protobuf_Timestamp(milliseconds: at + ttl), createTime: Google_Protobuf_Timestamp(milliseconds: at))
        let requested = request.location.isEmpty ? nil : request.location
        let outcome: ReserveOutcome
        do {
            // The common case, units free and the id new: a read and a compare-and-set write,
            // outside a transaction (on PostgreSQL two round trips in all).
            if let taken = try await database.withSession({ db in try await self.take(wanted, at: requested, atMs: at, locking: false, in: db) }) {
                return taken
            }
            outcome = try await database.transaction { db in
                // The same id again: the reservation it made (a retry), whatever happened since.
                if let existing = try await ReservationRows.find(id: request.reservationId, in: db) { return Self.retried(existing, request) }
                if try await Self.isDiscontinued(request.sku, in: db) { return .discontinued }
                // Units of reservations whose time ran out come back now rather than at the next
                // sweep; and the location chosen may have run short meanwhile: try each, locked.
                try await self.expireDue(sku: request.sku, atMs: at, in: db)
                let locations = if let requested { [requested] } else { try await StockRows.locationsByAvailability(sku: request.sku, in: db) }
                for location in locations {
                    if let taken = try await self.take(wanted, at: location, atMs: at, locking: true, in: db) { return .reserved(taken) }
                }
                // A discontinue committed since the check above fails every take too: say so.
                if try await Self.isDiscontinued(request.sku, in: db) { return .discontinued }
                // Not enough anywhere: nothing of this transaction stays.
                throw InsufficientStock(available: try await StockRows.levels(sku: request.sku, in: db).reduce(0) { $0 + $1.available })
            }
        } catch let shortage as InsufficientStock {
            outcome = .insufficient(available: shortage.available)
        } catch is DuplicateKey {
            // A concurrent reserve with this id, or an earlier try of this one, made it: that is the answer.
            let existing = try await database.withSession { db in try await ReservationRows.find(id: request.reservationId, in: db) }
            outcome = existing.map { Self.retried($0, request) } ?? .conflict
        }
        switch outcome {
        case .reserved(let reservation): return reservation
        case .conflict:
            throw ServiceError(
                InventoryError.reservationConflict, "reservation \(request.reservationId) exists for another SKU or quantity",
                metadata: ["reservation": "reservations/" + request.reservationId])
        case .discontinued:
            throw ServiceError(InventoryError.skuDiscontinued, "\(request.sku) is no longer sold", metadata: ["sku": request.sku])
        case .insufficient(let available):
            throw ServiceError(
                InventoryError.insufficientStock, "only \(available) of \(request.sku) are free; \(request.quantity) were asked for",
                metadata: ["sku": request.sku, "available": String(available)])
        }
    }

    /// Whether `sku` is no longer sold.
    private static func isDiscontinued(_ sku: String, in db: any SQLDatabase) async throws -> Bool {
        try await db.select().column("sku").from("discontinued_skus").where("sku", .equal, SQLBind(sku)).first() != nil
    }

    /// Takes the reservation's units at `location` (nil: where the most are free) and records
    /// it: its row, the ledger row and the StockChanged event, in one change. Nil when that
    /// location is short or its row changed since it was read (`locking` holds it on PostgreSQL);
    /// throws `DuplicateKey` when the id is in use.
    private func take(_ wanted: Reservation, at location: String?, atMs: Int64, locking: Bool, in db: any SQLDatabase) async throws -> Reservation? {
        guard let level = try await StockRows.candidate(sku: wanted.sku, location: location, quantity: wanted.quantity, locking: locking, in: db) else {
            return nil
        }
        var reservation = wanted
        reservation.location = level.location
        let id = String(wanted.name.dropFirst("reservations/".count))
        var after = level
        after.reserved += wanted.quantity
        after.available -= wanted.quantity
        let taken = try await database.change(StockRows.reservation(of: wanted.quantity, at: level), inserting: [
            ReservationRows.row(reservation, id: id),
            StockRows.ledgerRow(sku: wanted.sku, location: level.location, onHand: 0, reserved: wanted.quantity, reason: "reserved", reservationID: id, atMs: atMs),
            Outbox.row(StockChanged(level: after, reason: "reserved"), topic: Self.stockTopic),
        ])
        return taken ? reservation : nil
    }

    /// A reserve whose id exists: the same ask gets the reservation, another ask a conflict.
    private static func retried(_ existing: Reservation, _ request: ReserveRequest) -> ReserveOutcome {
        existing.sku == request.sku && existing.quantity == request.quantity ? .reserved(existing) : .conflict
    }

    public func commitReservation(_ request: CommitReservationRequest, context: ServerContext) async throws -> Reservation {
        try await finish(request.name, as: .committed)
    }

    public func releaseReservation(_ request: ReleaseReservationRequest, context: ServerContext) async throws -> Reservation {
        try await finish(request.name, as: .released)
    }

    public func getReservation(_ request: GetReservationRequest, context: ServerContext) async throws -> Reservation {
        let id = try Self.reservationID(request.name)
        guard let reservation = try await database.withSession({ db in try await ReservationRows.find(id: id, in: db) }) else {
            throw ServiceError(InventoryError.reservationNotFound, "no reservation \(request.name)", metadata: ["reservation": request.name])
        }
        return reservation
    }

    /// Commits (the units leave the stock) or releases (they are free again) an active
    /// reservation; doing it twice returns the same answer. An expired one cannot be committed.
    private func finish(_ name: String, as state: ReservationState) async throws -> Reservation {
        let id = try Self.reservationID(name)
        let at = nowMs
        let reservation: Reservation? = try await database.transaction { db in
            guard let reservation = try await ReservationRows.find(id: id, in: db, locking: true) else { return nil }
            if reservation.state == .active, let expiry = reservation.expireTime, expiry.milliseconds <= at {
                try await self.expire(reservation, atMs: at, in: db)
                return try await ReservationRows.find(id: id, in: db)
            }
            guard reservation.state == .active, try await ReservationRows.finish(id: id, as: state, in: db) else { return reservation }
            let reason = state == .committed ? "committed" : "released"
            let done = try await StockRows.change(
                sku: reservation.sku, location: reservation.location, onHand: state == .committed ? -reservation.quantity : 0,
                reserved: -reservation.quantity, reason: reason, reservationID: id, atMs: at, in: db)
            precondition(done, "an active reservation's units are reserved")
            _ = try await Self.published(sku: reservation.sku, location: reservation.location, reason: reason, in: db)
            return try await ReservationRows.find(id: id, in: db)
        }
        guard let reservation else {
            throw ServiceError(InventoryError.reservationNotFound, "no reservation \(name)", metadata: ["reservation": name])
        }
        guard reservation.state == state else {
            throw ServiceError(
                InventoryError.reservationNotActive, "\(name) is \((reservation.state.protoName ?? "unknown")), so it cannot be \(state == .committed ? "committed" : "released")",
                metadata: ["state": (reservation.state.protoName ?? "unknown")])
        }
        return reservation
    }

    // MARK: Expiry

    /// Gives back the units of every reservation whose time ran out; returns how many expired.
    /// The runner calls it periodically; tests call it with their clock.
    @discardableResult
    public func expireDue() async throws -> Int {
        let at = nowMs
        return try await database.transaction { db in
            let due = try await ReservationRows.due(nowMs: at, in: db)
            for reservation in due { try await self.expire(reservation, atMs: at, in: db) }
            return due.count
        }
    }

    private func expireDue(sku: String, atMs: Int64, in db: any SQLDatabase) async throws {
        for reservation in try await ReservationRows.due(nowMs: atMs, sku: sku, in: db) { try await expire(reservation, atMs: atMs, in: db) }
    }

    private func expire(_ reservation: Reservation, atMs: Int64, in db: any SQLDatabase) async throws {
        let id = String(reservation.name.dropFirst("reservations/".count))
        guard try await ReservationRows.finish(id: id, as: .expired, in: db) else { return }
        _ = try await StockRows.change(
            sku: reservation.sku, location: reservation.location, onHand: 0, reserved: -reservation.quantity, reason: "expired",
            reservationID: id, atMs: atMs, in: db)
        var expired = reservation
        expired.state = .expired
        try await Outbox.append(ReservationExpired(reservation: expired), topic: Self.stockTopic, in: db)
        _ = try await Self.published(sku: reservation.sku, location: reservation.location, reason: "expired", in: db)
    }

    // MARK: Catalog events

    /// What inventory does with the catalog's events: an archived product's SKUs take no new
    /// reservations (existing ones stay, to be committed or released).
    public static func applyCatalogEvent(_ event: OutboxEvent, in db: any SQLDatabase) async throws {
        guard let archived = try event.message(ProductArchived.self) else { return }
        for sku in archived.skus {
            try await db.insert(into: "discontinued_skus").columns("sku").values(SQLBind(sku)).ignoringConflicts(with: ["sku"]).run()
        }
    }

    // MARK: Helpers

    /// The row's level, published as a StockChanged event.
    private static func published(sku: String, location: String, reason: String, in db: any SQLDatabase) async throws -> StockLevel {
        let level = try await StockRows.level(sku: sku, location: location, in: db)
        try await Outbox.append(StockChanged(level: level, reason: reason), topic: stockTopic, in: db)
        return level
    }

    private static func checkPlace(sku: String, location: String) throws {
        var violations: [Google_Rpc_BadRequest.FieldViolation] = []
        if sku.isEmpty || sku.count > 64 { violations.append(.init(field: "sku", description: "must have 1 to 64 characters", reason: "SKU")) }
        if location.isEmpty || location.count > 64 { violations.append(.init(field: "location", description: "must have 1 to 64 characters", reason: "LOCATION")) }
        guard violations.isEmpty else {
            throw ServiceError(InventoryError.invalidRequest, fieldViolations: violations)
        }
    }

    private static func checkReservation(_ request: ReserveRequest) throws {
        var violations: [Google_Rpc_BadRequest.FieldViolation] = []
        let id = request.reservationId
        if id.isEmpty || id.count > 64 || id.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            violations.append(.init(field: "reservation_id", description: "must have 1 to 64 letters, digits, - or _", reason: "ID"))
        }
        if request.sku.isEmpty { violations.append(.init(field: "sku", description: "is required", reason: "REQUIRED")) }
        if request.quantity <= 0 { violations.append(.init(field: "quantity", description: "must be more than zero", reason: "RANGE")) }
        if !(0...86_400).contains(request.ttlSeconds) { violations.append(.init(field: "ttl_seconds", description: "must be between 1 and 86400", reason: "RANGE")) }
        guard violations.isEmpty else {
            throw ServiceError(InventoryError.invalidRequest, fieldViolations: violations)
        }
    }

    private static func reservationID(_ name: String) throws -> String {
        guard name.hasPrefix("reservations/"), name.count > 13 else { throw ServiceError(InventoryError.invalidRequest, field: "name", "must be reservations/{id}", violationReason: "NAME") }
        return String(name.dropFirst(13))
    }

}

/// Thrown inside a reserve's transaction to roll it back when no location has enough free units.
private struct InsufficientStock: Error {
    let available: Int64
}

