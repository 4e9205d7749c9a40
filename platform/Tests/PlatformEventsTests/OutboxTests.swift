import Foundation
import PlatformEvents
import PlatformStorage
import PlatformTestSupport
import SQLKit
import Testing
import WeftMessages

/// The outbox and the consumer ledger, on SQLite and on a real PostgreSQL server alike.
@Suite struct OutboxTests {
    static let migrations = [
        Migration(1, "notes") { db, _ in try await db.create(table: "notes").column("id", type: .text, .primaryKey(autoIncrement: false)).run() },
        Outbox.migration(2),
        ConsumerLedger.migration(3),
    ]

    /// A database of `backend` with the outbox and the ledger, or nil without a PostgreSQL server.
    static func database(_ backend: TestDatabases.Backend) async throws -> Database? {
        guard let url = try await TestDatabases.fresh(backend) else { return nil }
        let database = try await Database.open(url)
        try await database.migrate(migrations, service: "notes")
        return database
    }

    /// Writes a note and its event in one transaction, or neither; `lingering` holds the
    /// transaction open a moment after the append, so commits of concurrent writers interleave.
    static func addNote(_ id: String, failing: Bool = false, lingering: Bool = false, in database: Database) async throws {
        try await database.transaction { db in
            try await db.insert(into: "notes").columns("id").values(SQLBind(id)).run()
            try await Outbox.append(Google_Protobuf_StringValue(value: id), topic: "notes", id: "note-\(id)", in: db)
            if lingering { try await Task.sleep(for: .milliseconds(Int.random(in: 0...15))) }
            if failing { throw CancellationError() }
        }
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func anEventIsWrittenWithItsChangeOrNotAtAll(_ backend: TestDatabases.Backend) async throws {
        guard let database = try await Self.database(backend) else { return }
        try await Self.addNote("a", in: database)
        await #expect(throws: CancellationError.self) { try await Self.addNote("b", failing: true, in: database) }
        try await Self.addNote("c", in: database)
        let events = try await Outbox.events(after: 0, in: database)
        #expect(events.map(\.id) == ["note-a", "note-c"])
        #expect(try events.map { try $0.message(Google_Protobuf_StringValue.self)?.value } == ["a", "c"])
        #expect(events[0].offset < events[1].offset)
        #expect(try await Outbox.events(after: events[0].offset, in: database).map(\.id) == ["note-c"])
        #expect(try await Outbox.events(after: 0, topics: ["other"], in: database).isEmpty)
        try await database.close()
    }

    /// Concurrent writers: every committed event is there, in increasing offsets, and a reader
    /// that resumed after any offset it saw would have missed none (offsets follow commits).
    @Test(arguments: TestDatabases.Backend.allCases)
    func concurrentWritersLoseNothingAndOffsetsFollowCommits(_ backend: TestDatabases.Backend) async throws {
        guard let database = try await Self.database(backend) else { return }
        let seen = SeenOffsets()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 { group.addTask { try await Self.addNote("n\(index)", lingering: true, in: database) } }
            // A reader polling meanwhile, resuming after the largest offset it has seen.
            group.addTask {
                var after: Int64 = 0
                for _ in 0..<200 {
                    for event in try await Outbox.events(after: after, in: database) {
                        await seen.add(event.id)
                        after = event.offset
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            try await group.waitForAll()
        }
        let all = try await Outbox.events(after: 0, limit: 1000, in: database)
        #expect(all.count == 40)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.offset < $1.offset })
        // The poller read after the last offset it saw; anything it saw must be a prefix of the final order.
        let polled = await seen.ids
        #expect(polled == Array(all.map(\.id).prefix(polled.count)), "the reader skipped an event committed late")
        try await database.close()
    }

    @Test(arguments: TestDatabases.Backend.allCases)
    func aConsumerAppliesEachEventOnceAndKeepsItsOffset(_ backend: TestDatabases.Backend) async throws {
        guard let database = try await Self.database(backend) else { return }
        try await Self.addNote("a", in: database)
        try await Self.addNote("b", in: database)
        let events = try await Outbox.events(after: 0, in: database)
        let applied = Counter()
        for event in events + events {  // delivered twice: the second time is ignored
            try await ConsumerLedger.apply(event, from: "notes", as: "mirror", in: database) { db in
                await applied.increment()
                try await db.insert(into: "notes").columns("id").values(SQLBind("mirror-" + event.id)).run()
            }
        }
        #expect(await applied.value == 2)
        #expect(try await ConsumerLedger.offset(of: "mirror", from: "notes", in: database) == events[1].offset)
        // An effect that fails leaves neither its writes nor the offset nor the seen id.
        try await Self.addNote("c", in: database)
        let third = try await Outbox.events(after: events[1].offset, in: database)[0]
        await #expect(throws: CancellationError.self) {
            try await ConsumerLedger.apply(third, from: "notes", as: "mirror", in: database) { db in
                try await db.insert(into: "notes").columns("id").values(SQLBind("mirror-c")).run()
                throw CancellationError()
            }
        }
        #expect(try await ConsumerLedger.offset(of: "mirror", from: "notes", in: database) == events[1].offset)
        let ids = try await database.withSession { db in
            try await db.select().column("id").from("notes").all().map { try $0.decode(column: "id", as: String.self) }
        }
        #expect(!ids.contains("mirror-c"))
        #expect(try await ConsumerLedger.apply(third, from: "notes", as: "mirror", in: database) { _ in })
        try await database.close()
    }
}

actor SeenOffsets {
    private(set) var ids: [String] = []
    func add(_ id: String) { ids.append(id) }
}

actor Counter {
    private(set) var value = 0
    func increment() { value += 1 }
}
