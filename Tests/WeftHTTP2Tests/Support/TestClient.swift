import NIOCore
import NIOPosix
import Synchronization
import WeftHTTP2

/// An HTTP/2 client on WeftHTTP2 for the tests: one connection, streams opened on demand.
final class TestClient: Sendable {
    let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let streams: NIOLoopBound<ClientStreams>
    let log: ClientLog

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup, streams: NIOLoopBound<ClientStreams>, log: ClientLog) {
        self.channel = channel
        self.group = group
        self.streams = streams
        self.log = log
    }

    static func connect(port: Int, configuration: HTTP2Configuration = .defaults) async throws -> TestClient {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let eventLoop = group.next()
        let log = ClientLog(eventLoop: eventLoop)
        let ready = eventLoop.makePromise(of: NIOLoopBound<ClientStreams>.self)
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        HTTP2ConnectionHandler(role: .client, configuration: configuration) { connection in
                            let streams = ClientStreams(connection: connection, log: log)
                            ready.succeed(NIOLoopBound(streams, eventLoop: connection.eventLoop))
                            return streams
                        })
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return TestClient(channel: channel, group: group, streams: try await ready.futureResult.get(), log: log)
    }

    /// Opens a stream to `path` (POST, a body to follow unless `endStream`); nil when the
    /// connection refused to open one. When `consumes` is false the response body is never
    /// acknowledged.
    func open(_ path: String, endStream: Bool = false, consumes: Bool = true) async throws -> ClientStream? {
        let streams = self.streams
        return try await channel.eventLoop.submit { streams.value.open(path: path, endStream: endStream, consumes: consumes) }.get()
    }

    func close() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }
}

/// One request stream of a `TestClient`.
struct ClientStream: Sendable {
    let handle: HTTP2StreamHandle
    let response: Response

    /// Sends `body` in `chunkSize` pieces, each awaited (the flow-control pace), then ends.
    func send(_ body: ByteBuffer, chunkSize: Int = 16 * 1024, end: Bool = true) async throws {
        var body = body
        while body.readableBytes > 0 {
            try await handle.sendData(body.readSlice(length: min(chunkSize, body.readableBytes))!).get()
        }
        if end { try await handle.endStream(trailers: nil).get() }
    }
}

/// What the client saw on one stream.
final class Response: Sendable {
    struct State {
        var headers: HeaderFields?
        var headersEndedStream = false
        var body = ByteBuffer()
        var trailers: HeaderFields?
        var closeCode: UInt32?
    }

    let state = Mutex(State())
    let closed: EventLoopPromise<UInt32>

    init(eventLoop: any EventLoop) {
        closed = eventLoop.makePromise()
    }

    /// Waits for the stream to close; its error code.
    func finished() async throws -> UInt32 { try await closed.futureResult.get() }

    var status: String? { state.withLock { $0.headers?.first { $0.name == ":status" }?.value } }
    var body: ByteBuffer { state.withLock { $0.body } }
    func trailer(_ name: String) -> String? { state.withLock { $0.trailers?.first { $0.name == name }?.value } }
}

/// Connection-level events the client saw.
final class ClientLog: Sendable {
    private let goAways = Mutex<[Int32]>([])
    let closed: EventLoopPromise<Void>

    init(eventLoop: any EventLoop) {
        closed = eventLoop.makePromise()
    }

    func goAway(lastStreamID: Int32) { goAways.withLock { $0.append(lastStreamID) } }
    var goAwayLastStreamIDs: [Int32] { goAways.withLock { $0 } }
}

/// The client's streams, on the connection's event loop.
final class ClientStreams: HTTP2StreamDelegate {
    let connection: HTTP2Connection
    let log: ClientLog
    private var responses: [Int32: (response: Response, consumes: Bool)] = [:]

    init(connection: HTTP2Connection, log: ClientLog) {
        self.connection = connection
        self.log = log
    }

    func open(path: String, endStream: Bool, consumes: Bool) -> ClientStream? {
        let headers: HeaderFields = [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1")]
        let id = connection.sendRequest(headers, endStream: endStream)
        guard id > 0 else { return nil }
        let response = Response(eventLoop: connection.eventLoop)
        responses[id] = (response, consumes)
        return ClientStream(handle: connection.stream(id), response: response)
    }

    func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection) {
        responses[id]?.response.state.withLock { state in
            if state.headers == nil {
                state.headers = headers
                state.headersEndedStream = endStream
            } else {
                state.trailers = headers
            }
        }
    }

    func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection) {
        guard let (response, consumes) = responses[id] else { return }
        let count = data.readableBytes
        var data = data
        response.state.withLock { _ = $0.body.writeBuffer(&data) }
        if consumes { connection.consume(count, stream: id) }
    }

    func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection) {
        guard let (response, _) = responses.removeValue(forKey: id) else { return }
        response.state.withLock { $0.closeCode = errorCode }
        response.closed.succeed(errorCode)
    }

    func connectionDidReceiveGoAway(lastStreamID: Int32, errorCode: UInt32, on connection: HTTP2Connection) {
        log.goAway(lastStreamID: lastStreamID)
    }

    func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection) {
        for (response, _) in responses.values { response.closed.fail(error ?? HTTP2Error.connectionClosed) }
        responses = [:]
        log.closed.succeed()
    }
}
