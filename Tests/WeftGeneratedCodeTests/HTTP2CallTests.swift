import Testing
import WeftMessages
import WeftRPC

/// The generated stubs over real sockets and real HTTP/2 (h2c here; mutual TLS is exercised
/// against grpcio in Tests/Interop).
@Suite struct HTTP2CallTests {
    @Test func callsOverHTTP2() async throws {
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [Library()], threads: 1)
        let channel = try await GRPCChannel.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let client = Shelves.Client(transport: channel)

        #expect(try await client.getBook(Named(displayName: "dune")).displayName == "found: dune")
        await #expect(throws: Status(.notFound, "no such book")) { try await client.getBook(Named(displayName: "missing")) }

        let names = try await client.watchBooks { writer in
            for name in ["a", "b"] { try await writer.write(Named(displayName: name)) }
        } onResponse: { responses in
            var names: [String] = []
            for try await response in responses { names.append(response.displayName) }
            return names
        }
        #expect(names == ["A", "B"])

        try await channel.close()
        try await server.shutdown()
    }

    @Test func deadlineCrossesTheWire() async throws {
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [SlowLibrary()], threads: 1)
        let channel = try await GRPCChannel.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let started = ContinuousClock.now
        await #expect { try await Shelves.Client(transport: channel).getBook(Named(), options: CallOptions(timeout: .milliseconds(200))) }
            throws: { ($0 as? Status)?.code == .deadlineExceeded }
        #expect(ContinuousClock.now - started < .seconds(3))
        try await channel.close()
        try await server.shutdown()
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
