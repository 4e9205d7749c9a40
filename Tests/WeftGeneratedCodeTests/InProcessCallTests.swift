import Synchronization
import Testing
import WeftInterop
import WeftMessages
import WeftRPC
import WeftTestSupport

/// Generated clients calling generated handlers through the in-process transport: the whole
/// call path (dispatch, statuses, metadata, deadlines, cancellation) without sockets.
@Suite struct InProcessCallTests {
    let client = Shelves.Client(transport: InProcessTransport(services: [Library()]))

    @Test func unaryCallReturnsTheResponse() async throws {
        let book = try await client.getBook(Named(displayName: "dune"))
        #expect(book == Named(displayName: "found: dune", priority: .high))
    }

    @Test func handlerStatusReachesTheClient() async {
        await #expect(throws: Status(.notFound, "no such book")) {
            try await client.getBook(Named(displayName: "missing"))
        }
    }

    @Test func metadataTravelsBothWays() async throws {
        let response: ClientResponse<Named> = try await ClientCalls.unary(
            client.transport, Shelves.descriptor.methods[0], Named(displayName: "x"),
            options: CallOptions(metadata: Metadata(["x-caller": "test"])))
        #expect(response.trailingMetadata.first("x-served-by") == "library")
    }

    @Test func bidirectionalStreamingInterleaves() async throws {
        #expect(try await client.echo(["a", "b", "c"]) == ["A", "B", "C"])
    }

    @Test func unknownServiceIsUnimplemented() async {
        let stranger = UnimplementedService.Client(transport: client.transport)
        await #expect { try await stranger.unimplementedCall(Empty()) } throws: { ($0 as? Status)?.code == .unimplemented }
    }

    @Test func deadlineCancelsTheHandlerAndEndsTheCall() async throws {
        let started = ContinuousClock.now
        let slow = Shelves.Client(transport: InProcessTransport(services: [SlowLibrary()]))
        // DEADLINE_EXCEEDED is the proof: the handler would have answered (OK), much later.
        await #expect { try await slow.getBook(Named(), options: CallOptions(timeout: .milliseconds(100))) }
            throws: { ($0 as? Status)?.code == .deadlineExceeded }
        #expect(ContinuousClock.now - started < hangGuard)  // a guard only: the handler would take SlowLibrary.pause
    }

    @Test func cancellingTheClientCancelsTheHandler() async throws {
        let library = SlowLibrary()
        let slow = Shelves.Client(transport: InProcessTransport(services: [library]))
        let call = Task { try await slow.getBook(Named()) }
        let reached = try await waitUntil { library.started.withLock { $0 } }
        try #require(reached, "the call never reached its handler")
        call.cancel()
        _ = await call.result
        let cancelled = try await waitUntil { library.sawCancellation.withLock { $0 } }
        #expect(cancelled)
    }
}

/// A handler that takes far longer than any test waits, noting whether it was cancelled.
final class SlowLibrary: Shelves.Handler {
    /// How long it would take to answer: well past `hangGuard`, so a call that ends within that
    /// bound did not wait for the handler.
    static let pause: Duration = .seconds(600)

    let started = Mutex(false)
    let sawCancellation = Mutex(false)

    func getBook(_ request: Named, context: ServerContext) async throws -> Named {
        started.withLock { $0 = true }
        do {
            try await Task.sleep(for: Self.pause)
        } catch {
            sawCancellation.withLock { $0 = true }
            throw error
        }
        return request
    }

    func watchBooks(_ requests: RequestStream<Named>, responses: ResponseWriter<Named>, context: ServerContext) async throws {}
}
