import NIOCore
import NIOPosix
import Synchronization
import WeftHTTP2

/// A tiny HTTP/2 server on WeftHTTP2 for the tests, on 127.0.0.1 and a free port. Paths:
/// - `/echo` (and any other): 200, the request body streamed back (each chunk consumed once
///   echoed: end-to-end backpressure), then trailers `x-echo-bytes: <count>`.
/// - `/trailers-only`: a single HEADERS frame with END_STREAM (gRPC Trailers-Only).
/// - `/download/<n>`: 200 and `n` pattern bytes, then trailers.
/// - `/hold`: nothing until the test answers through `log.handle(for:)`.
/// - `/slow`: 200, then the body is received but consumed only when the test says so.
/// - `/barrier/<n>`: held until `n` barrier streams are open at once, then all are echoed.
final class TestServer: Sendable {
    let channel: any Channel
    let group: MultiThreadedEventLoopGroup
    let log = ServerLog()

    var port: Int { channel.localAddress!.port! }

    init(configuration: HTTP2Configuration = .defaults) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let log = self.log
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                log.addConnection(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        HTTP2ConnectionHandler(role: .server, configuration: configuration) { connection in
                            EchoStreams(log: log)
                        })
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    func stop() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }
}

/// What the test server saw, readable from the tests.
final class ServerLog: Sendable {
    private struct State {
        var connections: [any Channel] = []
        var handles: [Int32: HTTP2StreamHandle] = [:]
        var closeCodes: [Int32: UInt32] = [:]
        var slowReceived: [Int32: Int] = [:]
        var slowAutoConsume: Set<Int32> = []
        var requests = 0
    }

    private let state = Mutex(State())

    func addConnection(_ channel: any Channel) { state.withLock { $0.connections.append(channel) } }
    var connections: [any Channel] { state.withLock { $0.connections } }

    func opened(_ handle: HTTP2StreamHandle) {
        state.withLock {
            $0.handles[handle.id] = handle
            $0.requests += 1
        }
    }

    var requestCount: Int { state.withLock { $0.requests } }
    func handle(for stream: Int32) -> HTTP2StreamHandle? { state.withLock { $0.handles[stream] } }
    func closed(_ stream: Int32, errorCode: UInt32) { state.withLock { $0.closeCodes[stream] = errorCode } }
    func closeCode(of stream: Int32) -> UInt32? { state.withLock { $0.closeCodes[stream] } }

    /// Records bytes of a `/slow` stream; whether to consume them at once.
    func slowReceived(_ count: Int, stream: Int32) -> Bool {
        state.withLock {
            $0.slowReceived[stream, default: 0] += count
            return $0.slowAutoConsume.contains(stream)
        }
    }

    func slowReceivedBytes(_ stream: Int32) -> Int { state.withLock { $0.slowReceived[stream] ?? 0 } }

    /// The `/slow` stream's consumer wakes up: what arrived is consumed, and all that follows.
    func startConsuming(_ stream: Int32) {
        let (handle, received) = state.withLock {
            $0.slowAutoConsume.insert(stream)
            return ($0.handles[stream], $0.slowReceived[stream] ?? 0)
        }
        handle?.consume(received)
    }
}

/// The test server's streams, on the connection's event loop.
final class EchoStreams: HTTP2StreamDelegate {
    let log: ServerLog
    private var kinds: [Int32: Kind] = [:]
    private var echoed: [Int32: Int] = [:]
    /// Bodies of `/barrier` requests: still arriving, then complete and waiting for the others.
    private var barrierBodies: [Int32: ByteBuffer] = [:]
    private var barrierWaiting: [Int32] = []

    enum Kind: Equatable {
        case echo, hold, slow
        case barrier(Int)
    }

    init(log: ServerLog) {
        self.log = log
    }

    func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection) {
        guard let kind = kinds[id] else {
            request(id, path: headers.first { $0.name == ":path" }?.value ?? "/", endStream: endStream, on: connection)
            return
        }
        if endStream { finish(id, kind: kind, on: connection) }
    }

    private func request(_ id: Int32, path: String, endStream: Bool, on connection: HTTP2Connection) {
        log.opened(connection.stream(id))
        let parts = path.split(separator: "/").map(String.init)
        switch parts.first {
        case "trailers-only":
            connection.sendHeaders(
                [(":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "12"), ("grpc-message", "no such method")],
                stream: id, endStream: true)
        case "download":
            connection.sendHeaders(Self.ok, stream: id, endStream: false)
            connection.sendData(Pattern.bytes(Int(parts[1])!), stream: id)
            connection.endStream(id, trailers: [("x-echo-bytes", parts[1])])
        case "hold":
            kinds[id] = .hold
        case "slow":
            kinds[id] = .slow
            connection.sendHeaders(Self.ok, stream: id, endStream: false)
        case "barrier":
            kinds[id] = .barrier(Int(parts[1])!)
            barrierBodies[id] = ByteBuffer()
        default:
            kinds[id] = .echo
            connection.sendHeaders(Self.ok, stream: id, endStream: false)
        }
        if endStream, let kind = kinds[id] { finish(id, kind: kind, on: connection) }
    }

    private static let ok: HeaderFields = [(":status", "200"), ("content-type", "application/octet-stream")]

    func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection) {
        guard let kind = kinds[id] else { return }
        let count = data.readableBytes
        if count > 0 {
            switch kind {
            case .slow:
                if log.slowReceived(count, stream: id) { connection.consume(count, stream: id) }
            case .hold:
                connection.consume(count, stream: id)
            case .barrier:
                var data = data
                barrierBodies[id]?.writeBuffer(&data)
                connection.consume(count, stream: id)
            case .echo:
                // Consumed only once echoed: a slow reader of the echo slows the sender down.
                echoed[id, default: 0] += count
                let promise = connection.eventLoop.makePromise(of: Void.self)
                let handle = connection.stream(id)
                promise.futureResult.whenSuccess { handle.consume(count) }
                connection.sendData(data, stream: id, sent: promise)
            }
        }
        if endStream { finish(id, kind: kind, on: connection) }
    }

    private func finish(_ id: Int32, kind: Kind, on connection: HTTP2Connection) {
        switch kind {
        case .echo:
            connection.endStream(id, trailers: [("x-echo-bytes", "\(echoed[id] ?? 0)")])
        case .slow:
            connection.endStream(id, trailers: [("x-echo-bytes", "\(log.slowReceivedBytes(id))")])
        case .barrier(let size):
            // Answered only when all `size` requests are open at once on this connection.
            barrierWaiting.append(id)
            guard barrierWaiting.count == size else { return }
            for waiting in barrierWaiting {
                let body = barrierBodies.removeValue(forKey: waiting) ?? ByteBuffer()
                connection.sendHeaders(Self.ok, stream: waiting, endStream: false)
                connection.sendData(body, stream: waiting)
                connection.endStream(waiting, trailers: [("x-echo-bytes", "\(body.readableBytes)")])
            }
            barrierWaiting = []
        case .hold:
            break
        }
    }

    func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection) {
        log.closed(id, errorCode: errorCode)
        kinds[id] = nil
    }

    func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection) {}
}

/// Deterministic payloads that can be checked byte for byte.
enum Pattern {
    static func bytes(_ count: Int, seed: Int = 0) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        for index in 0..<count { buffer.writeInteger(UInt8(truncatingIfNeeded: (index &* 31 &+ seed) % 251)) }
        return buffer
    }
}
