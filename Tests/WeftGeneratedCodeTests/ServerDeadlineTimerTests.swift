import NIOCore
import NIOPosix
import Synchronization
import Testing
import WeftHTTP2
import WeftRPC
import WeftRPCHTTP2
import WeftTestSupport

/// The server's one deadline timer per connection, driven by a raw HTTP/2 client that sends
/// `grpc-timeout` and never cancels, so only the server's timer can end a call.
@Suite struct ServerDeadlineTimerTests {
    /// Each stream's `grpc-status`, as the client received it.
    final class Statuses: Sendable {
        private let received = Mutex<[Int32: String]>([:])

        func record(_ status: String, stream: Int32) { received.withLock { $0[stream] = status } }
        func of(_ stream: Int32) -> String? { received.withLock { $0[stream] } }
    }

    final class StatusRecorder: HTTP2StreamDelegate {
        let statuses: Statuses

        init(_ statuses: Statuses) { self.statuses = statuses }

        func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection) {
            if let status = headers.first(where: { $0.name == "grpc-status" })?.value { statuses.record(status, stream: id) }
        }

        func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection) {
            connection.consume(data.readableBytes, stream: id)
        }

        func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection) {}
        func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection) {}
    }

    /// A later call with a shorter deadline ends at its own deadline (DEADLINE_EXCEEDED), not
    /// when the timer set for the first call's far deadline fires; the first call keeps running.
    @Test func aShorterDeadlineAfterALongerOneEndsOnItsOwn() async throws {
        let library = SlowLibrary()
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [library], threads: 1)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let statuses = Statuses()
        let connected = group.next().makePromise(of: NIOLoopBound<HTTP2Connection>.self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        HTTP2ConnectionHandler(role: .client, configuration: .defaults) { connection in
                            connected.succeed(NIOLoopBound(connection, eventLoop: connection.eventLoop))
                            return StatusRecorder(statuses)
                        })
                }
            }
            .connect(host: "127.0.0.1", port: server.port).get()
        let connection = try await connected.futureResult.get()
        let path = Shelves.descriptor.methods[0].path
        /// Starts a GetBook call (an empty request) with `grpc-timeout` `timeout`; its stream.
        func call(timeout: String) async throws -> Int32 {
            try await channel.eventLoop.submit {
                let stream = connection.value.sendRequest([
                    (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1"),
                    ("content-type", "application/grpc"), ("te", "trailers"), ("grpc-timeout", timeout),
                ])
                connection.value.sendData(ByteBuffer(bytes: [0, 0, 0, 0, 0]), stream: stream, endStream: true)
                return stream
            }.get()
        }
        let long = try await call(timeout: "600S")
        // The long call runs (and its deadline's timer is set) before the short call starts.
        #expect(try await waitUntil { library.started.withLock { $0 } })
        let short = try await call(timeout: "200m")
        #expect(try await waitUntil { statuses.of(short) != nil })
        #expect(statuses.of(short) == String(Status.Code.deadlineExceeded.rawValue))
        #expect(statuses.of(long) == nil)
        // Closing the connection ends the long call too.
        try await channel.close()
        try await server.shutdown()
        try await group.shutdownGracefully()
    }
}
