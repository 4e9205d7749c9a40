import Foundation
import Testing
import WeftTestSupport

/// The test server against nghttp2's own command-line tools: a real, independent peer.
// A guard against hangs only, generous for a loaded machine (the trait counts in minutes).
@Suite(.timeLimit(.minutes(10)))
struct NghttpToolsTests {
    @Test func nghttpPostsABodyAndGetsItBackWithTrailers() async throws {
        let server = try await TestServer()
        defer { Task { try await server.stop() } }
        let body = String(repeating: "weft-echo-0123456789\n", count: 5_000)  // 105 KB: many DATA frames each way
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("weft-h2-\(UUID().uuidString).txt")
        try body.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let url = "http://127.0.0.1:\(server.port)/echo"
        let verbose = try await runTool("/usr/bin/nghttp", ["-v", "-d", file.path, url])
        let plain = try await runTool("/usr/bin/nghttp", ["-d", file.path, url])  // the body alone

        #expect(verbose.status == 0, "\(verbose.text.suffix(2_000))")
        #expect(verbose.text.contains(":status: 200"))
        #expect(verbose.text.contains("x-echo-bytes: \(body.utf8.count)"))  // the trailers
        #expect(verbose.text.contains("recv HEADERS frame <length=") && verbose.text.contains("; END_STREAM | END_HEADERS"))
        #expect(plain.status == 0)
        #expect(plain.text == body)
    }

    @Test func nghttpSeesATrailersOnlyResponse() async throws {
        let server = try await TestServer()
        defer { Task { try await server.stop() } }

        let result = try await runTool("/usr/bin/nghttp", ["-v", "http://127.0.0.1:\(server.port)/trailers-only"])

        #expect(result.status == 0, "\(result.text.suffix(2_000))")
        #expect(result.text.contains("grpc-status: 12"))
        #expect(result.text.contains("; END_STREAM | END_HEADERS"))
        #expect(!result.text.contains("recv DATA"))
    }

    /// A header block over `maximumHeaderListSize` resets its stream (the delegate's default),
    /// not the connection.
    @Test func anOversizeHeaderBlockResetsItsStreamOnly() async throws {
        let server = try await TestServer()
        defer { Task { try await server.stop() } }
        let big = String(repeating: "y", count: 20_000)

        let result = try await runTool(
            "/usr/bin/nghttp", ["-v", "-H", "x-big: \(big)", "http://127.0.0.1:\(server.port)/trailers-only"])

        #expect(result.text.contains("recv RST_STREAM frame") && result.text.contains("error_code=INTERNAL_ERROR"), "\(result.text.suffix(2_000))")
        #expect(!result.text.contains("recv GOAWAY"), "\(result.text.suffix(2_000))")
    }

    @Test func h2loadCompletesAThousandRequestsOnFourConnections() async throws {
        let server = try await TestServer()
        defer { Task { try await server.stop() } }

        let result = try await runTool("/usr/bin/h2load", ["-n", "1000", "-c", "4", "-m", "50", "http://127.0.0.1:\(server.port)/echo"])

        #expect(result.status == 0, "\(result.text)")
        #expect(result.text.contains("1000 total, 1000 started, 1000 done, 1000 succeeded, 0 failed, 0 errored"), "\(result.text)")
        #expect(result.text.contains("status codes: 1000 2xx"), "\(result.text)")
    }

    @Test func h2loadPostsBodies() async throws {
        let server = try await TestServer()
        defer { Task { try await server.stop() } }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("weft-h2-\(UUID().uuidString).bin")
        try Data(repeating: 0x61, count: 40_000).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let result = try await runTool(
            "/usr/bin/h2load", ["-n", "400", "-c", "4", "-m", "20", "-d", file.path, "http://127.0.0.1:\(server.port)/echo"])

        #expect(result.text.contains("400 total, 400 started, 400 done, 400 succeeded, 0 failed, 0 errored"), "\(result.text)")
    }
}
