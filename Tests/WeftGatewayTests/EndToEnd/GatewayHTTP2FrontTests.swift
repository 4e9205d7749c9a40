import NIOCore
import Testing
import WeftHTTP2TestSupport
import WeftTestSupport

/// The gateway's HTTP/2 front reading requests framed as a client may frame them, from a raw
/// HTTP/2 client (curl and nghttp never send trailers).
@Suite struct GatewayHTTP2FrontTests {
    /// A body that ends with trailers (HEADERS with END_STREAM after the DATA) is a complete
    /// request, answered once, as if its last DATA frame had ended it.
    @Test func aRequestEndedByTrailersIsAnsweredOnce() async throws {
        let harness = try await GatewayHarness.start()
        let client = try await RawHTTP2Client.connect(port: harness.server.port)
        let stream = try await client.onLoop { connection in
            let stream = connection.sendRequest([
                (":method", "POST"), (":scheme", "http"), (":path", "/v1/shelves/s1/books"), (":authority", "127.0.0.1"),
                ("content-type", "application/json"),
            ])
            connection.sendData(ByteBuffer(string: #"{"title":"Dune"}"#), stream: stream)
            connection.endStream(stream, trailers: [("x-checksum", "1")])
            return stream
        }
        #expect(try await waitUntil { client.stream(stream).closed })
        let received = client.stream(stream)
        #expect(received.blocks.count == 1)
        #expect(received.field(":status") == "200")
        #expect(String(decoding: received.body, as: UTF8.self).contains(#""title":"Dune""#))
        try await client.close()
        try await harness.stop()
    }
}
