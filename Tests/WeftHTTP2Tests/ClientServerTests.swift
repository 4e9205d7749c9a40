import NIOCore
import Testing
import WeftHTTP2

/// WeftHTTP2's client role against its server role over loopback.
// A guard against hangs only, generous for a loaded machine (the trait counts in minutes).
@Suite(.timeLimit(.minutes(10)))
struct ClientServerTests {
    @Test func echoesABodyWithTrailers() async throws {
        let server = try await TestServer()
        let client = try await TestClient.connect(port: server.port)
        defer { Task { try await client.close(); try await server.stop() } }

        let stream = try #require(try await client.open("/echo"))
        try await stream.send(Pattern.bytes(50_000))
        let code = try await stream.response.finished()

        #expect(code == HTTP2ErrorCode.noError)
        #expect(stream.response.status == "200")
        #expect(stream.response.body == Pattern.bytes(50_000))
        #expect(stream.response.trailer("x-echo-bytes") == "50000")
    }

    @Test func carriesAHundredConcurrentStreamsOnOneConnection() async throws {
        let server = try await TestServer()
        let client = try await TestClient.connect(port: server.port)
        defer { Task { try await client.close(); try await server.stop() } }

        // The server answers none of them until all 100 are open at once.
        let responses = try await withThrowingTaskGroup(of: (Int, Response).self) { group in
            for index in 0..<100 {
                group.addTask {
                    let stream = try #require(try await client.open("/barrier/100"))
                    try await stream.send(Pattern.bytes(1_000 + index, seed: index))
                    _ = try await stream.response.finished()
                    return (index, stream.response)
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }

        #expect(responses.count == 100)
        for (index, response) in responses {
            #expect(response.status == "200")
            #expect(response.body == Pattern.bytes(1_000 + index, seed: index))
        }
        #expect(server.log.connections.count == 1)
    }

    @Test func movesFourMebibytesEachWayThroughManyWindows() async throws {
        // 64 KiB windows: 4 MiB needs 64 of them each way.
        var configuration = HTTP2Configuration.defaults
        configuration.initialWindowSize = 65_535
        configuration.connectionWindowSize = 65_535
        let server = try await TestServer(configuration: configuration)
        let client = try await TestClient.connect(port: server.port, configuration: configuration)
        defer { Task { try await client.close(); try await server.stop() } }
        let size = 4 << 20

        let echo = try #require(try await client.open("/echo"))
        try await echo.send(Pattern.bytes(size, seed: 7), chunkSize: 256 * 1024)
        _ = try await echo.response.finished()
        let download = try #require(try await client.open("/download/\(size)", endStream: true))
        _ = try await download.response.finished()

        #expect(echo.response.body.readableBytes == size)
        #expect(echo.response.body == Pattern.bytes(size, seed: 7))
        #expect(echo.response.trailer("x-echo-bytes") == "\(size)")
        #expect(download.response.body == Pattern.bytes(size))
    }

    @Test func answersTrailersOnly() async throws {
        let server = try await TestServer()
        let client = try await TestClient.connect(port: server.port)
        defer { Task { try await client.close(); try await server.stop() } }

        let stream = try #require(try await client.open("/trailers-only", endStream: true))
        let code = try await stream.response.finished()

        let state = stream.response.state.withLock { $0 }
        #expect(code == HTTP2ErrorCode.noError)
        #expect(state.headersEndedStream)
        #expect(state.headers?.contains { $0.name == "grpc-status" && $0.value == "12" } == true)
        #expect(state.body.readableBytes == 0)
        #expect(state.trailers == nil)
    }

    @Test func aClientResetReachesTheServerStream() async throws {
        let server = try await TestServer()
        let client = try await TestClient.connect(port: server.port)
        defer { Task { try await client.close(); try await server.stop() } }

        let stream = try #require(try await client.open("/hold"))
        try await eventually { server.log.handle(for: stream.handle.id) != nil }
        stream.handle.reset(errorCode: HTTP2ErrorCode.cancel)

        #expect(try await stream.response.finished() == HTTP2ErrorCode.cancel)
        try await eventually { server.log.closeCode(of: stream.handle.id) == HTTP2ErrorCode.cancel }
    }

    @Test func aServerResetReachesTheClientStream() async throws {
        let server = try await TestServer()
        let client = try await TestClient.connect(port: server.port)
        defer { Task { try await client.close(); try await server.stop() } }

        let stream = try #require(try await client.open("/hold"))
        try await eventually { server.log.handle(for: stream.handle.id) != nil }
        server.log.handle(for: stream.handle.id)?.reset(errorCode: HTTP2ErrorCode.cancel)

        #expect(try await stream.response.finished() == HTTP2ErrorCode.cancel)
        // The reset stream's pending write fails instead of hanging.
        await #expect(throws: HTTP2Error.self) { try await stream.handle.sendData(Pattern.bytes(10)).get() }
    }
}

/// Polls `condition` until it holds (or fails the test after `timeout`, a guard against hangs
/// only: generous, so that a machine many times slower than usual still passes).
func eventually(timeout: Duration = .seconds(120), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
