import NIOCore
import Testing
import WeftHTTP2

/// Peers that go silent or send garbage lose their own connection, nothing else.
// A guard against hangs only, generous for a loaded machine (the trait counts in minutes).
@Suite(.timeLimit(.minutes(10)))
struct ConnectionFailureTests {
    @Test func keepaliveClosesAConnectionWhosePeerNeverAnswersPing() async throws {
        var configuration = HTTP2Configuration.defaults
        // A timeout generous enough that the answering client's ACK is never late on a busy machine.
        configuration.keepalive = .init(interval: .milliseconds(200), timeout: .seconds(3))
        let server = try await TestServer(configuration: configuration)
        // The server's keepalive clock starts when the connection does.
        let started = ContinuousClock.now
        let silent = try await RawPeer(port: server.port)
        try await silent.write(RawPeer.clientPreface)  // then silence: no SETTINGS ACK, no PING ACK
        let client = try await TestClient.connect(port: server.port)
        defer { Task { try await silent.close(); try await client.close(); try await server.stop() } }

        try await silent.closed()

        #expect(ContinuousClock.now - started >= .milliseconds(3150))
        #expect(silent.receivedFrames.contains { $0.type == 0x6 && $0.flags & 1 == 0 })  // the PING it ignored
        // A peer that answers PINGs stays connected through several intervals.
        try await Task.sleep(for: .milliseconds(800))
        let stream = try #require(try await client.open("/echo"))
        try await stream.send(Pattern.bytes(10))
        #expect(try await stream.response.finished() == HTTP2ErrorCode.noError)
        #expect(stream.response.body == Pattern.bytes(10))
    }

    /// Bytes no HTTP/2 server may accept, each a connection error.
    static let garbage: [(name: String, bytes: [UInt8])] = {
        let preface = RawPeer.clientPreface
        let dataOnStreamZero: [UInt8] = [0, 0, 4, 0x0, 0x0, 0, 0, 0, 0, 1, 2, 3, 4]
        let undecodableHeaders: [UInt8] = [0, 0, 4, 0x1, 0x5, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]
        let oversizedFrame: [UInt8] = [0xff, 0xff, 0xff, 0x0, 0x0, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 64)
        return [
            ("not HTTP/2", Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
            ("DATA on stream 0", preface + dataOnStreamZero),
            ("undecodable header block", preface + undecodableHeaders),
            ("oversized frame", preface + oversizedFrame),
        ]
    }()

    @Test(arguments: ConnectionFailureTests.garbage.indices)
    func garbageClosesOnlyThatConnection(_ index: Int) async throws {
        let bytes = Self.garbage[index].bytes
        // The garbage, not a silence a loaded machine could stretch past the preface timeout,
        // must be what closes the peer's connection.
        var configuration = HTTP2Configuration.defaults
        configuration.peerLimits.prefaceTimeout = .minutes(10)
        let server = try await TestServer(configuration: configuration)
        let client = try await TestClient.connect(port: server.port)
        defer { Task { try await client.close(); try await server.stop() } }
        let before = try #require(try await client.open("/hold"))  // in flight on the good connection
        let peer = try await RawPeer(port: server.port)
        defer { Task { try await peer.close() } }

        try await peer.write(bytes)
        try await peer.closed()

        let stream = try #require(try await client.open("/echo"))
        try await stream.send(Pattern.bytes(100))
        #expect(try await stream.response.finished() == HTTP2ErrorCode.noError)
        #expect(stream.response.body == Pattern.bytes(100))
        #expect(before.response.state.withLock { $0.closeCode } == nil)
    }

    @Test func aMalformedRequestResetsOnlyItsStream() async throws {
        let server = try await TestServer()
        let peer = try await RawPeer(port: server.port)
        defer { Task { try await peer.close(); try await server.stop() } }
        // :method POST, :scheme http, :path / (static table), :authority; then an upper-case name.
        let good: [UInt8] = [0x83, 0x86, 0x84, 0x01, 0x09] + Array("127.0.0.1".utf8)
        let bad: [UInt8] = good + [0x00, 0x03] + Array("Bad".utf8) + [0x01] + Array("x".utf8)
        let endStreamEndHeaders: UInt8 = 0x5

        try await peer.write(
            RawPeer.clientPreface
                + [0, 0, UInt8(bad.count), 0x1, endStreamEndHeaders, 0, 0, 0, 1] + bad
                + [0, 0, UInt8(good.count), 0x1, endStreamEndHeaders, 0, 0, 0, 3] + good)

        try await eventually { peer.receivedFrames.contains { $0.type == 0x1 && $0.stream == 3 } }
        #expect(peer.receivedFrames.contains { $0.type == 0x3 && $0.stream == 1 })  // RST_STREAM
        #expect(!peer.receivedFrames.contains { $0.type == 0x7 })  // no GOAWAY
        #expect(server.log.requestCount == 1)
    }
}
