import Synchronization
import Testing
import WeftMessages
@testable import WeftRPC

/// The generated `Handler` protocol and its registration, driven through `ServerMethod` with
/// in-memory message streams (the HTTP/2 transport is tested on its own).
@Suite struct ServerStubTests {
    /// Hands out queued request messages, then end of stream.
    final class QueuedSource: MessageSource {
        let queue: Mutex<[[UInt8]]>
        init(_ messages: [any WeftMessage]) { queue = Mutex(messages.map { $0.serializedBytes() }) }
        func next() async throws -> [UInt8]? {
            queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        }
    }

    /// Collects what a handler writes.
    final class CollectingSink: MessageSink {
        let written = Mutex<[[UInt8]]>([])
        func write(_ message: [UInt8]) async throws { written.withLock { $0.append(message) } }
        func decoded<M: WeftMessage>(as type: M.Type) throws -> [M] {
            try written.withLock { $0 }.map { try M(serializedBytes: $0) }
        }
    }

    func context() -> ServerContext {
        ServerContext(path: "/weft.test.edge.Shelves/GetBook", requestMetadata: Metadata(), deadline: nil, peerIdentity: nil)
    }

    @Test func registrationListsEveryMethodWithItsDescriptor() {
        #expect(Library().serverMethods.map(\.descriptor.name) == ["GetBook", "WatchBooks"])
    }

    @Test func unaryCallsTheHandlerAndWritesOneResponse() async throws {
        let sink = CollectingSink()
        let context = context()
        try await Library().serverMethods[0].run(QueuedSource([Named(displayName: "dune")]), sink, context)
        #expect(try sink.decoded(as: Named.self) == [Named(displayName: "found: dune", priority: .high)])
        #expect(context.trailingMetadata.first("x-served-by") == "library")
    }

    @Test func unaryRejectsZeroOrTwoRequests() async {
        for requests in [[], [Named(), Named()]] {
            await #expect { try await Library().serverMethods[0].run(QueuedSource(requests), CollectingSink(), context()) }
                throws: { ($0 as? Status)?.code == .internal }
        }
    }

    @Test func handlerStatusesPropagate() async {
        await #expect(throws: Status(.notFound, "no such book")) {
            try await Library().serverMethods[0].run(QueuedSource([Named(displayName: "missing")]), CollectingSink(), context())
        }
    }

    @Test func bidirectionalStreamsEveryMessage() async throws {
        let sink = CollectingSink()
        let requests = ["a", "b", "c"].map { Named(displayName: $0) }
        try await Library().serverMethods[1].run(QueuedSource(requests), sink, context())
        #expect(try sink.decoded(as: Named.self).map(\.displayName) == ["A", "B", "C"])
    }

    @Test func undecodableRequestIsInternal() async {
        final class Garbage: MessageSource {
            func next() async throws -> [UInt8]? { [0xFF] }
        }
        await #expect { try await Library().serverMethods[0].run(Garbage(), CollectingSink(), context()) }
            throws: { ($0 as? Status)?.code == .internal }
    }
}
