import CatalogAPI
import Foundation
import Inventory
import InventoryAPI
import PlatformEvents
import PlatformStorage
import PlatformTestSupport
import SQLKit
import Synchronization
import Testing
import WeftMessages
import WeftRPC
import WeftRPCHTTP2

/// Inventory over real sockets (gRPC over HTTP/2), on SQLite and PostgreSQL, with a clock the
/// tests move by hand.
@Suite struct InventoryTests {

    struct Running {
        let server: GRPCServer
        let channel: GRPCConnection
        let database: Database
        let inventory: InventoryServer
        let client: InventoryService.Client
        let clock: TestClock

        static func start(_ backend: TestDatabases.Backend) async throws -> Running? {
            guard let url = try await TestDatabases.fresh(backend) else { return nil }
            let database = try await Database.open(url)
            let clock = TestClock()
            let inventory = try await InventoryServer.start(database: database, now: { clock.now })
            let server = try await GRPCServer.start(port: 0, tls: nil, services: [inventory], threads: 1)
            let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
            return Running(server: server, channel: channel, database: database, inventory: inventory, client: InventoryService.client(transport: channel), clock: clock)
        }

        func stop() async throws {
            try await channel.close()
            try await server.shutdown()
            try await database.close()
        }
    }

    static let staff = CallOptions(metadata: Metadata(["x-jwt-sub": "users/s", "x-jwt-roles": "staff"]))


    @Test(arguments: TestDatabases.Backend.allCases)
    func stockIsReceivedAdjustedAndLedgered(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        let client = running.client
        _ = try await client.receiveStock(ReceiveStockRequest(sku: "LAMP-1", location: "berlin", quantity: 5), options: Self.staff)
        _ = try await client.receiveStock(ReceiveStockRequest(sku: "LAMP-1", location: "paris", quantity: 7), options: Self.staff)
        let level = try await client.adjustStock(AdjustStockRequest(sku: "LAMP-1", location: "paris", delta: -2, reason: "broken"), options: Self.staff)
        #expect(level == StockLevel(sku: "LAMP-1", location: "paris", onHand: 5, reserved: 0, available: 5))
        _ = try await client.reserve(ReserveRequest(reservationId: "r1", sku: "LAMP-1", quantity: 4, location: "berlin"))
        #expect(try await failureReason(InventoryError.self) { try await client.adjustStock(AdjustStockRequest(sku: "LAMP-1", location: "berlin", delta: -2), options: Self.staff) } == .insufficientStock)
        let stock = try await client.getStock(GetStockRequest(sku: "LAMP-1"))
        #expect(stock.available == 6 && stock.levels.map(\.location) == ["berlin", "paris"])
        #expect(try await failureReason(InventoryError.self) { try await client.receiveStock(ReceiveStockRequest(sku: "", location: "x", quantity: 0), options: Self.staff) } == .invalidRequest)
        do {
            _ = try await client.receiveStock(ReceiveStockRequest(sku: "LAMP-1", location: "berlin", quantity: 1))
            Issue.record("an anonymous caller received stock")
        } catch let status as Status {
            #expect(status.code == .unauthenticated)
        }
        // Every change of a stock row has its ledger row.
        let ledger = try await running.database.withSession { db in
            try await db.select().columns("on_hand_delta", "reserved_delta", "reason").from("stock_ledger").orderBy("at_ms").all()
                .map { "\(try $0.decode(column: "reason", as: String.self)) \(try $0.decode(column: "on_hand_delta", as: Int64.self)) \(try $0.decode(column: "reserved_delta", as: Int64.self))" }
        }
        #expect(Set(ledger) == ["received 5 0", "received 7 0", "adjusted: broken -2 0", "reserved 0 4"])
        try await running.stop()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func reservationsAreIdempotentCommitReleaseAndExpire(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        let client = running.client
        _ = try await client.receiveStock(ReceiveStockRequest(sku: "SEAT", location: "hall", quantity: 5), options: Self.staff)
        let first = try await client.reserve(ReserveRequest(reservationId: "order-1", sku: "SEAT", quantity: 2, owner: "orders/1", ttlSeconds: 60))
        #expect(first.state == .active && first.location == "hall" && first.name == "reservations/order-1")
        // The same reserve again reserves once; the same id for something else is a conflict.
        #expect(try await client.reserve(ReserveRequest(reservationId: "order-1", sku: "SEAT", quantity: 2, owner: "orders/1", ttlSeconds: 60)) == first)
        #expect(try await failureReason(InventoryError.self) { try await client.reserve(ReserveRequest(reservationId: "order-1", sku: "SEAT", quantity: 3)) } == .reservationConflict)
        #expect(try await client.getStock(GetStockRequest(sku: "SEAT")).available == 3)
        #expect(try await failureReason(InventoryError.self) { try await client.reserve(ReserveRequest(reservationId: "order-2", sku: "SEAT", quantity: 4)) } == .insufficientStock)
        // The refused reserve left nothing behind, its id included.
        #expect(try await failureReason(InventoryError.self) { try await client.getReservation(GetReservationRequest(name: "reservations/order-2")) } == .reservationNotFound)

        let committed = try await client.commitReservation(CommitReservationRequest(name: first.name))
        #expect(committed.state == .committed)
        #expect(try await client.commitReservation(CommitReservationRequest(name: first.name)).state == .committed)
        #expect(try await failureReason(InventoryError.self) { try await client.releaseReservation(ReleaseReservationRequest(name: first.name)) } == .reservationNotActive)
        var stock = try await client.getStock(GetStockRequest(sku: "SEAT"))
        #expect(stock.levels == [StockLevel(sku: "SEAT", location: "hall", onHand: 3, reserved: 0, available: 3)])

        let released = try await client.reserve(ReserveRequest(reservationId: "order-3", sku: "SEAT", quantity: 1))
        #expect(try await client.releaseReservation(ReleaseReservationRequest(name: released.name)).state == .released)
        let expiring = try await client.reserve(ReserveRequest(reservationId: "order-4", sku: "SEAT", quantity: 3, ttlSeconds: 30))
        #expect(try await client.getStock(GetStockRequest(sku: "SEAT")).available == 0)
        running.clock.advance(31)
        #expect(try await running.inventory.expireDue() == 1)
        #expect(try await failureReason(InventoryError.self) { try await client.commitReservation(CommitReservationRequest(name: expiring.name)) } == .reservationNotActive)
        stock = try await client.getStock(GetStockRequest(sku: "SEAT"))
        #expect(stock.available == 3)
        let events = try await Outbox.events(after: 0, in: running.database)
        #expect(try events.compactMap { try $0.message(ReservationExpired.self) }.map { $0.reservation?.name } == ["reservations/order-4"])
        #expect(events.filter { $0.type == "weft.platform.inventory.v1.StockChanged" }.count == 7)  // received, 3 reserved, committed, released, expired

        // An expired reservation left in place releases itself when the SKU is next reserved.
        _ = try await client.reserve(ReserveRequest(reservationId: "order-5", sku: "SEAT", quantity: 3, ttlSeconds: 10))
        running.clock.advance(11)
        #expect(try await client.reserve(ReserveRequest(reservationId: "order-6", sku: "SEAT", quantity: 3)).state == .active)
        #expect(try await client.getReservation(GetReservationRequest(name: "reservations/order-5")).state == .expired)
        try await running.stop()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func concurrentReservationsNeverOversell(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        _ = try await running.client.receiveStock(ReceiveStockRequest(sku: "LAST", location: "a", quantity: 6), options: Self.staff)
        _ = try await running.client.receiveStock(ReceiveStockRequest(sku: "LAST", location: "b", quantity: 4), options: Self.staff)
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<100 {
                group.addTask {
                    do {
                        _ = try await running.client.reserve(ReserveRequest(reservationId: "c\(index)", sku: "LAST", quantity: 1))
                        return true
                    } catch let error as ServiceError<InventoryError> where error.reason == .insufficientStock {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 10)
        let stock = try await running.client.getStock(GetStockRequest(sku: "LAST"))
        #expect(stock.levels.allSatisfy { $0.reserved == $0.onHand } && stock.available == 0)
        try await running.stop()
    }

    /// Retries racing each other: every one gets the one reservation, whose units are taken once,
    /// and a last unit held by the reservation does not turn a late retry into a refusal.
    @Test(arguments: TestDatabases.Backend.allCases)
    func concurrentRetriesReserveOnce(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        _ = try await running.client.receiveStock(ReceiveStockRequest(sku: "TWIN", location: "a", quantity: 5), options: Self.staff)
        let request = ReserveRequest(reservationId: "same", sku: "TWIN", quantity: 2, owner: "orders/9")
        let answers = try await withThrowingTaskGroup(of: Reservation.self) { group in
            for _ in 0..<20 { group.addTask { try await running.client.reserve(request) } }
            return try await group.reduce(into: [Reservation]()) { $0.append($1) }
        }
        #expect(answers.count == 20 && Set(answers).count == 1 && answers[0].state == .active)
        #expect(try await running.client.getStock(GetStockRequest(sku: "TWIN")).available == 3)
        _ = try await running.client.reserve(ReserveRequest(reservationId: "rest", sku: "TWIN", quantity: 3))
        #expect(try await running.client.reserve(request) == answers[0])
        #expect(try await running.client.getStock(GetStockRequest(sku: "TWIN")).available == 0)
        try await running.stop()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func anArchivedProductsSkusTakeNoNewReservations(_ backend: TestDatabases.Backend) async throws {
        guard let running = try await Running.start(backend) else { return }
        _ = try await running.client.receiveStock(ReceiveStockRequest(sku: "OLD", location: "a", quantity: 3), options: Self.staff)
        let held = try await running.client.reserve(ReserveRequest(reservationId: "before", sku: "OLD", quantity: 1))
        let event = OutboxEvent(
            offset: 1, id: "e1", topic: "catalog.products", type: ProductArchived.descriptor.fullName,
            payload: ProductArchived(product: "products/p", skus: ["OLD"]).serializedBytes())
        try await running.database.transaction { db in try await InventoryServer.applyCatalogEvent(event, in: db) }
        #expect(try await failureReason(InventoryError.self) { try await running.client.reserve(ReserveRequest(reservationId: "after", sku: "OLD", quantity: 1)) } == .skuDiscontinued)
        // What was held before may still be committed.
        #expect(try await running.client.commitReservation(CommitReservationRequest(name: held.name)).state == .committed)
        try await running.stop()
    }
}
