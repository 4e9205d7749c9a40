import COpenSSL
import NIOCore
import NIOEmbedded
import Testing
import WeftTLS

/// The TLS handler when things go wrong, on embedded channels (their clock moved by hand): a
/// handshake that never finishes, an OpenSSL error another connection left on the thread, a
/// record that fails to decrypt.
@Suite struct TLSHandlerFailureTests {
    let pair = TLSHandlerWriteTests()

    @Test func aHandshakeThatStallsIsCutAtItsTimeout() throws {
        var configuration = try TLSHandshakeTests.context(.server, "server").configuration
        configuration.handshakeTimeout = .seconds(10)
        let server = EmbeddedChannel(handler: TLSHandler(context: try TLSContext(configuration)))
        try server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        // Half a ClientHello's record header, then nothing.
        try server.writeInbound(ByteBuffer(bytes: [0x16, 0x03, 0x01]))
        server.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(server.isActive)
        server.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!server.isActive)
        #expect(throws: TLSError.handshakeTimeout(.seconds(10))) { try server.throwIfErrorCaught() }
    }

    @Test func aHandshakeWithinItsTimeoutStays() throws {
        let (client, server) = try pair.handshakenPair()
        server.embeddedEventLoop.advanceTime(by: .seconds(3600))
        #expect(server.isActive && client.isActive)
    }

    /// OpenSSL's error queue is per thread; an error a failed call left there (here: opening a
    /// file that does not exist) must not turn the next read's "want more bytes" into a fatal
    /// error, nor fail a handshake or a write.
    @Test func aStaleErrorOnTheThreadFailsNothing() throws {
        let serverHandler = TLSHandler(context: try TLSHandshakeTests.context(.server, "server"))
        let clientHandler = TLSHandler(context: try TLSHandshakeTests.context(.client, "client", serverName: "127.0.0.1"))
        Self.leaveAStaleError()
        let (server, client) = (EmbeddedChannel(handler: serverHandler), EmbeddedChannel(handler: clientHandler))
        try server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try pair.carry(client, server)
        for text in ["after a stale error", "and another"] {
            Self.leaveAStaleError()
            client.writeAndFlush(ByteBuffer(string: text), promise: nil)
            Self.leaveAStaleError()
            try pair.carry(client, server)
            #expect(try pair.received(server) == text)
        }
        #expect(server.isActive && client.isActive)
    }

    static func leaveAStaleError() {
        #expect(BIO_new_file("/nonexistent/weft-stale-error", "r") == nil)
    }

    @Test func aRecordThatFailsToDecryptClosesTheConnection() throws {
        let (_, server) = try pair.handshakenPair()
        // An application-data record of 32 bytes that no key encrypted.
        let forged: [UInt8] = [0x17, 0x03, 0x03, 0x00, 0x20] + (0..<32).map { UInt8($0 * 7 & 0xff) }
        #expect(throws: TLSError.self) { try server.writeInbound(ByteBuffer(bytes: forged)) }
        #expect(!server.isActive)
    }
}
