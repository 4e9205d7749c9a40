import Foundation
import PlatformEvents
import PlatformNATS
import PlatformStorage
import PlatformTestSupport
import SQLKit
import Testing
import WeftMessages

/// The JetStream transport against a real nats-server (`make test` starts one with `-js`), on
/// SQLite and PostgreSQL: the relay publishes the outbox, a durable pull consumer applies each
/// event once, resumes after being stopped, and a relay that published without marking
/// publishes again without anything being applied twice.
@Suite(.serialized) struct JetStreamTests {
    static let producerMigrations = [
        Migration(1, "notes") { db, _ in try await db.create(table: "notes").column("id", type: .text, .primaryKey(autoIncrement: false)).run() },
        Outbox.migration(2),
        Outbox.relayMigration(3),
    ]
    static let consumerMigrations = [
        Migration(1, "mirror") { db, _ in
            try await db.create(table: "mirrored").column("event_id", type: .text, .primaryKey(autoIncrement: false)).run()
        },
        ConsumerLedger.migration(2),
    ]

    struct Setup {
        let jetStream: JetStream
        let producer: Database
        let consumer: Database
        /// A name of this test's own, so its subjects and durable consumer are new.
        let source: String

        static func make(_ backend: TestDatabases.Backend) async throws -> Setup? {
            guard let url = try TestNATS.url(), let producerURL = try await TestDatabases.fresh(backend),
                  let consumerURL = try await TestDatabases.fresh(backend)
            else { return nil }
            let producer = try await Database.open(producerURL)
            try await producer.migrate(producerMigrations, service: "notes")
            let consumer = try await Database.open(consumerURL)
            try await consumer.migrate(consumerMigrations, service: "mirror")
            let source = "notes" + UUID().uuidString.lowercased().prefix(8)
            return Setup(jetStream: try await JetStream.connect(url: url, namespace: "test"), producer: producer, consumer: consumer, source: source)
        }

        func addNotes(_ ids: [String]) async throws {
            for id in ids {
                try await producer.transaction { db in
                    try await db.insert(into: "notes").columns("id").values(SQLBind(id)).run()
                    try await Outbox.append(Google_Protobuf_StringValue(value: id), topic: "notes", id: "\(source)-\(id)", in: db)
                }
            }
        }

        var subscription: JetStreamSubscription {
            JetStreamSubscription(jetStream: jetStream, sourceName: source, consumer: "mirror", topics: ["notes"], database: consumer, retryDelay: .milliseconds(50))
        }

        func mirrored() async throws -> [String] {
            try await consumer.withSession { db in
                try await db.select().column("event_id").from("mirrored").orderBy("event_id").all().map { try $0.decode(column: "event_id", as: String.self) }
            }
        }

        /// Waits (a hang guard only) until `count` events are mirrored.
        func waitForMirrored(_ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(120)
            while try await mirrored().count < count {
                guard ContinuousClock.now < deadline else { throw CancellationError() }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        func close() async throws {
            await jetStream.close()
            try await producer.close()
            try await consumer.close()
        }
    }

    static let mirror: @Sendable (OutboxEvent, any SQLDatabase) async throws -> Void = { event, db in
        // The table's key refuses a second insert: an event applied twice would fail its transaction.
        try await db.insert(into: "mirrored").columns("event_id").values(SQLBind(event.id)).run()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func theRelayPublishesAndAStoppedConsumerResumesApplyingEachEventOnce(_ backend: TestDatabases.Backend) async throws {
        guard let setup = try await Setup.make(backend) else { return }
        let relay = OutboxRelay(source: setup.source, database: setup.producer, jetStream: setup.jetStream, pollInterval: .milliseconds(20))
        let relaying = Task { await relay.run() }
        try await setup.addNotes((0..<5).map { "a\($0)" })
        let first = Task { await setup.subscription.run(effect: Self.mirror) }
        try await setup.waitForMirrored(5)
        first.cancel()
        await first.value

        // Published while the consumer was away; its durable consumer kept its place.
        try await setup.addNotes((0..<5).map { "b\($0)" })
        let second = Task { await setup.subscription.run(effect: Self.mirror) }
        try await setup.waitForMirrored(10)
        second.cancel()
        await second.value
        relaying.cancel()
        await relaying.value

        let all = try await Outbox.events(after: 0, in: setup.producer)
        #expect(try await setup.mirrored() == all.map(\.id).sorted())
        #expect(try await relay.mark() == all.last?.offset)
        try await setup.close()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func aRelayKilledBetweenPublishAndMarkPublishesAgainAndNothingIsAppliedTwice(_ backend: TestDatabases.Backend) async throws {
        guard let setup = try await Setup.make(backend) else { return }
        try await setup.addNotes(["x", "y", "z"])
        // A relay that published every event, then died before moving its mark.
        for event in try await Outbox.events(after: 0, in: setup.producer) {
            let duplicate = try await setup.jetStream.publish(PublishedEvent(
                source: setup.source, id: event.id, topic: event.topic, type: event.type, offset: event.offset, payload: event.payload))
            #expect(!duplicate)
        }
        let relay = OutboxRelay(source: setup.source, database: setup.producer, jetStream: setup.jetStream)
        #expect(try await relay.mark() == 0)
        // Restarted, it publishes them all again; the stream drops each second copy.
        let again = try await Outbox.events(after: 0, in: setup.producer)
        #expect(try await relay.publishPending() == 3)
        #expect(try await relay.mark() == again.last?.offset)
        for event in again {
            #expect(try await setup.jetStream.publish(PublishedEvent(
                source: setup.source, id: event.id, topic: event.topic, type: event.type, offset: event.offset, payload: event.payload)))
        }
        let consuming = Task { await setup.subscription.run(effect: Self.mirror) }
        try await setup.waitForMirrored(3)
        consuming.cancel()
        await consuming.value
        #expect(try await setup.mirrored() == ["x", "y", "z"].map { "\(setup.source)-\($0)" })
        try await setup.close()
    }
}
