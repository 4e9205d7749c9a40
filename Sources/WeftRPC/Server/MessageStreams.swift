#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WeftMessages

/// Where a call's incoming messages come from. Pull-based, so the transport acknowledges
/// received bytes (opening the HTTP/2 window) only as the handler consumes messages.
public protocol MessageSource: Sendable {
    /// The next message's bytes; nil once the peer has half-closed.
    func next() async throws -> [UInt8]?
}

/// Where a call's outgoing messages go. `write` returns when the transport has taken the bytes,
/// so a fast producer waits for a slow reader (flow control is the backpressure).
public protocol MessageSink: Sendable {
    func write(_ message: [UInt8]) async throws
}

/// The messages a client streams to a handler, decoded as they are read. (`@inlinable`, as
/// `ResponseWriter` and `ServerMethod`'s factories: a service's generated module then decodes
/// and encodes its own message types directly, not through unspecialized generic code.)
public struct RequestStream<Message: WeftMessage>: AsyncSequence, Sendable {
    public typealias Element = Message
    @usableFromInline let source: any MessageSource

    /// A stream over `source`.
    @inlinable public init(source: any MessageSource) {
        self.source = source
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline let source: any MessageSource

        @inlinable init(source: any MessageSource) {
            self.source = source
        }

        @inlinable public mutating func next() async throws -> Message? {
            guard let bytes = try await source.next() else { return nil }
            do {
                return try Message(serializedBytes: bytes)
            } catch {
                throw Status(.internal, "cannot decode \(Message.descriptor.fullName): \(error)")
            }
        }
    }

    @inlinable public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source) }
}

/// Sends a handler's response messages, encoded, in order.
public struct ResponseWriter<Message: WeftMessage>: Sendable {
    @usableFromInline let sink: any MessageSink

    /// A writer into `sink`.
    @inlinable public init(sink: any MessageSink) {
        self.sink = sink
    }

    /// Sends `message`; returns once the transport has accepted it.
    @inlinable public func write(_ message: Message) async throws {
        try await sink.write(message.serializedBytes())
    }
}
