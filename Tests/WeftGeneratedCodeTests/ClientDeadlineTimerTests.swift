import NIOCore
import NIOPosix
import Synchronization
import Testing
import WeftHTTP2
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTestSupport

/// The client's own deadline timer for unary calls over a real connection, against an HTTP/2
/// server that takes every request and never answers (so no server timer can end a call).
@Suite struct ClientDeadlineTimerTests {
    /// Reads every stream and says nothing.
    final class SilentStreams: HTTP2StreamDelegate {
        func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection) {
            ClientDeadlineTimerTests.opened.add(1, ordering: .relaxed)
        }

        func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection) {
            connection.consume(data.readableBytes, stream: id)
        }

        func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection) {}
        func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection) {}
    }

    /// Streams the silent server has seen.
    static let opened = Atomic(0)

    /// A later call with an earlier deadline ends at its own deadline, not when the timer set
    /// for the first call's far deadline fires; the first call keeps waiting.
    @Test func aShorterDeadlineAfterALongerOneEndsOnItsOwn() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        HTTP2ConnectionHandler(role: .server, configuration: .defaults) { _ in SilentStreams() })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let connection = try await GRPCConnection.connect(host: "127.0.0.1", port: server.localAddress!.port!, tls: nil)
        let method = Shelves.descriptor.methods[0]
        let openedBefore = Self.opened.load(ordering: .relaxed)
        let longEnded = Gate()
        let long = Task {
            defer { longEnded.open() }
            return try await connection.unary(method, request: [], options: CallOptions(timeout: .seconds(600)))
        }
        // The long call's stream is open (and its deadline's timer set) before the short call starts.
        #expect(try await waitUntil { Self.opened.load(ordering: .relaxed) > openedBefore })
        await #expect {
            _ = try await connection.unary(method, request: [], options: CallOptions(timeout: .milliseconds(200)))
        } throws: { error in
            (error as? Status)?.code == .deadlineExceeded && (error as? Status)?.message == "the deadline passed before the server answered"
        }
        #expect(!longEnded.isOpen)
        long.cancel()
        await #expect { _ = try await long.value } throws: { ($0 as? Status)?.code == .cancelled }
        try await connection.close()
        try await server.close()
        try await group.shutdownGracefully()
    }
}
