import NIOCore
import WeftHTTP2
import WeftRPC

/// The gateway's HTTP/2 front for one connection (nghttp2 via WeftHTTP2): gathers each
/// stream's request, refuses oversize header blocks and bodies, and hands complete requests to
/// the `Gateway`.
/// Lives on the connection's event loop.
final class HTTP2FrontStreams: HTTP2StreamDelegate {
    private struct PendingRequest {
        var method = ""
        var target = ""
        var headers: HTTPFields = []
        var body: [UInt8] = []
        var refused = false
    }

    private let gateway: Gateway
    private let clientAddress: String
    /// The identity the client's certificate proves, on a mutual-TLS port (embedded REST).
    private let callerIdentity: String?
    private var pending: [Int32: PendingRequest] = [:]

    init(gateway: Gateway, clientAddress: String, callerIdentity: String? = nil) {
        self.gateway = gateway
        self.clientAddress = clientAddress
        self.callerIdentity = callerIdentity
    }

    func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection) {
        if pending[id] != nil {
            // Trailers: the body is over.
            if endStream { dispatchPending(id, on: connection) }
            return
        }
        var request = PendingRequest()
        request.headers.reserveCapacity(headers.count)
        for (name, value) in headers {
            switch name {
            case ":method": request.method = value
            case ":path": request.target = value
            case ":authority": request.headers.append(("host", value))
            case _ where name.hasPrefix(":"): continue
            default: request.headers.append((name, value))
            }
        }
        // Measured as HTTP/1.1 measures it (the target and each field with ": " and CRLF), so
        // one limit means the same on both.
        let headerBytes = request.headers.reduce(request.target.utf8.count) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if headerBytes > gateway.configuration.maximumHeaderBytes {
            pending[id] = request
            refuse(id, 431, on: connection, "the request's header block is \(headerBytes) bytes; the limit is \(gateway.configuration.maximumHeaderBytes)")
        } else if let length = request.headers.first(where: { $0.name == "content-length" }).flatMap({ Int($0.value) }),
           length > gateway.configuration.maximumBodyBytes {
            pending[id] = request
            refuse(id, 413, on: connection, "the request body is \(length) bytes; the limit is \(gateway.configuration.maximumBodyBytes)")
        } else if endStream {
            // No body will follow (a GET, say): answered at once, never kept.
            dispatch(id, request, on: connection)
        } else {
            pending[id] = request
        }
    }

    /// A header block past what the connection keeps (twice the limit): 431 without reading it.
    func stream(_ id: Int32, didReceiveOversizeHeaders size: Int, endStream: Bool, on connection: HTTP2Connection) {
        guard pending[id] == nil else {
            // Trailers of a request being read: the request is refused as a whole.
            return refuse(id, 431, on: connection, "the request's trailers exceed the header limit of \(gateway.configuration.maximumHeaderBytes) bytes")
        }
        pending[id] = PendingRequest()
        refuse(id, 431, on: connection, "the request's header block is over \(gateway.configuration.maximumHeaderBytes) bytes, the limit")
    }

    func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection) {
        // Changed in place: a copy taken out and put back would copy the body on every frame.
        guard let index = pending.index(forKey: id) else { return }
        // The whole body is buffered (up to the limit), so its window opens at once.
        connection.consume(data.readableBytes, stream: id)
        guard !pending.values[index].refused else { return }
        if pending.values[index].body.count + data.readableBytes > gateway.configuration.maximumBodyBytes {
            return refuse(id, 413, on: connection, "the request body exceeds the limit of \(gateway.configuration.maximumBodyBytes) bytes")
        }
        pending.values[index].body += data.readableBytesView
        if endStream { dispatchPending(id, on: connection) }
    }

    func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection) {
        pending[id] = nil
    }

    func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection) {
        pending.removeAll()
    }

    /// Hands a request whose body has arrived on to the gateway; later frames are ignored.
    private func dispatchPending(_ id: Int32, on connection: HTTP2Connection) {
        guard let index = pending.index(forKey: id), !pending.values[index].refused else { return }
        pending.values[index].refused = true
        dispatch(id, pending.values[index], on: connection)
    }

    private func dispatch(_ id: Int32, _ request: PendingRequest, on connection: HTTP2Connection) {
        let gatewayRequest = GatewayRequest(
            method: request.method, target: request.target, headers: request.headers, body: request.body, clientAddress: clientAddress,
            callerIdentity: callerIdentity)
        let writer = HTTP2ResponseWriter(stream: connection.stream(id), headOnly: request.method == "HEAD")
        switch gateway.begin(gatewayRequest, on: connection.eventLoop, respond: writer.write) {
        case .responding:
            break
        case .streaming(let run):
            Task { await run(writer) }
        }
    }

    /// Answers an oversize request with `status` (413 or 431, RESOURCE_EXHAUSTED) and ignores
    /// the rest of its stream.
    private func refuse(_ id: Int32, _ status: Int, on connection: HTTP2Connection, _ message: String) {
        guard pending[id]?.refused == false else { return }
        pending[id]?.refused = true
        let body = ErrorResponse.body(for: Status(.resourceExhausted, message))
        connection.sendResponse(
            [(":status", String(status)), ("content-type", "application/json"), ("content-length", String(body.count))],
            body: ByteBuffer(bytes: body), stream: id)
    }
}

/// Writes one response on an HTTP/2 stream, from any Task.
struct HTTP2ResponseWriter: GatewayResponseWriter {
    let stream: HTTP2StreamHandle
    /// The request is HEAD: the header block ends the stream, with the `content-length` a GET's
    /// answer would have.
    let headOnly: Bool

    func respond(status: Int, headers: HTTPFields, body: [UInt8]) async {
        write(GatewayResponse(status: status, headers: headers, body: body))
    }

    /// Sends a whole answer (at once when called on the connection's event loop).
    func write(_ response: GatewayResponse) {
        var block = Self.block(response.status, response.headers)
        block.append(("content-length", String(response.body.count)))
        if response.body.isEmpty || headOnly {
            stream.sendHeaders(block, endStream: true)
        } else {
            stream.sendResponse(block, body: ByteBuffer(bytes: response.body))
        }
    }

    func startStream(status: Int, headers: HTTPFields) async throws {
        stream.sendHeaders(Self.block(status, headers), endStream: headOnly)
    }

    func writeChunk(_ bytes: [UInt8]) async throws {
        do {
            try await stream.sendData(ByteBuffer(bytes: bytes)).get()
        } catch {
            throw Status(.cancelled, "the client went away: \(error)")
        }
    }

    func endStream() async {
        // A HEAD answer's header block ended the stream already.
        guard !headOnly else { return }
        try? await stream.endStream(trailers: nil).get()
    }

    /// HTTP/2 header names are lowercase; connection-specific fields are not allowed.
    private static func block(_ status: Int, _ headers: HTTPFields) -> HeaderFields {
        var block: HeaderFields = []
        block.reserveCapacity(headers.count + 2)
        block.append((":status", String(status)))
        for (name, value) in headers {
            // The gateway's own names are lowercase already: only others are copied.
            let lowercased = name.hasUpperCase ? name.lowercased() : name
            if lowercased != "connection" { block.append((lowercased, value)) }
        }
        return block
    }
}
