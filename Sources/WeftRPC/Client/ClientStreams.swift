import WeftMessages

/// A unary or client-streaming call's response with the metadata that came with it.
public struct ClientResponse<Message: WeftMessage>: Sendable {
    public let message: Message
    public let initialMetadata: Metadata
    public let trailingMetadata: Metadata

    @usableFromInline init(message: Message, initialMetadata: Metadata, trailingMetadata: Metadata) {
        self.message = message
        self.initialMetadata = initialMetadata
        self.trailingMetadata = trailingMetadata
    }
}

/// The responses of a server-streaming or bidirectional call, decoded as they are read. Ends
/// when the call ends with OK; any other status is thrown from iteration. (`@inlinable`, as
/// `RequestWriter`: a generated client's module decodes and encodes its own message types
/// directly.)
public struct ResponseStream<Message: WeftMessage>: AsyncSequence, Sendable {
    public typealias Element = Message
    @usableFromInline let call: any ClientCall

    @usableFromInline init(call: any ClientCall) {
        self.call = call
    }

    /// The server's initial metadata.
    public func initialMetadata() async throws -> Metadata { try await call.initialMetadata() }

    /// The server's trailing metadata, once iteration has finished.
    public func trailingMetadata() async -> Metadata { await call.trailingMetadata() }

    @inlinable public func makeAsyncIterator() -> RequestStream<Message>.AsyncIterator {
        RequestStream<Message>(source: call).makeAsyncIterator()
    }
}

/// Sends a streaming call's request messages.
public struct RequestWriter<Message: WeftMessage>: Sendable {
    @usableFromInline let call: any ClientCall

    @usableFromInline init(call: any ClientCall) {
        self.call = call
    }

    /// Sends `message`; returns when the transport has taken it (flow control may make it wait).
    @inlinable public func write(_ message: Message) async throws {
        try await call.send(message.serializedBytes())
    }
}
