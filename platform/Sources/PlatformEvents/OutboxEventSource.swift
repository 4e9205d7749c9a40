import Foundation
import Logging
import PlatformStorage
import SQLKit
import WeftRPC

/// Serves services' outboxes to their consumers over the mesh (the embedded event transport):
/// each `Subscribe` sends the events of its source after the consumer's offset, then polls for
/// new ones until the consumer cancels.
public struct OutboxEventSource: EventSource.Handler {
    /// The outboxes by producing service's name (one process may serve several services).
    let outboxes: [String: Database]
    /// How long to wait before looking again when the outbox has nothing new.
    let pollInterval: Duration
    /// Events read from the outbox at a time.
    let batchSize: Int

    /// Serves the outboxes of the services `outboxes` names.
    public init(outboxes: [String: Database], pollInterval: Duration = .milliseconds(200), batchSize: Int = 100) {
        self.outboxes = outboxes
        self.pollInterval = pollInterval
        self.batchSize = batchSize
    }

    /// Serves one service's outbox, whatever source a subscriber names.
    public init(database: Database, pollInterval: Duration = .milliseconds(200), batchSize: Int = 100) {
        self.init(outboxes: ["": database], pollInterval: pollInterval, batchSize: batchSize)
    }

    public func subscribe(_ request: SubscribeRequest, responses: ResponseWriter<Event>, context: ServerContext) async throws {
        guard let database = outboxes[request.source] ?? (outboxes.count == 1 ? outboxes.first?.value : nil) else {
            throw Status(.notFound, "this process serves the events of \(outboxes.keys.sorted().joined(separator: ", ")), not of \(request.source)")
        }
        var after = request.afterOffset
        while !Task.isCancelled {
            let events = try await Outbox.events(after: after, topics: request.topics, limit: batchSize, in: database)
            for event in events {
                try await responses.write(Event(offset: event.offset, id: event.id, topic: event.topic, type: event.type, payload: Data(event.payload)))
                after = event.offset
            }
            if events.count < batchSize { try await Task.sleep(for: pollInterval) }
        }
    }
}

/// How a consumer receives another service's events, whichever transport carries them: over the
/// mesh from the producer's outbox (`EventSubscription`), or from NATS JetStream
/// (`JetStreamSubscription`). Either applies each event once, in the consumer's transaction
/// (`ConsumerLedger`), and keeps going until cancelled.
public protocol EventConsumer: Sendable {
    /// Applies events until cancelled: `effect` runs in the transaction that records the event.
    func run(effect: @escaping @Sendable (OutboxEvent, any SQLDatabase) async throws -> Void) async
}

/// A consumer of another service's events over the embedded transport: subscribes from the
/// offset its ledger holds, applies each event once in its own transaction, and after a broken
/// stream subscribes again from where it got (an event delivered twice is ignored by id).
public struct EventSubscription: EventConsumer {
    /// The producing service's events, e.g. `try mesh.client(EventSource.self, upstream: "catalog")`.
    public let source: EventSource.Client
    /// The producer's name in the consumer's ledger (e.g. "catalog").
    public let sourceName: String
    /// The consumer's name in its ledger (e.g. "inventory.archived-products").
    public let consumer: String
    /// Only these topics; all when empty.
    public let topics: [String]
    /// The consumer's database, which holds its ledger.
    public let database: Database
    /// How long to wait before subscribing again after a failure.
    public let retryDelay: Duration
    /// Where a broken subscription (or an effect that failed) is reported before the retry.
    public let logger: Logger

    public init(
        source: EventSource.Client, sourceName: String, consumer: String, topics: [String] = [], database: Database,
        retryDelay: Duration = .seconds(1), logger: Logger = Logger(label: "weft.platform.events")
    ) {
        self.source = source
        self.sourceName = sourceName
        self.consumer = consumer
        self.topics = topics
        self.database = database
        self.retryDelay = retryDelay
        self.logger = logger
    }

    /// Applies events until cancelled: `effect` runs in the transaction that records the event.
    public func run(effect: @escaping @Sendable (OutboxEvent, any SQLDatabase) async throws -> Void) async {
        await consumeRetrying(source: sourceName, consumer: consumer, retryDelay: retryDelay, logger: logger) {
            let after = try await ConsumerLedger.offset(of: consumer, from: sourceName, in: database)
            try await source.subscribe(SubscribeRequest(topics: topics, afterOffset: after, source: sourceName)) { events in
                for try await event in events {
                    let received = OutboxEvent(
                        offset: event.offset, id: event.id, topic: event.topic, type: event.type, payload: [UInt8](event.payload))
                    try await ConsumerLedger.apply(received, from: sourceName, as: consumer, in: database) { db in
                        try await effect(received, db)
                    }
                }
            }
        }
    }
}

/// Runs a consumer's `attempt` until cancelled, again after `retryDelay` whenever it ends or
/// fails (a broken stream, the broker away, an effect that failed), logging each failure.
public func consumeRetrying(
    source: String, consumer: String, retryDelay: Duration, logger: Logger, _ attempt: () async throws -> Void
) async {
    while !Task.isCancelled {
        do {
            try await attempt()
        } catch {
            if Task.isCancelled { return }
            logger.warning("events from \(source) stopped; subscribing again", metadata: ["consumer": "\(consumer)", "error": "\(error)"])
        }
        try? await Task.sleep(for: retryDelay)
    }
}
