import Foundation
import Synchronization
import Testing
import WeftMessages
import WeftRPC
import WeftRPCHTTP2
import WeftTestSupport

/// Compressed responses: gzip when the server (or the handler) asks for it and the client
/// accepts it, identity otherwise; Weft's client reads both. nghttp shows what is on the wire.
@Suite struct ResponseCompressionTests {
    static func startServer() async throws -> GRPCServer {
        var configuration = GRPCServer.Configuration()
        configuration.responseCompression = .gzip
        return try await GRPCServer.start(port: 0, tls: nil, services: [Library()], configuration: configuration, threads: 1)
    }

    @Test func weftClientsReadCompressedResponses() async throws {
        let server = try await Self.startServer()
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let client = Shelves.Client(transport: channel)
        let long = String(repeating: "dune ", count: 2_000)
        #expect(try await client.getBook(Named(displayName: long)).displayName == "found: " + long)
        #expect(try await client.echo(["a", "b"]) == ["A", "B"])
        try await channel.close()
        try await server.shutdown()
    }

    @Test func gzipOnlyForClientsThatAcceptIt() async throws {
        let server = try await Self.startServer()
        let body = FileManager.default.temporaryDirectory.appendingPathComponent("weft-compression-\(UUID()).bin")
        let request = Named(displayName: String(repeating: "x", count: 1_000)).serializedBytes()
        try Data([0, 0, 0, UInt8(request.count >> 8), UInt8(request.count & 0xFF)] + request).write(to: body)
        defer { try? FileManager.default.removeItem(at: body) }
        let url = "http://127.0.0.1:\(server.port)\(Shelves.descriptor.methods[0].path)"
        func nghttp(_ extra: [String]) async throws -> String {
            try await runTool("/usr/bin/nghttp", [
                "-H", ":method: POST", "-H", "content-type: application/grpc", "-H", "te: trailers", "-d", body.path,
            ] + extra + [url]).text
        }
        let accepting = try await nghttp(["-v", "-H", "grpc-accept-encoding: gzip"])
        #expect(accepting.contains("grpc-encoding: gzip"), "\(accepting)")
        #expect(accepting.contains("grpc-status: 0"))
        let plain = try await nghttp(["-v", "-H", "grpc-accept-encoding: identity"])
        #expect(!plain.contains("grpc-encoding: gzip"), "\(plain)")
        #expect(plain.contains("grpc-status: 0"))
        // The bodies themselves: the frame's compressed flag, and a gzip payload far smaller than
        // the thousand repeated bytes it carries.
        let compressedBody = Array(try await nghttp(["-H", "grpc-accept-encoding: gzip"]).utf8)
        let plainBody = Array(try await nghttp(["-H", "grpc-accept-encoding: identity"]).utf8)
        #expect(compressedBody.first == 1 && plainBody.first == 0)
        #expect(compressedBody.count < 200 && plainBody.count > 1_000, "\(compressedBody.count) and \(plainBody.count) bytes")
        try await server.shutdown()
    }

    /// Writes one message, then tries to switch to gzip: too late, the headers went out.
    final class LateChooser: Shelves.Handler {
        let choseLate = Mutex<Bool?>(nil)

        func getBook(_ request: Named, context: ServerContext) async throws -> Named { request }

        func watchBooks(_ requests: RequestStream<Named>, responses: ResponseWriter<Named>, context: ServerContext) async throws {
            try await responses.write(Named(displayName: "first"))
            let chosen = context.compressResponses(with: .gzip)
            choseLate.withLock { $0 = chosen }
            try await responses.write(Named(displayName: "second"))
        }
    }

    @Test func theEncodingCannotChangeOnceTheHeadersAreOut() async throws {
        let handler = LateChooser()
        let server = try await GRPCServer.start(port: 0, tls: nil, services: [handler], threads: 1)
        let channel = try await GRPCConnection.connect(host: "127.0.0.1", port: server.port, tls: nil)
        let names = try await Shelves.Client(transport: channel).watchBooks { _ in } onResponse: { responses in
            var names: [String] = []
            for try await response in responses { names.append(response.displayName) }
            return names
        }
        #expect(names == ["first", "second"])
        #expect(handler.choseLate.withLock { $0 } == false)
        try await channel.close()
        try await server.shutdown()
    }

    @Test func aHandlerMayOnlyChooseWhatTheClientAccepts() {
        let context = ServerContext(
            path: "/p.S/M", requestMetadata: Metadata(), deadline: nil, peerIdentity: nil, acceptedResponseEncodings: ["identity"])
        #expect(!context.compressResponses(with: .gzip))
        #expect(context.compressResponses(with: .identity))
        let accepting = ServerContext(
            path: "/p.S/M", requestMetadata: Metadata(), deadline: nil, peerIdentity: nil,
            acceptedResponseEncodings: ["identity", "gzip"])
        #expect(accepting.compressResponses(with: .gzip))
    }
}
