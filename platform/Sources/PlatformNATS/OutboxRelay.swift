import Logging
import PlatformEvents
import PlatformStorage
import SQLKit

/// Publishes a service's outbox to NATS JetStream (the events' transport at scale): each event
/// after the relay's mark goes to `<namespace>.events.<source>.<topic>` with the event id as its message
/// id, then the mark moves past it. A relay that dies between the publish and the mark publishes
/// the event again when it restarts; the stream drops the second copy within its duplicate
/// window, and consumers ignore an id they have applied in any case.
public struct OutboxRelay: Sendable {
    /// The producing service's name, e.g. "catalog".
    public let source: String
    public let database: Database
    public let jetStream: JetStream
    /// How long to wait before looking again when the outbox has nothing new.
    public let pollInterval: Duration
    public let batchSize: Int
    public let logger: Logger

    public init(
        source: String, database: Database, jetStream: JetStream, pollInterval: Duration = .milliseconds(200), batchSize: Int = 100,
        logger: Logger = Logger(label: "weft.platform.events")
    ) {
        self.source = source
        self.database = database
        self.jetStream = jetStream
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.logger = logger
    }

    /// Publishes until cancelled; a failure (the broker away) is logged and retried.
    public func run() async {
        while !Task.isCancelled {
            do {
                if try await publishPending() == batchSize { continue }
            } catch {
                if Task.isCancelled { return }
                logger.warning("publishing \(source)'s events failed; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// Publishes up to `batchSize` events after the mark, moving the mark past each; returns
    /// how many it published.
    @discardableResult
    public func publishPending() async throws -> Int {
        let events = try await Outbox.events(after: try await mark(), limit: batchSize, in: database)
        for event in events {
            _ = try await jetStream.publish(PublishedEvent(
                source: source, id: event.id, topic: event.topic, type: event.type, offset: event.offset, payload: event.payload))
            try await setMark(event.offset)
        }
        return events.count
    }

    /// The offset of the last event published.
    public func mark() async throws -> Int64 {
        try await database.withSession { db in
            try await db.select().column("last_offset").from("weft_outbox_relay").where("relay", .equal, SQLBind(source)).first()?
                .decode(column: "last_offset", as: Int64.self) ?? 0
        }
    }

    private func setMark(_ offset: Int64) async throws {
        try await database.withSession { db in
            try await db.insert(into: "weft_outbox_relay").columns("relay", "last_offset").values(SQLBind(source), SQLBind(offset))
                .onConflict(with: ["relay"]) { $0.set("last_offset", to: SQLBind(offset)) }
                .run()
        }
    }
}
