import NIOCore
import Testing
import WeftHTTP2

/// Floods and stalls from a raw peer end its connection with GOAWAY `ENHANCE_YOUR_CALM`,
/// whatever patches the installed libnghttp2 carries; other connections carry on.
// A guard against hangs only, generous for a loaded machine (the trait counts in minutes).
@Suite(.timeLimit(.minutes(10)))
struct PeerLimitTests {
    static func server(_ change: (inout HTTP2Configuration.PeerLimits) -> Void) async throws -> TestServer {
        var configuration = HTTP2Configuration.defaults
        change(&configuration.peerLimits)
        return try await TestServer(configuration: configuration)
    }

    /// Sends `bytes` after the preface and waits for the server to close the connection.
    static func calmedDown(_ server: TestServer, by bytes: [UInt8]) async throws -> RawPeer {
        let peer = try await RawPeer(port: server.port)
        try await peer.write(RawPeer.clientPreface + bytes)
        try await peer.closed()
        return peer
    }

    @Test func rapidResetGetsEnhanceYourCalm() async throws {
        let server = try await Self.server { $0.resetBurst = 20 }
        defer { Task { try await server.stop() } }
        var flood: [UInt8] = []
        for index in 0..<200 {
            let stream = UInt32(2 * index + 1)
            flood += RawPeer.frame(type: 0x1, flags: 0x4, stream: stream, payload: RawPeer.requestHeaderBlock)
            flood += RawPeer.frame(type: 0x3, stream: stream, payload: [0, 0, 0, 8])  // RST_STREAM CANCEL
        }
        let peer = try await Self.calmedDown(server, by: flood)
        defer { Task { try await peer.close() } }
        #expect(peer.goAwayErrorCodes == [HTTP2ErrorCode.enhanceYourCalm])
        #expect(server.log.requestCount < 200)
        try await Self.expectServing(server)
    }

    @Test func aContinuationFloodGetsEnhanceYourCalm() async throws {
        let server = try await Self.server { $0.maximumContinuationFrames = 4 }
        defer { Task { try await server.stop() } }
        var flood = RawPeer.frame(type: 0x1, stream: 1, payload: RawPeer.requestHeaderBlock)  // no END_HEADERS
        for _ in 0..<50 { flood += RawPeer.frame(type: 0x9, stream: 1) }
        let peer = try await Self.calmedDown(server, by: flood)
        defer { Task { try await peer.close() } }
        #expect(peer.goAwayErrorCodes == [HTTP2ErrorCode.enhanceYourCalm])
        try await Self.expectServing(server)
    }

    @Test func pingsWhoseAcknowledgementsPileUpGetEnhanceYourCalm() async throws {
        let server = try await Self.server { $0.maximumQueuedAcknowledgements = 10 }
        defer { Task { try await server.stop() } }
        let flood = (0..<500).flatMap { _ in RawPeer.frame(type: 0x6, payload: [UInt8](repeating: 7, count: 8)) }
        let peer = try await Self.calmedDown(server, by: flood)
        defer { Task { try await peer.close() } }
        #expect(peer.goAwayErrorCodes.last == HTTP2ErrorCode.enhanceYourCalm)
        try await Self.expectServing(server)
    }

    @Test func aPeerThatNeverSendsItsPrefaceIsCut() async throws {
        let server = try await Self.server { $0.prefaceTimeout = .milliseconds(200) }
        defer { Task { try await server.stop() } }
        let peer = try await RawPeer(port: server.port)
        defer { Task { try await peer.close() } }
        // Connected, and silent: writing half a preface would race the timer on a slow machine.
        try await peer.closed()
        #expect(peer.goAwayErrorCodes == [HTTP2ErrorCode.enhanceYourCalm])
    }

    @Test func anUnfinishedHeaderBlockIsCut() async throws {
        let server = try await Self.server { $0.headerBlockTimeout = .milliseconds(200) }
        defer { Task { try await server.stop() } }
        let peer = try await Self.calmedDown(
            server, by: RawPeer.frame(type: 0x1, stream: 1, payload: RawPeer.requestHeaderBlock))  // no END_HEADERS
        defer { Task { try await peer.close() } }
        #expect(peer.goAwayErrorCodes == [HTTP2ErrorCode.enhanceYourCalm])
        #expect(server.log.requestCount == 0)
    }

    /// A byte now and then into a frame that never completes is not life: keepalive PINGs, which
    /// the peer cannot answer from inside its frame, and closes the connection.
    @Test func aPeerTricklingBytesIsCutByKeepalive() async throws {
        var configuration = HTTP2Configuration.defaults
        // Seconds, not milliseconds: the peer must have started trickling before the first PING even
        // on a loaded machine (a peer that sends nothing at all is cut by keepalive on any code).
        configuration.keepalive = .init(interval: .seconds(2), timeout: .seconds(3))
        let server = try await TestServer(configuration: configuration)
        defer { Task { try await server.stop() } }
        let peer = try await RawPeer(port: server.port)
        defer { Task { try await peer.close() } }
        // An extension frame (type 0xaa, ignored by HTTP/2) announcing 10,000 bytes.
        try await peer.write(RawPeer.clientPreface + Array(RawPeer.frame(type: 0xaa, payload: [UInt8](repeating: 0, count: 10_000)).prefix(9)))
        var trickled = 0
        while peer.channel.isActive, trickled < 600 {
            try? await peer.write([0])
            trickled += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        try await peer.closed()
        #expect(trickled < 600)
    }

    /// A well-behaved client still gets answers from the server.
    static func expectServing(_ server: TestServer) async throws {
        let client = try await TestClient.connect(port: server.port)
        defer { Task { try await client.close() } }
        let stream = try #require(try await client.open("/echo"))
        try await stream.send(Pattern.bytes(10))
        #expect(try await stream.response.finished() == HTTP2ErrorCode.noError)
    }
}
