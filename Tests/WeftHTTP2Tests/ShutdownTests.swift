import NIOCore
import Testing
import WeftHTTP2

/// Graceful shutdown with GOAWAY.
// A guard against hangs only, generous for a loaded machine (the trait counts in minutes).
@Suite(.timeLimit(.minutes(10)))
struct ShutdownTests {
    @Test func goAwayLetsTheStreamInFlightFinishAndRefusesNewOnes() async throws {
        let server = try await TestServer()
        let client = try await TestClient.connect(port: server.port)
        defer { Task { try await client.close(); try await server.stop() } }
        let inFlight = try #require(try await client.open("/hold"))
        try await inFlight.send(Pattern.bytes(1_000))
        try await eventually { server.log.handle(for: inFlight.handle.id) != nil }

        server.log.connections[0].pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())

        // First GOAWAY(2^31-1), then, after a PING round trip, the final one naming the last stream.
        try await eventually { client.log.goAwayLastStreamIDs == [Int32.max, inFlight.handle.id] }
        #expect(try await client.open("/echo") == nil, "no new stream after GOAWAY")

        let handle = try #require(server.log.handle(for: inFlight.handle.id))
        handle.sendHeaders([(":status", "200")], endStream: false)
        try await handle.sendData(Pattern.bytes(3), endStream: true).get()

        #expect(try await inFlight.response.finished() == HTTP2ErrorCode.noError)
        #expect(inFlight.response.body == Pattern.bytes(3))
        try await client.log.closed.futureResult.get()  // nothing left: the connection ends
    }

    @Test func closingAConnectionSendsGoAwayFirst() async throws {
        let server = try await TestServer()
        let peer = try await RawPeer(port: server.port)
        defer { Task { try await peer.close(); try await server.stop() } }
        try await peer.write(RawPeer.clientPreface)
        try await eventually { !server.log.connections.isEmpty }

        try await server.log.connections[0].close()
        try await peer.closed()

        #expect(peer.receivedFrames.contains { $0.type == 0x7 })  // GOAWAY
    }
}
