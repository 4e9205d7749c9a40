import Foundation
import Dispatch
import Synchronization
import Testing
import WeftMessages
import WeftRPC
import WeftTestSupport

/// The generated stubs over real sockets and real HTTP/2 (h2c here; mutual TLS is exercised
/// against grpcio in Tests/Interop).
@Suite struct HTTP2CallTests {
    @Test func callsOverHTTP2() async throws {
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [Library()], threads: 1)
        let channel = try await GRPCChannel.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let client = Shelves.Client(transport: channel)

        #expect(try await client.getBook(Named(displayName: "dune")).displayName == "found: dune")
        await #expect(throws: Status(.notFound, "no such book")) { try await client.getBook(Named(displayName: "missing")) }

        #expect(try await client.echo(["a", "b"]) == ["A", "B"])

        try await channel.close()
        try await server.shutdown()
    }

    @Test func deadlineCrossesTheWire() async throws {
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [SlowLibrary()], threads: 1)
        let channel = try await GRPCChannel.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let started = ContinuousClock.now
        await #expect { try await Shelves.Client(transport: channel).getBook(Named(), options: CallOptions(timeout: .milliseconds(200))) }
            throws: { ($0 as? Status)?.code == .deadlineExceeded }
        #expect(ContinuousClock.now - started < .seconds(10))  // the handler would take 30 s
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
        #expect(ContinuousClock.now - started < .seconds(10))  // the handler would take 30 s
        #expect(library.sawCancellation.withLock { $0 })
        try await server.shutdown()
    }

    @Test func shuttingDownTwiceIsHarmless() async throws {
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [Library()], threads: 1)
        try await server.shutdown(gracePeriod: .milliseconds(100))
        try await server.shutdown(gracePeriod: .milliseconds(100))  // its event loops are gone by now
    }

    @Test func aClosedServerFailsCallsWithUnavailable() async throws {
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [Library()], threads: 1)
        let channel = try await GRPCChannel.connect(host: "127.0.0.1", port: server.port, tls: nil)
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
        let channel = try await GRPCChannel.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let received = try await Shelves.Client(transport: channel).watchBooks { _ in } onResponse: { responses in
            // Do not read: the handler must stall, far short of its 2,000 messages. Sample until
            // the count holds still (the machine may be busy; a stall is what ends the loop).
            var previous = -1
            var current = flood.written.withLock { $0 }
            for _ in 0..<50 where current != previous || current == 0 {
                try await Task.sleep(for: .milliseconds(300))
                previous = current
                current = flood.written.withLock { $0 }
            }
            #expect(current == previous && current > 0, "the handler never stalled (\(current) written)")
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
    /// Answers after a pause, so a call is in flight while the server shuts down.
    struct Unhurried: Shelves.Handler {
        func getBook(_ request: Named, context: ServerContext) async throws -> Named {
            try await Task.sleep(for: .milliseconds(400))
            return Named(displayName: "done: " + request.displayName)
        }

        func watchBooks(_ requests: RequestStream<Named>, responses: ResponseWriter<Named>, context: ServerContext) async throws {}
    }

    @Test func inFlightCallsFinishAndNewOnesAreRefused() async throws {
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [Unhurried()], threads: 1)
        let channel = try await GRPCChannel.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let client = Shelves.Client(transport: channel)
        let inFlight = Task { try await client.getBook(Named(displayName: "a")) }
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        let shutdown = Task { try await server.shutdown(gracePeriod: .seconds(30)) }
        #expect(try await inFlight.value.displayName == "done: a")
        try await shutdown.value
        #expect(ContinuousClock.now - started < .seconds(10), "the drain waited for the grace period, not the call")
        await #expect { try await client.getBook(Named(displayName: "b")) }
            throws: { ($0 as? Status)?.code == .unavailable }
        try await channel.close()
    }
}

/// A handler still running when the server's event loops stop goes on elsewhere and ends: its
/// task ran on the loop, and a stopped loop would drop it for good.
@Suite struct HandlerOutlivesTheServerTests {
    final class Stubborn: Shelves.Handler {
        let finished = Atomic(false)

        func getBook(_ request: Named, context: ServerContext) async throws -> Named {
            // Waits in a way cancellation does not cut short, past the server's shutdown.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(500)) { continuation.resume() }
            }
            finished.store(true, ordering: .relaxed)
            return request
        }

        func watchBooks(_ requests: RequestStream<Named>, responses: ResponseWriter<Named>, context: ServerContext) async throws {}
    }

    @Test func aHandlerResumingAfterShutdownStillFinishes() async throws {
        let handler = Stubborn()
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [handler], threads: 1)
        let channel = try await GRPCChannel.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let call = Task { try? await Shelves.Client(transport: channel).getBook(Named(), options: CallOptions(timeout: .seconds(30))) }
        try await Task.sleep(for: .milliseconds(100))
        try await server.shutdown(gracePeriod: .zero)
        for _ in 0..<100 where !handler.finished.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(50)) }
        let finished = handler.finished.load(ordering: .relaxed)
        #expect(finished)
        _ = await call.value
        try await channel.close()
    }
}
