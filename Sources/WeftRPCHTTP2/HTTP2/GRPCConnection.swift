import NIOCore
import NIOPosix
import WeftHTTP2
import WeftTLS
import WeftMessages
import WeftRPC

/// A client's HTTP/2 connection to one server, carrying any number of concurrent calls, over
/// mutual TLS (ALPN h2) or, when no TLS context is given, prior-knowledge h2c.
public final class GRPCConnection: ClientTransport {
    private let channel: any Channel
    /// The event loop group the channel created for itself; nil when it runs on a caller's loop.
    private let ownedGroup: MultiThreadedEventLoopGroup?
    private let streams: NIOLoopBound<GRPCClientStreams>
    private let authority: String
    private let scheme: String

    /// The event loop the connection lives on.
    public var eventLoop: any EventLoop { channel.eventLoop }

    /// Whether the connection is still up (callable from any thread).
    public var isActive: Bool { channel.isActive }

    private init(
        channel: any Channel, ownedGroup: MultiThreadedEventLoopGroup?, streams: NIOLoopBound<GRPCClientStreams>, authority: String,
        scheme: String
    ) {
        self.channel = channel
        self.ownedGroup = ownedGroup
        self.streams = streams
        self.authority = authority
        self.scheme = scheme
    }

    /// Connects to `host`:`port` over TLS when `tls` is given (h2c when nil). Responses larger
    /// than `maximumReceiveMessageSize` (default 4 MiB) fail their call with RESOURCE_EXHAUSTED.
    /// Returns once the server has answered with its HTTP/2 SETTINGS, so a refused TLS
    /// handshake (a certificate the server does not trust, a server that is not the one
    /// expected) fails the connect with UNAVAILABLE, not a later call.
    public static func connect(
        host: String, port: Int, tls: TLSContext?, configuration: HTTP2Configuration = .defaults,
        maximumReceiveMessageSize: Int = 4 * 1024 * 1024
    ) async throws -> GRPCConnection {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            return try await connect(
                host: host, port: port, tls: tls, on: group.next(), ownedGroup: group, configuration: configuration,
                maximumReceiveMessageSize: maximumReceiveMessageSize
            ).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Connects like `connect(host:port:tls:…)`, but on `eventLoop` (one of a
    /// `MultiThreadedEventLoopGroup`'s): a caller already on that loop, such as a proxy serving
    /// requests there, then calls without changing threads.
    public static func connect(
        host: String, port: Int, tls: TLSContext?, on eventLoop: any EventLoop, configuration: HTTP2Configuration = .defaults,
        maximumReceiveMessageSize: Int = 4 * 1024 * 1024
    ) -> EventLoopFuture<GRPCConnection> {
        connect(
            host: host, port: port, tls: tls, on: eventLoop, ownedGroup: nil, configuration: configuration,
            maximumReceiveMessageSize: maximumReceiveMessageSize)
    }

    /// How long `connect` waits for the server's SETTINGS once TCP is up.
    static let settingsTimeout: TimeAmount = .seconds(10)

    private static func connect(
        host: String, port: Int, tls: TLSContext?, on eventLoop: any EventLoop, ownedGroup: MultiThreadedEventLoopGroup?,
        configuration: HTTP2Configuration, maximumReceiveMessageSize: Int
    ) -> EventLoopFuture<GRPCConnection> {
        let streamsPromise = eventLoop.makePromise(of: NIOLoopBound<GRPCClientStreams>.self)
        return ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(TLSHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(
                        HTTP2ConnectionHandler(role: .client, configuration: configuration) { connection in
                            let streams = GRPCClientStreams(connection: connection, maximumMessageSize: maximumReceiveMessageSize)
                            streamsPromise.succeed(NIOLoopBound(streams, eventLoop: connection.eventLoop))
                            return streams
                        })
                }
            }
            .connect(host: host, port: port)
            .flatMapError { error in
                streamsPromise.fail(error)  // never succeeded when the connection did not come up
                return eventLoop.makeFailedFuture(error)
            }
            .flatMap { channel in
                streamsPromise.futureResult.flatMap { streams in
                    // A peer that accepts TCP but never speaks HTTP/2 must not hold the connect.
                    let silence = eventLoop.scheduleTask(in: Self.settingsTimeout) {
                        streams.value.ready.fail(Status.transport(.unavailable, "\(host):\(port) sent no HTTP/2 SETTINGS within \(Self.settingsTimeout.nanoseconds / 1_000_000_000) s"))
                    }
                    streams.value.ready.futureResult.whenComplete { _ in silence.cancel() }
                    return streams.value.ready.futureResult.map {
                        GRPCConnection(
                            channel: channel, ownedGroup: ownedGroup, streams: streams, authority: "\(host):\(port)",
                            scheme: tls == nil ? "http" : "https")
                    }.flatMapErrorThrowing { error in
                        channel.close(promise: nil)
                        throw error
                    }
                }
            }
    }

    public func startCall(_ method: MethodDescriptor, options: CallOptions) async throws -> any ClientCall {
        let headers = requestHeaders(method, options)
        let streams = self.streams
        let reader = ResponseReader()
        let (stream, closed) = try await channel.eventLoop.submit { [headers] in
            (streams.value.open(headers: headers, reader: reader), streams.value.closedStatus)
        }.get()
        if let closed { throw Status.notSent(closed.message) }
        guard stream > 0 else { throw Status.notSent("the connection refused a new stream") }
        let eventLoop = channel.eventLoop
        await reader.observeReads { wireBytes in
            eventLoop.execute { streams.value.readerTook(wireBytes, stream: stream) }
        }
        return HTTP2ClientCall(streams: streams, eventLoop: channel.eventLoop, stream: stream, reader: reader, compression: options.compression)
    }

    /// The unary fast path: one trip to the event loop opens the stream, sends the message and
    /// half-closes; the answer completes a promise there. The deadline is a timer on the event
    /// loop; cancelling the task resets the stream.
    public func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> RawUnaryResponse {
        let handle = UnaryCallHandle(eventLoop: channel.eventLoop)
        let answer = channel.eventLoop.makePromise(of: RawUnaryResponse.self)
        try start(method, request: request, options: options, handle: handle, completion: answer.completeWith)
        let (streams, eventLoop) = (self.streams, channel.eventLoop)
        return try await withTaskCancellationHandler {
            try await answer.futureResult.get()
        } onCancel: {
            eventLoop.execute { streams.value.cancelUnary(handle) }
        }
    }

    /// The unary call as a future on this connection's event loop, for callers living on event
    /// loops; called on that loop, it starts without changing threads. The call ends by its
    /// answer, its deadline (`options.timeout`), the connection closing, or `cancellation`.
    public func unaryFuture(
        _ method: MethodDescriptor, request: [UInt8], options: CallOptions, cancellation: UnaryCancellation? = nil
    ) -> EventLoopFuture<RawUnaryResponse> {
        let eventLoop = channel.eventLoop
        if cancellation?.isCancelled == true { return eventLoop.makeFailedFuture(UnaryCancellation.cancelled) }
        let answer = eventLoop.makePromise(of: RawUnaryResponse.self)
        let handle = cancellation.map { _ in UnaryCallHandle(eventLoop: eventLoop) }
        do {
            try start(method, request: request, options: options, handle: handle, completion: answer.completeWith)
        } catch {
            answer.fail(error)
        }
        // Registered after the stream's opening is queued, so a cancel queued by it runs after
        // the opening; one that came in between is queued here.
        if let cancellation, let handle {
            let streams = self.streams
            let cancelTry: @Sendable () -> Void = { eventLoop.execute { streams.value.cancelUnary(handle) } }
            if !cancellation.register(cancelTry) { cancelTry() }
        }
        return answer.futureResult
    }

    /// The unary call with its answer handed to `completion`, once, on this connection's event
    /// loop (on the caller's thread, at once, when the request cannot be compressed): for a
    /// caller there that keeps no future per call (a proxy relaying requests), it starts
    /// without changing threads. The call ends by its answer, its deadline
    /// (`options.timeout`) or the connection closing.
    package func unary(
        _ method: MethodDescriptor, request: [UInt8], options: CallOptions,
        completion: @escaping @Sendable (Result<RawUnaryResponse, any Error>) -> Void
    ) {
        do {
            try start(method, request: request, options: options, handle: nil, completion: completion)
        } catch {
            completion(.failure(error))
        }
    }

    /// Opens the call's stream on the event loop (at once when called there). `handle`, when
    /// given, learns the stream for a cancel.
    private func start(
        _ method: MethodDescriptor, request: [UInt8], options: CallOptions, handle: UnaryCallHandle?,
        completion: @escaping @Sendable (Result<RawUnaryResponse, any Error>) -> Void
    ) throws {
        let headers = requestHeaders(method, options)
        let framed = try MessageFraming.frame(request, compression: options.compression, allocator: ByteBufferAllocator())
        let (streams, eventLoop) = (self.streams, channel.eventLoop)
        // Opened directly on the loop: no closure is made for it then.
        if eventLoop.inEventLoop {
            return streams.value.openUnary(headers: headers, message: framed, timeout: options.timeout, handle: handle, completion: completion)
        }
        eventLoop.execute {
            streams.value.openUnary(headers: headers, message: framed, timeout: options.timeout, handle: handle, completion: completion)
        }
    }

    /// Whether `error` says a call failed before its request left this client (the connection
    /// was closed, or refused a new stream after GOAWAY): such a call may be retried anywhere.
    /// A fact this process's transport records on the status (`Status.Origin`), never read
    /// from a message a peer could send.
    public static func wasNeverSent(_ error: any Error) -> Bool {
        (error as? Status)?.origin == .transportBeforeSending
    }

    /// `grpc-accept-encoding`'s value, made once.
    private static let acceptedEncodings = CompressionAlgorithm.supported.map(\.name).joined(separator: ",")

    private func requestHeaders(_ method: MethodDescriptor, _ options: CallOptions) -> HeaderFields {
        // One allocation for the whole block, the metadata included.
        var headers: HeaderFields = []
        headers.reserveCapacity(10 + options.metadata.count)
        headers.append((":method", "POST"))
        headers.append((":scheme", scheme))
        headers.append((":path", method.path))
        headers.append((":authority", authority))
        headers.append(("content-type", "application/grpc"))
        headers.append(("te", "trailers"))
        headers.append(("user-agent", "weft-swift/0.1"))
        headers.append(("grpc-accept-encoding", Self.acceptedEncodings))
        if let timeout = options.timeout { headers.append(("grpc-timeout", GRPCTimeout.format(timeout))) }
        if options.compression != .identity { headers.append(("grpc-encoding", options.compression.name)) }
        options.metadata.appendHeaderFields(to: &headers)
        return headers
    }

    /// Whether any call, streaming or unary, still has its stream open on this connection.
    public func hasCallsInFlight() async -> Bool {
        let streams = self.streams
        return (try? await channel.eventLoop.submit { streams.value.openCallCount > 0 }.get()) ?? false
    }

    /// Closes the connection once the calls running on it have ended (a connection given up
    /// on, e.g. one that received GOAWAY or whose endpoint left a list, must not cut the calls
    /// it still carries); its owner makes no new calls on it meanwhile.
    public func closeWhenIdle() async {
        let (streams, eventLoop) = (self.streams, channel.eventLoop)
        let idle = eventLoop.flatSubmit {
            let promise = eventLoop.makePromise(of: Void.self)
            streams.value.whenIdle { promise.succeed(()) }
            return promise.futureResult
        }
        try? await idle.get()
        try? await close()
    }

    /// Closes the connection (and the event loop it made for itself).
    public func close() async throws {
        try? await channel.close().get()
        try await ownedGroup?.shutdownGracefully()
    }
}

/// One call on a `GRPCConnection`.
final class HTTP2ClientCall: ClientCall {
    let streams: NIOLoopBound<GRPCClientStreams>
    let eventLoop: any EventLoop
    let stream: Int32
    let reader: ResponseReader
    let compression: CompressionAlgorithm

    init(streams: NIOLoopBound<GRPCClientStreams>, eventLoop: any EventLoop, stream: Int32, reader: ResponseReader, compression: CompressionAlgorithm) {
        self.streams = streams
        self.eventLoop = eventLoop
        self.stream = stream
        self.reader = reader
        self.compression = compression
    }

    func send(_ message: [UInt8]) async throws {
        if let ending = await reader.ending {
            throw ending.status.isOK ? Status.transport(.internal, "the call has already ended") : ending.status
        }
        let framed = try MessageFraming.frame(message, compression: compression, allocator: ByteBufferAllocator())
        let (streams, stream) = (self.streams, self.stream)
        // Returns once the bytes went out, paced by the server's window.
        do {
            try await eventLoop.flatSubmit {
                let sent = streams.value.connection.eventLoop.makePromise(of: Void.self)
                streams.value.connection.sendData(framed, stream: stream, sent: sent)
                return sent.futureResult
            }.get()
        } catch {
            // The server ended the call while we were sending: its status says why.
            let status = await reader.finalStatus()
            throw status.isOK ? Status.transport(.internal, "the server ended the call before reading the request") : status
        }
    }

    func finishRequests() async throws {
        let (streams, stream) = (self.streams, self.stream)
        try await eventLoop.submit { streams.value.connection.endStream(stream, trailers: nil) }.get()
    }

    func initialMetadata() async throws -> Metadata { try await reader.initialMetadata() }
    func next() async throws -> [UInt8]? { try await reader.next() }
    func trailingMetadata() async -> Metadata { await reader.trailingMetadata() }

    func cancel() {
        let (streams, stream, reader) = (self.streams, self.stream, self.reader)
        eventLoop.execute { streams.value.cancel(stream) }
        Task { await reader.cancel() }
    }
}
