import Foundation
import Synchronization
import Testing
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTestSupport

/// The generated stubs over real sockets and real HTTP/2 (h2c here; mutual TLS is exercised
/// against grpcio in Tests/Interop).
@Suite struct HTTP2CallTests {
    @Test func callsOverHTTP2() async throws {
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [Library()], threads: 1)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let client = Shelves.Client(transport: channel)

        #expect(try await client.getBook(Named(displayName: "dune")).displayName == "found: dune")
        await #expect(throws: Status(.notFound, "no such book")) { try await client.getBook(Named(displayName: "missing")) }
        // A status's details cross the wire (grpc-status-details-bin).
        let unnamed = await #expect(throws: Status.self) { try await client.getBook(Named(displayName: "nameless")) }
        #expect(unnamed == Library.unnamed)
        #expect(unnamed?.detail(Google_Rpc_ErrorInfo.self)?.reason == "UNNAMED")
        // A reason the schema declares comes back as the typed error it was thrown as.
        let lost = await #expect(throws: ServiceError<ShelfError>.self) { try await client.getBook(Named(displayName: "lost")) }
        #expect(lost == Library.lost)
        #expect(lost?.status.code == .notFound)
        // Interceptors (metrics, the call log) see a typed error as the status it is sent as.
        #expect(Status(error: Library.lost) == Library.lost.status)
        #expect(Status(error: CancellationError()).code == .cancelled)

        #expect(try await client.echo(["a", "b"]) == ["A", "B"])

        try await channel.close()
        try await server.shutdown()
    }

    @Test func deadlineCrossesTheWire() async throws {
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [SlowLibrary()], threads: 1)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let started = ContinuousClock.now
        // DEADLINE_EXCEEDED is the proof: the handler would have answered (OK), much later.
        await #expect { try await Shelves.Client(transport: channel).getBook(Named(), options: CallOptions(timeout: .milliseconds(200))) }
            throws: { ($0 as? Status)?.code == .deadlineExceeded }
        #expect(ContinuousClock.now - started < hangGuard)  // a guard only: the handler would take SlowLibrary.pause
        try await channel.close()
        try await server.shutdown()
    }

    /// nghttp sends `grpc-timeout` but never cancels: the server's own timer must end the call.
    @Test func theServerEndsACallAtItsDeadline() async throws {
        let library = SlowLibrary()
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [library], threads: 1)
        let body = FileManager.default.temporaryDirectory.appendingPathComponent("weft-deadline-\(UUID()).bin")
        try Data([0, 0, 0, 0, 0]).write(to: body)
        defer { try? FileManager.default.removeItem(at: body) }
        let started = ContinuousClock.now
        let output = try await runTool("/usr/bin/nghttp", [
            "-v", "-H", ":method: POST", "-H", "content-type: application/grpc", "-H", "te: trailers", "-H", "grpc-timeout: 300m",
            "-d", body.path, "http://127.0.0.1:\(server.port)\(Shelves.descriptor.methods[0].path)",
        ]).text
        #expect(output.contains("grpc-status: 4"), "\(output)")
        #expect(ContinuousClock.now - started < hangGuard)  // a guard only: the handler would take SlowLibrary.pause
        #expect(library.sawCancellation.withLock { $0 })
        try await server.shutdown()
    }

    /// Only the first shutdown drains; a second returns at once, even while the first is still
    /// waiting for a call, and one after the event loops have stopped neither throws nor crashes
    /// (SWIFTNIO_STRICT turns work scheduled on a stopped loop into a crash).
    @Test func shuttingDownTwiceIsHarmless() async throws {
        let handler = Held()
        defer { handler.release.open() }
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [handler], threads: 1)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let client = Shelves.Client(transport: channel)
        let held = Task { try await client.getBook(Named(displayName: "held")) }
        let reached = try await waitUntil { handler.started.load(ordering: .relaxed) }
        try #require(reached, "the call never reached its handler")

        let firstEnded = Gate()  // opened when the first shutdown returns
        let first = Task {
            try await server.shutdown(gracePeriod: hangGuard)
            firstEnded.open()
        }
        // The connection refuses new calls once the first shutdown's drain has begun.
        let refusal = try await firstRefusal(client)
        #expect(refusal?.code == .unavailable, "\(String(describing: refusal))")
        // The held call keeps the first shutdown draining; the second does not wait for it.
        try await server.shutdown(gracePeriod: hangGuard)
        #expect(!firstEnded.isOpen, "the second shutdown waited for the first one's drain")

        handler.release.open()
        #expect(try await held.value.displayName == "done: held")
        try await first.value
        #expect(firstEnded.isOpen)
        // Its event loops are gone by now: a third shutdown returns too, and the server stays shut.
        try await server.shutdown(gracePeriod: .milliseconds(100))
        await #expect { try await client.getBook(Named(displayName: "after")) } throws: { ($0 as? Status)?.code == .unavailable }
        try await channel.close()
    }

    @Test func aClosedServerFailsCallsWithUnavailable() async throws {
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [Library()], threads: 1)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        try await server.shutdown()
        // The connection may linger a moment; once it is gone calls fail fast, never hang.
        await #expect { try await Shelves.Client(transport: channel).getBook(Named(), options: CallOptions(timeout: .seconds(5))) }
            throws: { error in
                let code = (error as? Status)?.code
                return code == .unavailable || code == .deadlineExceeded
            }
        try await channel.close()
    }
}

/// Flow control is the backpressure: a client that stops reading stops the server's handler.
@Suite struct BackpressureTests {
    /// Streams 64 KiB messages for as long as it may, counting the writes that completed.
    final class Flood: Shelves.Handler {
        let written = Mutex(0)

        func getBook(_ request: Named, context: ServerContext) async throws -> Named { request }

        func watchBooks(_ requests: RequestStream<Named>, responses: ResponseWriter<Named>, context: ServerContext) async throws {
            let big = Named(displayName: String(repeating: "x", count: 64 * 1024))
            for _ in 0..<2_000 {
                try await responses.write(big)
                written.withLock { $0 += 1 }
            }
        }
    }

    @Test func aClientThatDoesNotReadStopsTheHandler() async throws {
        let flood = Flood()
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [flood], threads: 1)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let received = try await Shelves.Client(transport: channel).watchBooks { _ in } onResponse: { responses in
            // Do not read: the handler must stall, far short of its 2,000 messages. Sample until
            // the count holds still (the machine may be busy; a stall is what ends the wait).
            // Flow control caps what can go out unread, however long that takes.
            var previous = -1
            let stalled = try await waitUntil(interval: .milliseconds(300)) {
                let current = flood.written.withLock { $0 }
                defer { previous = current }
                return current == previous && current > 0
            }
            let current = flood.written.withLock { $0 }
            #expect(stalled, "the handler never stalled (\(current) written)")
            #expect(current < 1_000, "\(current) messages went out unread")
            // Reading resumes the stream to its end.
            var count = 0
            for try await _ in responses { count += 1 }
            return count
        }
        #expect(received == 2_000)
        try await channel.close()
        try await server.shutdown()
    }
}

/// Graceful shutdown: GOAWAY lets calls in flight finish and refuses new ones.
@Suite struct DrainTests {
    @Test func inFlightCallsFinishAndNewOnesAreRefused() async throws {
        let handler = Held()
        defer { handler.release.open() }
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [handler], threads: 1)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let client = Shelves.Client(transport: channel)
        let inFlight = Task { try await client.getBook(Named(displayName: "held")) }
        let reached = try await waitUntil { handler.started.load(ordering: .relaxed) }
        try #require(reached, "the call never reached its handler")

        // A grace period the drain never needs: it ends when the call does. Had it waited for
        // the grace period instead, it could not have returned before the grace period passed.
        let gracePeriod = hangGuard
        let started = ContinuousClock.now
        let shutdown = Task { try await server.shutdown(gracePeriod: gracePeriod) }
        // Once new calls are refused the drain is under way, with the call still in its handler.
        let refusal = try await firstRefusal(client)
        #expect(refusal?.code == .unavailable, "\(String(describing: refusal))")
        handler.release.open()
        #expect(try await inFlight.value.displayName == "done: held")
        try await shutdown.value
        #expect(ContinuousClock.now - started < gracePeriod, "the drain waited for the grace period, not the call")
        await #expect { try await client.getBook(Named(displayName: "b")) }
            throws: { ($0 as? Status)?.code == .unavailable }
        try await channel.close()
    }
}

/// Holds a call named "held" in its handler until `release` opens (noting that it got there);
/// answers any other call at once. Either way the answer is "done: <name>".
final class Held: Shelves.Handler {
    let started = Atomic(false)
    let release = Gate()

    func getBook(_ request: Named, context: ServerContext) async throws -> Named {
        if request.displayName == "held" {
            started.store(true, ordering: .relaxed)
            await release.wait()
        }
        return Named(displayName: "done: " + request.displayName)
    }

    func watchBooks(_ requests: RequestStream<Named>, responses: ResponseWriter<Named>, context: ServerContext) async throws {}
}

/// Makes calls until one fails, which happens once the server's drain has begun (GOAWAY: the
/// connection refuses new streams); that failure as a status, nil if every call succeeded for as
/// long as `waitUntil` waits. Calls made before the drain are answered at once by `Held`.
func firstRefusal(_ client: Shelves.Client) async throws -> Status? {
    var refusal: Status?
    _ = try await waitUntil {
        do {
            _ = try await client.getBook(Named(displayName: "probe"))
            return false
        } catch {
            refusal = error as? Status ?? Status(.unknown, "\(type(of: error)): \(error)")
            return true
        }
    }
    return refusal
}

/// A handler still running when the server's event loops stop goes on elsewhere and ends: its
/// task ran on the loop, and a stopped loop would drop it for good.
@Suite struct HandlerOutlivesTheServerTests {
    final class Stubborn: Shelves.Handler {
        let started = Atomic(false)
        let finished = Atomic(false)
        /// Opened by the test once the server has shut down.
        let resume = Gate()

        func getBook(_ request: Named, context: ServerContext) async throws -> Named {
            started.store(true, ordering: .relaxed)
            // Waits in a way cancellation does not cut short, until the server's shutdown is over.
            await resume.wait()
            finished.store(true, ordering: .relaxed)
            return request
        }

        func watchBooks(_ requests: RequestStream<Named>, responses: ResponseWriter<Named>, context: ServerContext) async throws {}
    }

    @Test func aHandlerResumingAfterShutdownStillFinishes() async throws {
        let handler = Stubborn()
        defer { handler.resume.open() }
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [handler], threads: 1)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let call = Task { try? await Shelves.Client(transport: channel).getBook(Named(), options: CallOptions(timeout: hangGuard)) }
        let reached = try await waitUntil { handler.started.load(ordering: .relaxed) }
        try #require(reached, "the call never reached its handler")
        try await server.shutdown(gracePeriod: .zero)
        // The loops have stopped; only now does the handler resume.
        handler.resume.open()
        let finished = try await waitUntil { handler.finished.load(ordering: .relaxed) }
        #expect(finished)
        _ = await call.value
        try await channel.close()
    }
}
