import NIOCore
import Testing
import WeftRPC
import WeftRPCHTTP2
import WeftHTTP2TestSupport
import WeftTestSupport

/// The server's one deadline timer per connection, driven by a raw HTTP/2 client that sends
/// `grpc-timeout` and never cancels, so only the server's timer can end a call.
@Suite struct ServerDeadlineTimerTests {
    /// A later call with a shorter deadline ends at its own deadline (DEADLINE_EXCEEDED), not
    /// when the timer set for the first call's far deadline fires; the first call keeps running.
    @Test func aShorterDeadlineAfterALongerOneEndsOnItsOwn() async throws {
        let library = SlowLibrary()
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [library], threads: 1)
        let client = try await RawHTTP2Client.connect(port: server.port)
        let path = Shelves.descriptor.methods[0].path
        /// Starts a GetBook call (an empty request) with `grpc-timeout` `timeout`; its stream.
        func call(timeout: String) async throws -> Int32 {
            try await client.onLoop { connection in
                let stream = connection.sendRequest([
                    (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1"),
                    ("content-type", "application/grpc"), ("te", "trailers"), ("grpc-timeout", timeout),
                ])
                connection.sendData(ByteBuffer(bytes: [0, 0, 0, 0, 0]), stream: stream, endStream: true)
                return stream
            }
        }
        let long = try await call(timeout: "600S")
        // The long call runs (and its deadline's timer is set) before the short call starts.
        #expect(try await waitUntil { library.started.withLock { $0 } })
        let short = try await call(timeout: "200m")
        #expect(try await waitUntil { client.stream(short).field("grpc-status") != nil })
        #expect(client.stream(short).field("grpc-status") == String(Status.Code.deadlineExceeded.rawValue))
        #expect(client.stream(long).field("grpc-status") == nil)
        // Closing the connection ends the long call too.
        try await client.close()
        try await server.shutdown()
    }
}
