import Logging
import PlatformEvents
import PlatformStorage
import SQLKit

/// A consumer of another service's events through NATS JetStream: a durable pull consumer
/// (`<consumer>-<source>`) of `<namespace>.events.<source>.>`; each event is applied once in the
/// consumer's transaction (`ConsumerLedger`), then acknowledged. An event whose effect failed,
/// or that was not acknowledged before a crash, is delivered again; the ledger ignores an id it
/// has applied.
public struct JetStreamSubscription: EventConsumer {
    public let jetStream: JetStream
    /// The producer's name (e.g. "catalog").
    public let sourceName: String
    /// The consumer's name (e.g. "inventory"); with the source, the durable consumer's name.
    public let consumer: String
    /// Only these topics; all when empty.
    public let topics: [String]
    public let database: Database
    public let retryDelay: Duration
    /// How long a delivered event may stay unacknowledged (its consumer died, say) before the
    /// stream delivers it again.
    public let ackWait: Duration
    public let logger: Logger

    public init(
        jetStream: JetStream, sourceName: String, consumer: String, topics: [String] = [], database: Database,
        retryDelay: Duration = .seconds(1), ackWait: Duration = .seconds(10), logger: Logger = Logger(label: "weft.platform.events")
    ) {
        self.ackWait = ackWait
        self.jetStream = jetStream
        self.sourceName = sourceName
        self.consumer = consumer
        self.topics = topics
        self.database = database
        self.retryDelay = retryDelay
        self.logger = logger
    }

    public func run(effect: @escaping @Sendable (OutboxEvent, any SQLDatabase) async throws -> Void) async {
        await consumeRetrying(source: sourceName, consumer: consumer, retryDelay: retryDelay, logger: logger) {
            let subscription = try await jetStream.pullSubscription(
                subject: jetStream.subject(source: sourceName, topic: ">"), durable: "\(consumer)-\(sourceName)", ackWait: ackWait)
            while !Task.isCancelled {
                for message in try await subscription.fetch(batch: 50, wait: .seconds(1)) {
                    if topics.isEmpty || topics.contains(message.event.topic) {
                        try await ConsumerLedger.apply(message.event, from: sourceName, as: consumer, in: database) { db in
                            try await effect(message.event, db)
                        }
                    }
                    try await subscription.acknowledge(message)
                }
            }
        }
    }
}
