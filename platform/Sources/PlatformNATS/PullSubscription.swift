import CNATS
import CWeftNATS
import Dispatch
import PlatformEvents

/// A durable pull consumer's subscription: fetches batches of messages and acknowledges them
/// one by one, after their effect has committed.
///
/// `@unchecked Sendable`: the `natsSubscription` is used only from this object's dispatch queue,
/// one call at a time, and a fetched message only until its acknowledgement.
public final class PullSubscription: @unchecked Sendable {
    private let subscription: OpaquePointer
    /// Keeps the connection open while the subscription lives.
    private let owner: JetStream
    private let queue = DispatchQueue(label: "weft.nats.pull")

    init(_ subscription: OpaquePointer, owner: JetStream) {
        self.subscription = subscription
        self.owner = owner
    }

    deinit {
        natsSubscription_Destroy(subscription)
    }

    /// A received message: the event it carries, and the way to acknowledge it.
    public struct Message: @unchecked Sendable {
        public let event: OutboxEvent
        fileprivate let message: OpaquePointer
    }

    /// Up to `batch` messages, waiting at most `wait` for the first; none when the wait ends.
    public func fetch(batch: Int, wait: Duration) async throws -> [Message] {
        try await JetStream.blocking(on: queue) { [self] in
            var list = natsMsgList()
            var code = jsErrCode(rawValue: 0)
            let status = natsSubscription_Fetch(&list, self.subscription, Int32(batch), Int64(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000), &code)
            if status == NATS_TIMEOUT { return [] }
            guard status == NATS_OK else { throw NATSError(status, "cannot fetch events") }
            var messages: [Message] = []
            for index in 0..<Int(list.Count) {
                guard let message = list.Msgs[index] else { continue }
                list.Msgs[index] = nil  // now ours: destroyed at its acknowledgement
                messages.append(Message(event: Self.event(of: message), message: message))
            }
            natsMsgList_Destroy(&list)
            return messages
        }
    }

    /// Acknowledges `message` (its effect committed): the stream will not deliver it again.
    public func acknowledge(_ message: Message) async throws {
        try await JetStream.blocking(on: queue) {
            let status = natsMsg_Ack(message.message, nil)
            natsMsg_Destroy(message.message)
            guard status == NATS_OK else { throw NATSError(status, "cannot acknowledge an event") }
        }
    }

    private static func event(of message: OpaquePointer) -> OutboxEvent {
        func header(_ name: String) -> String {
            var value: UnsafePointer<CChar>?
            guard natsMsgHeader_Get(message, name, &value) == NATS_OK, let value else { return "" }
            return String(cString: value)
        }
        let length = Int(natsMsg_GetDataLength(message))
        let payload = natsMsg_GetData(message).map { data in
            [UInt8](UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: length))
        } ?? []
        return OutboxEvent(
            offset: Int64(header("Weft-Event-Offset")) ?? 0, id: header("Nats-Msg-Id"), topic: header("Weft-Event-Topic"),
            type: header("Weft-Event-Type"), payload: payload)
    }
}
