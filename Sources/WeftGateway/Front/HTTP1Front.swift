import NIOCore
import NIOHTTP1
import WeftRPC

/// The gateway's HTTP/1.1 front for one connection: collects each request (keep-alive and
/// chunked bodies come from NIOHTTP1), refuses oversize bodies and header blocks, and hands the
/// request to the `Gateway` on the connection's event loop. NIOHTTP1's pipelining handler holds a pipelined request
/// back until the previous response has ended.
final class HTTP1FrontHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let gateway: Gateway
    /// The identity the client's certificate proves, on a mutual-TLS port (embedded REST).
    private let callerIdentity: String?
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    /// An oversize request was answered; its remaining parts are dropped and the connection closes.
    private var refused = false
    /// Closes the connection when its next request head is not complete within the idle
    /// timeout (from the connection's start, or the end of the previous response): neither an
    /// idle keep-alive connection nor a trickled head holds it for ever.
    private var idleTimer: Scheduled<Void>?

    init(gateway: Gateway, callerIdentity: String? = nil) {
        self.gateway = gateway
        self.callerIdentity = callerIdentity
    }

    func handlerAdded(context: ChannelHandlerContext) {
        awaitNextRequest(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
    }

    /// Starts the wait for the next request head.
    private func awaitNextRequest(_ context: ChannelHandlerContext) {
        idleTimer?.cancel()
        let channel = context.channel
        idleTimer = context.eventLoop.scheduleTask(in: TimeAmount(gateway.configuration.idleTimeout)) {
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            idleTimer?.cancel()
            idleTimer = nil
            self.head = head
            body = []
            refused = false
            let headerBytes = head.headers.reduce(head.uri.utf8.count) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
            if headerBytes > gateway.configuration.maximumHeaderBytes {
                refuse(context, 431, "the request's header block is \(headerBytes) bytes; the limit is \(gateway.configuration.maximumHeaderBytes)")
            } else if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > gateway.configuration.maximumBodyBytes {
                refuse(context, 413, "the request body is \(length) bytes; the limit is \(gateway.configuration.maximumBodyBytes)")
            }
        case .body(var chunk):
            guard !refused else { return }
            if body.count + chunk.readableBytes > gateway.configuration.maximumBodyBytes {
                return refuse(context, 413, "the request body exceeds the limit of \(gateway.configuration.maximumBodyBytes) bytes")
            }
            body += chunk.readBytes(length: chunk.readableBytes) ?? []
        case .end:
            guard !refused, let head else { return }
            self.head = nil
            let request = GatewayRequest(
                method: head.method.rawValue, target: head.uri,
                headers: head.headers.map { ($0.name, $0.value) }, body: body,
                clientAddress: context.channel.remoteAddress?.ipAddress ?? "unknown", callerIdentity: callerIdentity)
            body = []
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let writer = HTTP1ResponseWriter(
                context: NIOLoopBound(context, eventLoop: context.eventLoop), keepAlive: head.isKeepAlive, headOnly: head.method == .HEAD
            ) {
                let (handler, context) = bound.value
                handler.awaitNextRequest(context)
            }
            let dispatch = gateway.begin(request, on: context.eventLoop, respond: writer.write)
            switch dispatch {
            case .responding:
                break
            case .streaming(let run):
                Task { await run(writer) }
            }
        }
    }

    /// Answers with `status` and closes: the rest of the request is not worth reading.
    private func refuse(_ context: ChannelHandlerContext, _ status: Int, _ message: String) {
        refused = true
        let code: Status.Code = status == 413 || status == 431 ? .resourceExhausted : .invalidArgument
        let writer = HTTP1ResponseWriter(
            context: NIOLoopBound(context, eventLoop: context.eventLoop), keepAlive: false, headOnly: head?.method == .HEAD) {}
        writer.write(status: status, headers: [("content-type", "application/json")], body: ErrorResponse.body(for: Status(code, message)))
    }
}

/// Writes one response on an HTTP/1.1 connection, from any Task.
struct HTTP1ResponseWriter: GatewayResponseWriter {
    let context: NIOLoopBound<ChannelHandlerContext>
    let keepAlive: Bool
    /// The request is HEAD: no body goes out (NIOHTTP1's encoder refuses one), while the head
    /// keeps the framing headers a GET's answer would have.
    let headOnly: Bool
    /// Called on the event loop once the response has ended (the connection kept alive).
    let ended: @Sendable () -> Void

    func respond(status: Int, headers: HTTPFields, body: [UInt8]) async {
        let eventLoop = context.eventLoop
        let done = eventLoop.flatSubmit { [self] in
            write(status: status, headers: headers, body: body)
        }
        try? await done.get()
    }

    /// Writes a whole answer: at once on the event loop (where the gateway's answers arrive),
    /// else hopping onto it.
    func write(_ response: GatewayResponse) {
        guard context.eventLoop.inEventLoop else {
            return context.eventLoop.execute { write(status: response.status, headers: response.headers, body: response.body) }
        }
        write(status: response.status, headers: response.headers, body: response.body)
    }

    /// Writes a whole response on the event loop; the future completes when it is flushed.
    @discardableResult
    func write(status: Int, headers: HTTPFields, body: [UInt8]) -> EventLoopFuture<Void> {
        let context = self.context.value
        var head = responseHead(status: status, headers: headers)
        head.headers.replaceOrAdd(name: "content-length", value: String(body.count))
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if !body.isEmpty, !headOnly {
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        return end(context)
    }

    func startStream(status: Int, headers: HTTPFields) async throws {
        try await onLoop { context in
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.head(responseHead(status: status, headers: headers))))
        }
    }

    func writeChunk(_ bytes: [UInt8]) async throws {
        try await onLoop { context in
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))))
        }
    }

    func endStream() async {
        try? await onLoop { context in end(context) }
    }

    private func end(_ context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        let written = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        guard !keepAlive else {
            ended()
            return written
        }
        let channel = context.channel
        return written.always { _ in channel.close(promise: nil) }
    }

    private func responseHead(status: Int, headers: HTTPFields) -> HTTPResponseHead {
        var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if !keepAlive { head.headers.replaceOrAdd(name: "connection", value: "close") }
        return head
    }

    /// Runs `body` on the event loop and waits for the write it starts; a write to a connection
    /// that has gone throws CANCELLED.
    private func onLoop(_ body: @escaping @Sendable (ChannelHandlerContext) -> EventLoopFuture<Void>) async throws {
        let context = self.context
        do {
            try await context.eventLoop.flatSubmit { body(context.value) }.get()
        } catch {
            throw Status(.cancelled, "the client went away: \(error)")
        }
    }
}
