import Foundation
import PlatformStorage
import SQLKit
import WeftMessages

/// One domain event as the outbox holds it.
public struct OutboxEvent: Sendable, Hashable {
    /// Its place in the outbox: every later committed event has a larger one. (`offset` and
    /// `type` are SQL keywords: quote them in raw SQL.)
    public let offset: Int64
    /// Unique across the platform; consumers drop an id they have seen (JetStream does too).
    public let id: String
    /// What it is about, e.g. "catalog.products".
    public let topic: String
    /// The message's full name, e.g. "weft.platform.catalog.v1.ProductArchived".
    public let type: String
    /// The message, protobuf binary.
    public let payload: [UInt8]

    /// An event with these parts (what a transport delivers).
    public init(offset: Int64, id: String, topic: String, type: String, payload: [UInt8]) {
        self.offset = offset
        self.id = id
        self.topic = topic
        self.type = type
        self.payload = payload
    }

    /// The message, when it is a `Message`.
    public func message<Message: WeftMessage>(_ type: Message.Type) throws -> Message? {
        guard self.type == Message.descriptor.fullName else { return nil }
        return try Message(serializedBytes: payload)
    }
}

/// The transactional outbox: a service appends its domain events in the transaction that makes
/// the change they tell of, so there is never an event without its change nor a change without
/// its event; relays and subscribers read them in offset order.
public enum Outbox {
    /// The migration that makes the outbox table; a service lists it among its own.
    ///
    /// On SQLite an event's offset is its row id (AUTOINCREMENT, so never handed out twice): the
    /// one writer commits in row order. On PostgreSQL writers commit in any order, so a row is
    /// born without an offset (`seq` only keeps arrival order) and readers number the committed
    /// rows later (see `sequence`): an offset is given only to a committed event, and always
    /// larger than every offset given before, so a reader resuming after an offset misses nothing.
    public static func migration(_ version: Int) -> Migration {
        Migration(version, "outbox") { db, engine in
            var table = db.create(table: "weft_outbox")
            if engine == .postgres {
                table = table.column("seq", type: .custom(SQLRaw("BIGSERIAL PRIMARY KEY"))).column("offset", type: .bigint)
            } else {
                table = table.column("offset", type: .custom(SQLRaw("INTEGER PRIMARY KEY AUTOINCREMENT")))
            }
            try await table
                .column("event_id", type: .text, .notNull, .unique)
                .column("topic", type: .text, .notNull)
                .column("type", type: .text, .notNull)
                .column("payload", type: .blob, .notNull)
                .column("created_at", type: .text, .notNull)
                .run()
            if engine == .postgres {
                // Partial, so that an append (offset still NULL) writes one index, not three.
                try await db.raw(#"CREATE UNIQUE INDEX weft_outbox_offset ON weft_outbox ("offset") WHERE "offset" IS NOT NULL"#).run()
                try await db.raw(#"CREATE INDEX weft_outbox_topic_offset ON weft_outbox (topic, "offset") WHERE "offset" IS NOT NULL"#).run()
                try await db.raw(#"CREATE INDEX weft_outbox_unsequenced ON weft_outbox (seq) WHERE "offset" IS NULL"#).run()
            } else {
                // Subscribers filtering by topic read from an offset on.
                try await db.create(index: "weft_outbox_topic_offset").on("weft_outbox").column("topic").column("offset").run()
            }
        }
    }

    /// Appends `event` to the outbox within the transaction `db` belongs to. It takes no lock:
    /// concurrent writers do not wait for each other.
    @discardableResult
    public static func append(
        _ event: some WeftMessage, topic: String, id: String = UUID().uuidString.lowercased(), in db: any SQLDatabase
    ) async throws -> String {
        try await db.raw(row(event, topic: topic, id: id).statement).run()
        return id
    }

    /// The outbox row of `event`, to insert with a change (`Database.change(_:inserting:)`).
    /// Raw SQL: the hot path pays no query builder.
    public static func row(_ event: some WeftMessage, topic: String, id: String = UUID().uuidString.lowercased()) -> RowInsert {
        RowInsert(
            into: "weft_outbox", columns: ["event_id", "topic", #""type""#, "payload", "created_at"],
            values: [id, topic, type(of: event).descriptor.fullName, Data(event.serializedBytes()), Date().formatted(.iso8601)])
    }

    /// The migration that makes the relay's mark: how far a relay has published the outbox to a
    /// broker (NATS JetStream); a producing service lists it among its own.
    public static func relayMigration(_ version: Int) -> Migration {
        Migration(version, "outbox relay") { db, _ in
            try await db.create(table: "weft_outbox_relay")
                .column("relay", type: .text, .primaryKey(autoIncrement: false))
                .column("last_offset", type: .bigint, .notNull)
                .run()
        }
    }

    /// Up to `limit` events after `offset`, of `topics` (all when empty), in offset order.
    public static func events(after offset: Int64, topics: [String] = [], limit: Int = 100, in database: Database) async throws -> [OutboxEvent] {
        if database.engine == .postgres { try await sequence(database) }
        return try await database.withSession { db in
            var query = db.select().columns("offset", "event_id", "topic", "type", "payload").from("weft_outbox")
                .where("offset", .greaterThan, SQLBind(offset))
            if !topics.isEmpty { query = query.where("topic", .in, SQLBind.group(topics)) }
            return try await query.orderBy("offset").limit(limit).all().map { row in
                OutboxEvent(
                    offset: try row.decode(column: "offset", as: Int64.self), id: try row.decode(column: "event_id", as: String.self),
                    topic: try row.decode(column: "topic", as: String.self), type: try row.decode(column: "type", as: String.self),
                    payload: [UInt8](try row.decode(column: "payload", as: Data.self)))
            }
        }
    }

    /// Gives the committed events without an offset theirs (PostgreSQL), in arrival order, each
    /// larger than any given before. Numberers take turns under an advisory lock, and each
    /// numbers only what had committed when it began, so offsets become visible in increasing
    /// order: a reader never sees an offset before a smaller one that will still appear.
    private static func sequence(_ database: Database) async throws {
        let pending = try await database.withSession { db in
            try await db.raw(#"SELECT 1 AS pending FROM weft_outbox WHERE "offset" IS NULL LIMIT 1"#).first() != nil
        }
        guard pending else { return }
        try await database.transaction { db in
            try await db.raw("SELECT pg_advisory_xact_lock(\(literal: sequencerLock))").run()
            try await db.raw(#"""
                UPDATE weft_outbox SET "offset" = numbered.next
                FROM (SELECT seq, (SELECT COALESCE(MAX("offset"), 0) FROM weft_outbox) + ROW_NUMBER() OVER (ORDER BY seq) AS next
                      FROM weft_outbox WHERE "offset" IS NULL) AS numbered
                WHERE weft_outbox.seq = numbered.seq
                """#).run()
        }
    }

    /// The advisory lock numberers take turns under ("weftoutb" as an integer).
    static let sequencerLock: Int64 = 0x7765_6674_6F75_7462
}

/// What a consumer keeps in its own database: how far it has read each source, and the ids of
/// the events it applied, both written in the transaction that applies an event. Its effect
/// happens exactly once however often the event is delivered, for the writes it makes through
/// the `db` it is given. Offsets are kept per consumer and source (not per topic set).
public enum ConsumerLedger {
    /// The migration that makes the ledger's tables; a consuming service lists it among its own.
    public static func migration(_ version: Int) -> Migration {
        Migration(version, "consumer ledger") { db, _ in
            try await db.create(table: "weft_consumer_offsets")
                .column("consumer", type: .text, .notNull)
                .column("source", type: .text, .notNull)
                .column("last_offset", type: .bigint, .notNull)
                .primaryKey("consumer", "source")
                .run()
            try await db.create(table: "weft_consumed_events")
                .column("consumer", type: .text, .notNull)
                .column("event_id", type: .text, .notNull)
                .primaryKey("consumer", "event_id")
                .run()
        }
    }

    /// The offset `consumer` has applied up to from `source` (0 before the first event).
    public static func offset(of consumer: String, from source: String, in database: Database) async throws -> Int64 {
        try await database.withSession { db in
            try await db.select().column("last_offset").from("weft_consumer_offsets")
                .where("consumer", .equal, SQLBind(consumer)).where("source", .equal, SQLBind(source))
                .first()?.decode(column: "last_offset", as: Int64.self) ?? 0
        }
    }

    /// Applies `event` once: in one transaction, records its id and offset and runs `effect`;
    /// returns false, doing nothing, when `consumer` has applied this event id before.
    @discardableResult
    public static func apply(
        _ event: OutboxEvent, from source: String, as consumer: String, in database: Database,
        effect: @escaping @Sendable (any SQLDatabase) async throws -> Void
    ) async throws -> Bool {
        try await database.transaction { db in
            try await advance(consumer, from: source, to: event.offset, in: db)
            // A seen id inserts nothing and returns no row: two instances of one consumer
            // delivering the same event apply it once, neither failing.
            let recorded = try await db.insert(into: "weft_consumed_events").columns("consumer", "event_id")
                .values(SQLBind(consumer), SQLBind(event.id))
                .ignoringConflicts(with: ["consumer", "event_id"])
                .returning("event_id").first()
            guard recorded != nil else { return false }
            try await effect(db)
            return true
        }
    }

    /// Moves the consumer's offset forward to `offset`; a redelivered older event, or another
    /// instance that got further, leaves it (the comparison is the database's, in one statement).
    private static func advance(_ consumer: String, from source: String, to offset: Int64, in db: any SQLDatabase) async throws {
        try await db.insert(into: "weft_consumer_offsets").columns("consumer", "source", "last_offset")
            .values(SQLBind(consumer), SQLBind(source), SQLBind(offset))
            .onConflict(with: ["consumer", "source"]) { update in
                update.set(excludedValueOf: "last_offset")
                    .where(SQLColumn("last_offset", table: "weft_consumer_offsets"), .lessThan, SQLColumn("last_offset", table: "excluded"))
            }
            .run()
    }
}
