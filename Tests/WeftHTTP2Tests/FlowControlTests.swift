import NIOCore
import Synchronization
import Testing
import WeftHTTP2

/// Flow control is the backpressure: a consumer that does not consume stops the sender.
// A guard against hangs only, generous for a loaded machine (the trait counts in minutes).
@Suite(.timeLimit(.minutes(10)))
struct FlowControlTests {
    @Test func aSlowConsumerStopsTheSenderUntilItConsumes() async throws {
        let window = 65_535
        var configuration = HTTP2Configuration.defaults
        configuration.initialWindowSize = UInt32(window)
        configuration.connectionWindowSize = UInt32(window)
        let server = try await TestServer(configuration: configuration)
        let client = try await TestClient.connect(port: server.port)
        defer { Task { try await client.close(); try await server.stop() } }
        let stream = try #require(try await client.open("/slow"))
        let chunk = 16 * 1024
        let chunks = 64  // 1 MiB, 16 windows' worth
        let written = Mutex(0)

        // Queue all of it at once: only a window's worth may go out while nobody consumes.
        let writes = (0..<chunks).map { index in
            let future = stream.handle.sendData(Pattern.bytes(chunk, seed: index))
            future.whenSuccess { written.withLock { $0 += chunk } }
            return future
        }
        // Exactly one window's worth arrives (however long a busy machine takes), and the writes
        // wholly inside it complete; the rest wait.
        let wholeChunksInWindow = window / chunk
        try await eventually { server.log.slowReceivedBytes(stream.handle.id) == window }
        try await eventually { written.withLock { $0 } == wholeChunksInWindow * chunk }
        // Nothing more may come while nobody consumes: a pause to let any excess show (waiting
        // longer could only make a wrong sender more visible, never a right one fail).
        try await Task.sleep(for: .milliseconds(300))

        #expect(server.log.slowReceivedBytes(stream.handle.id) == window, "nothing more arrives while nobody consumes")
        #expect(written.withLock { $0 } == wholeChunksInWindow * chunk, "the sender's writes wait for the window")

        // The consumer wakes up: the rest flows and every write completes.
        server.log.startConsuming(stream.handle.id)
        for write in writes { try await write.get() }
        try await stream.handle.endStream(trailers: nil).get()
        _ = try await stream.response.finished()

        #expect(server.log.slowReceivedBytes(stream.handle.id) == chunk * chunks)
        #expect(stream.response.trailer("x-echo-bytes") == "\(chunk * chunks)")
    }

    @Test func aClientThatDoesNotConsumeTheResponseStopsTheServer() async throws {
        let server = try await TestServer()
        var configuration = HTTP2Configuration.defaults
        configuration.initialWindowSize = 65_535
        configuration.connectionWindowSize = 1 << 20
        let client = try await TestClient.connect(port: server.port, configuration: configuration)
        defer { Task { try await client.close(); try await server.stop() } }

        let stream = try #require(try await client.open("/download/\(1 << 20)", endStream: true, consumes: false))
        // One window's worth arrives (however busy the machine), then nothing more.
        try await eventually { stream.response.body.readableBytes >= 65_535 }
        try await Task.sleep(for: .milliseconds(300))

        #expect(stream.response.body.readableBytes == 65_535)
        #expect(stream.response.state.withLock { $0.closeCode } == nil)
        // Consuming what arrived lets the next window's worth through.
        stream.handle.consume(65_535)
        try await eventually { stream.response.body.readableBytes == 2 * 65_535 }
        stream.handle.reset(errorCode: HTTP2ErrorCode.cancel)
    }
}
