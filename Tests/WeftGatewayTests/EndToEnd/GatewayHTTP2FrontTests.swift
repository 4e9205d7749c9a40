import NIOCore
import NIOPosix
import Synchronization
import Testing
import WeftHTTP2
import WeftTestSupport

/// The gateway's HTTP/2 front reading requests framed as a client may frame them, from a raw
/// HTTP/2 client (curl and nghttp never send trailers).
@Suite struct GatewayHTTP2FrontTests {
    /// What a stream received: its header blocks and body, and whether it closed.
    struct StreamLog {
        var blocks: [HeaderFields] = []
        var body: [UInt8] = []
        var closed = false
    }

    final class Log: Sendable {
        private let streams = Mutex<[Int32: StreamLog]>([:])

        func update(_ stream: Int32, _ change: (inout StreamLog) -> Void) { streams.withLock { change(&$0[stream, default: StreamLog()]) } }
        func of(_ stream: Int32) -> StreamLog { streams.withLock { $0[stream] ?? StreamLog() } }
    }

    final class Recorder: HTTP2StreamDelegate {
        let log: Log

        init(_ log: Log) { self.log = log }

        func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection) {
            log.update(id) { $0.blocks.append(headers) }
        }

        func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection) {
            connection.consume(data.readableBytes, stream: id)
            log.update(id) { $0.body += data.readableBytesView }
        }

        func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection) {
            log.update(id) { $0.closed = true }
        }

        func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection) {}
    }

    /// A body that ends with trailers (HEADERS with END_STREAM after the DATA) is a complete
    /// request, answered once, as if its last DATA frame had ended it.
    @Test func aRequestEndedByTrailersIsAnsweredOnce() async throws {
        let harness = try await GatewayHarness.start()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let log = Log()
        let connected = group.next().makePromise(of: NIOLoopBound<HTTP2Connection>.self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        HTTP2ConnectionHandler(role: .client, configuration: .defaults) { connection in
                            connected.succeed(NIOLoopBound(connection, eventLoop: connection.eventLoop))
                            return Recorder(log)
                        })
                }
            }
            .connect(host: "127.0.0.1", port: harness.server.port).get()
        let connection = try await connected.futureResult.get()
        let stream = try await channel.eventLoop.submit {
            let stream = connection.value.sendRequest([
                (":method", "POST"), (":scheme", "http"), (":path", "/v1/shelves/s1/books"), (":authority", "127.0.0.1"),
                ("content-type", "application/json"),
            ])
            connection.value.sendData(ByteBuffer(string: #"{"title":"Dune"}"#), stream: stream)
            connection.value.endStream(stream, trailers: [("x-checksum", "1")])
            return stream
        }.get()
        #expect(try await waitUntil { log.of(stream).closed })
        let received = log.of(stream)
        #expect(received.blocks.count == 1)
        #expect(received.blocks.first?.first { $0.name == ":status" }?.value == "200")
        #expect(String(decoding: received.body, as: UTF8.self).contains(#""title":"Dune""#))
        try await channel.close()
        try await group.shutdownGracefully()
        try await harness.stop()
    }
}
