import NIOCore
import NIOPosix
import Synchronization
import WeftHTTP2

/// A client's HTTP/2 connection over plain TCP (prior knowledge), driven through WeftHTTP2 as a
/// test frames it: header blocks, data and trailers where curl or a gRPC client would not put
/// them. What each stream receives is recorded.
public final class RawHTTP2Client: Sendable {
    /// What one stream received.
    public struct StreamLog: Sendable {
        /// The header blocks, in order (response headers, then trailers).
        public var blocks: [HeaderFields] = []
        public var body: [UInt8] = []
        /// Whether the stream has closed.
        public var closed = false

        /// The first value of `name` in any block received.
        public func field(_ name: String) -> String? {
            blocks.lazy.compactMap { block in block.first { $0.name == name }?.value }.first
        }
    }

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let connection: NIOLoopBound<HTTP2Connection>
    private let log: Log

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, connection: NIOLoopBound<HTTP2Connection>, log: Log) {
        self.group = group
        self.channel = channel
        self.connection = connection
        self.log = log
    }

    /// Connects to 127.0.0.1:`port`.
    public static func connect(port: Int) async throws -> RawHTTP2Client {
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
            .connect(host: "127.0.0.1", port: port).get()
        return RawHTTP2Client(group: group, channel: channel, connection: try await connected.futureResult.get(), log: log)
    }

    /// Runs `body` with the connection on its event loop (where every call on it must be made).
    public func onLoop<Result: Sendable>(_ body: @escaping @Sendable (HTTP2Connection) -> Result) async throws -> Result {
        let connection = self.connection
        return try await channel.eventLoop.submit { body(connection.value) }.get()
    }

    /// What stream `id` has received so far.
    public func stream(_ id: Int32) -> StreamLog { log.of(id) }

    public func close() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }

    private final class Log: Sendable {
        private let streams = Mutex<[Int32: StreamLog]>([:])

        func update(_ stream: Int32, _ change: (inout StreamLog) -> Void) { streams.withLock { change(&$0[stream, default: StreamLog()]) } }
        func of(_ stream: Int32) -> StreamLog { streams.withLock { $0[stream] ?? StreamLog() } }
    }

    private final class Recorder: HTTP2StreamDelegate {
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
}
