import CNATS
import CWeftNATS
import Dispatch
import Foundation

/// A connection to a NATS server and its JetStream context, through the NATS C client.
///
/// `@unchecked Sendable`: nats.c documents `natsConnection` and `jsCtx` as safe to use from
/// several threads; every blocking call runs on this connection's own dispatch queue, never on
/// Swift's cooperative threads.
public final class JetStream: @unchecked Sendable {
    /// The deployment's name on the server: its stream is `<NAMESPACE>_EVENTS`, its subjects
    /// `<namespace>.events.<source>.<topic>`, so several deployments can share one server.
    public let namespace: String
    /// The stream every event of the deployment goes to.
    public var streamName: String { namespace.uppercased() + "_EVENTS" }

    private let connection: OpaquePointer
    private let context: OpaquePointer
    private let queue = DispatchQueue(label: "weft.nats")

    /// Connects to `url` (`nats://host:port`) and makes sure the deployment's stream exists,
    /// with `duplicateWindow` of de-duplication by event id.
    public static func connect(url: String, namespace: String = "weft", duplicateWindow: Duration = .seconds(120)) async throws -> JetStream {
        guard !namespace.isEmpty, namespace.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw NATSError("the namespace must be letters, digits, - or _ (got \(namespace))")
        }
        let jetStream: JetStream = try await blocking(on: DispatchQueue(label: "weft.nats.connect")) {
            var connection: OpaquePointer?
            var context: OpaquePointer?
            let status = weft_js_connect(url, &connection, &context)
            guard status == NATS_OK, let connection, let context else { throw NATSError(status, "cannot connect to \(url)") }
            return JetStream(connection: connection, context: context, namespace: namespace)
        }
        try await jetStream.run { [jetStream] in
            let status = weft_js_ensure_stream(
                jetStream.context, jetStream.streamName, "\(namespace).events.>", Int64(duplicateWindow.components.seconds * 1000))
            guard status == NATS_OK else { throw NATSError(status, "cannot create the stream \(jetStream.streamName)") }
        }
        return jetStream
    }

    private init(connection: OpaquePointer, context: OpaquePointer, namespace: String) {
        self.connection = connection
        self.context = context
        self.namespace = namespace
    }

    deinit {
        jsCtx_Destroy(context)
        natsConnection_Destroy(connection)
    }

    /// The subject of `source`'s events on `topic` (`>`: every topic).
    public func subject(source: String, topic: String) -> String {
        "\(namespace).events.\(source).\(topic)"
    }

    /// Publishes one outbox event; returns whether the stream had its id already (a re-publish).
    public func publish(_ event: PublishedEvent) async throws -> Bool {
        try await run { [self] in
            var duplicate = false
            let status = event.payload.withUnsafeBytes { payload in
                weft_js_publish(
                    self.context, self.subject(source: event.source, topic: event.topic), payload.baseAddress, Int32(payload.count), event.id,
                    event.type, event.topic, event.offset, &duplicate)
            }
            guard status == NATS_OK else { throw NATSError(status, "cannot publish event \(event.id)") }
            return duplicate
        }
    }

    /// A durable pull consumer `durable` of `subject` (a wildcard may end it).
    public func pullSubscription(subject: String, durable: String, ackWait: Duration = .seconds(30)) async throws -> PullSubscription {
        try await run { [self] in
            var subscription: OpaquePointer?
            let status = weft_js_pull_subscribe(self.context, self.streamName, subject, durable, Int64(ackWait.components.seconds * 1000), &subscription)
            guard status == NATS_OK, let subscription else { throw NATSError(status, "cannot subscribe \(durable) to \(subject)") }
            return PullSubscription(subscription, owner: self)
        }
    }

    /// Closes the connection (later calls fail).
    public func close() async {
        try? await run { [self] in natsConnection_Close(self.connection) }
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await Self.blocking(on: queue, body)
    }

    static func blocking<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// An outbox event as it goes to the stream.
public struct PublishedEvent: Sendable {
    public let source: String
    public let id: String
    public let topic: String
    public let type: String
    public let offset: Int64
    public let payload: [UInt8]

    public init(source: String, id: String, topic: String, type: String, offset: Int64, payload: [UInt8]) {
        self.source = source
        self.id = id
        self.topic = topic
        self.type = type
        self.offset = offset
        self.payload = payload
    }
}

/// A failure of the NATS client, with its text.
public struct NATSError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ status: natsStatus, _ what: String) {
        description = "\(what): \(String(cString: weft_nats_error_text(status)))"
    }

    init(_ description: String) {
        self.description = description
    }
}
