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
    public static func migration(_ version: Int) -> Migration {
        Migration(version, "outbox") { db, engine in
            try await db.create(table: "weft_outbox")
                // SQLite: AUTOINCREMENT, so an offset is never handed out twice, even after the
                // newest rows are deleted.
                .column("offset", type: engine == .postgres ? .custom(SQLRaw("BIGSERIAL PRIMARY KEY")) : .custom(SQLRaw("INTEGER PRIMARY KEY AUTOINCREMENT")))
                .column("event_id", type: .text, .notNull, .unique)
                .column("topic", type: .text, .notNull)
                .column("type", type: .text, .notNull)
                .column("payload", type: .blob, .notNull)
                .column("created_at", type: .text, .notNull)
                .run()
            // Subscribers filtering by topic read from an offset on.
            try await db.create(index: "weft_outbox_topic_offset").on("weft_outbox").column("topic").column("offset").run()
        }
    }

    /// Appends `event` to the outbox within the transaction `db` belongs to (call it last in the
    /// transaction: on PostgreSQL it holds the outbox lock until commit).
    ///
    /// Offsets follow commit order: SQLite has one writer; on PostgreSQL appenders take a
    /// transaction-scoped advisory lock, so a transaction that took a smaller offset has always
    /// committed before a larger one becomes visible, and a reader resuming after an offset
    /// never skips an event committed late.
    @discardableResult
    public static func append(
        _ event: some WeftMessage, topic: String, id: String = UUID().uuidString.lowercased(), in db: any SQLDatabase
    ) async throws -> String {
        if db.dialect.name == "postgresql" { try await db.raw("SELECT pg_advisory_xact_lock(\(literal: lockKey))").run() }
        try await db.insert(into: "weft_outbox")
            .columns("event_id", "topic", "type", "payload", "created_at")
            .values(
                SQLBind(id), SQLBind(topic), SQLBind(type(of: event).descriptor.fullName), SQLBind(Data(event.serializedBytes())),
                SQLBind(ISO8601DateFormatter().string(from: Date())))
            .run()
        return id
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
        try await database.withSession { db in
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

    /// The advisory lock key of outbox appends ("weftoutb" as an integer).
    static let lockKey: Int64 = 0x7765_6674_6F75_7462
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
