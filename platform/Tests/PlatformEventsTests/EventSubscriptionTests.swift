import Foundation
import PlatformEvents
import PlatformStorage
import PlatformTestSupport
import SQLKit
import Testing
import WeftMessages
import WeftRPC
import WeftRPCHTTP2

/// The embedded event transport over real sockets: a producer serves its outbox, a consumer
/// subscribes, is stopped mid-stream, resumes from its offset and applies nothing twice.
@Suite struct EventSubscriptionTests {
    static let consumerMigrations = [
        Migration(1, "mirror") { db, _ in
            try await db.create(table: "mirrored").column("event_id", type: .text, .primaryKey(autoIncrement: false)).run()
        },
        ConsumerLedger.migration(2),
    ]

    static func mirrored(_ database: Database) async throws -> [String] {
        try await database.withSession { db in
            try await db.select().column("event_id").from("mirrored").orderBy("event_id").all().map { try $0.decode(column: "event_id", as: String.self) }
        }
    }

    /// Waits (a hang guard only) until `count` events are mirrored.
    static func waitForMirrored(_ count: Int, in database: Database) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while try await mirrored(database).count < count {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func aConsumerStoppedMidStreamResumesAndAppliesNothingTwice(_ backend: TestDatabases.Backend) async throws {
        guard let producerURL = try await TestDatabases.fresh(backend), let consumerURL = try await TestDatabases.fresh(backend) else { return }
        let producer = try await Database.open(producerURL)
        try await producer.migrate(OutboxTests.migrations, service: "notes")
        let consumer = try await Database.open(consumerURL)
        try await consumer.migrate(Self.consumerMigrations, service: "mirror")
        let server = try await GRPCServer.start(
            port: 0, tls: nil, services: [OutboxEventSource(database: producer, pollInterval: .milliseconds(20))], threads: 1)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let subscription = EventSubscription(
            source: EventSource.Client(transport: channel), sourceName: "notes", consumer: "mirror", topics: ["notes"],
            database: consumer, retryDelay: .milliseconds(20))
        let mirror: @Sendable (OutboxEvent, any SQLDatabase) async throws -> Void = { event, db in
            try await db.insert(into: "mirrored").columns("event_id").values(SQLBind(event.id)).run()
        }

        for index in 0..<5 { try await OutboxTests.addNote("a\(index)", in: producer) }
        let first = Task { await subscription.run(effect: mirror) }
        try await Self.waitForMirrored(5, in: consumer)
        first.cancel()
        await first.value

        // Written while the consumer was away, then picked up from its offset.
        for index in 0..<5 { try await OutboxTests.addNote("b\(index)", in: producer) }
        let second = Task { await subscription.run(effect: mirror) }
        try await Self.waitForMirrored(10, in: consumer)
        // A live event reaches a subscribed consumer too.
        try await OutboxTests.addNote("c", in: producer)
        try await Self.waitForMirrored(11, in: consumer)
        second.cancel()
        await second.value

        // Each event once (the table's key would have refused a second insert, failing the
        // transaction; the ledger skipped redeliveries before that).
        let all = try await Outbox.events(after: 0, in: producer).map(\.id)
        #expect(try await Self.mirrored(consumer) == all.sorted())
        #expect(try await ConsumerLedger.offset(of: "mirror", from: "notes", in: consumer) == Outbox.events(after: 0, in: producer).last?.offset)

        try await channel.close()
        try await server.shutdown()
        try await producer.close()
        try await consumer.close()
    }
}
