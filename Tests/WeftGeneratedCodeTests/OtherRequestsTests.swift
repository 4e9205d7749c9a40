import NIOCore
import Testing
import WeftHTTP2
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTestSupport

/// A gRPC server answering other HTTP/2 requests on its own port
/// (`GRPCServer.Configuration.otherRequests`, what embedded REST builds on): curl's GET goes to
/// the other delegate, a gRPC call on the same connection kind to the services.
@Suite struct OtherRequestsTests {
    /// Answers every request with 200 and its method and path as text.
    final class PathEcho: HTTP2StreamDelegate {
        let clientAddress: String
        private var heads: [Int32: String] = [:]

        init(clientAddress: String) {
            self.clientAddress = clientAddress
        }

        func stream(_ id: Int32, didReceiveHeaders headers: HeaderFields, endStream: Bool, on connection: HTTP2Connection) {
            let method = headers.first { $0.name == ":method" }?.value ?? "?"
            let path = headers.first { $0.name == ":path" }?.value ?? "?"
            heads[id] = "\(method) \(path) from \(clientAddress)"
            if endStream { answer(id, on: connection) }
        }

        func stream(_ id: Int32, didReceiveData data: ByteBuffer, endStream: Bool, on connection: HTTP2Connection) {
            connection.consume(data.readableBytes, stream: id)
            if endStream { answer(id, on: connection) }
        }

        private func answer(_ id: Int32, on connection: HTTP2Connection) {
            let body = Array((heads.removeValue(forKey: id) ?? "").utf8)
            connection.sendHeaders([(":status", "200"), ("content-type", "text/plain"), ("content-length", String(body.count))], stream: id, endStream: false)
            connection.sendData(ByteBuffer(bytes: body), stream: id, endStream: true)
        }

        func streamDidClose(_ id: Int32, errorCode: UInt32, on connection: HTTP2Connection) {
            heads[id] = nil
        }

        func connectionDidClose(error: (any Error)?, on connection: HTTP2Connection) {
            heads = [:]
        }
    }

    @Test func aGETGoesToTheOtherDelegateAndGRPCToTheServices() async throws {
        var configuration = GRPCServer.Configuration()
        configuration.otherRequests = { _, peer in PathEcho(clientAddress: peer.address) }
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [Library()], configuration: configuration, threads: 1)
        let answered = try await runTool("/usr/bin/curl", ["-s", "--http2-prior-knowledge", "http://127.0.0.1:\(server.port)/v1/books/dune?x=1"])
        #expect(answered.text == "GET /v1/books/dune?x=1 from 127.0.0.1", "\(answered.text)")
        // A POST with a body that is not gRPC: its data reaches the other delegate too.
        let posted = try await runTool(
            "/usr/bin/curl", ["-s", "--http2-prior-knowledge", "-H", "content-type: application/json", "-d", #"{"a":1}"#, "http://127.0.0.1:\(server.port)/v1/books"])
        #expect(posted.text == "POST /v1/books from 127.0.0.1", "\(posted.text)")
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        #expect(try await Shelves.Client(transport: channel).getBook(Named(displayName: "dune")).displayName == "found: dune")
        try await channel.close()
        try await server.shutdown()
    }
}
