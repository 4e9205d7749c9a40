import NIOCore
import NIOEmbedded
import Synchronization
import Testing
import WeftTLS

/// The TLS handler's write path on its own: a client and a server handler on two embedded
/// channels, their ciphertext carried across by hand, so every byte and promise is visible.
@Suite struct TLSHandlerWriteTests {
    /// A client and a server that have completed their handshake.
    func handshakenPair() throws -> (client: EmbeddedChannel, server: EmbeddedChannel) {
        let server = EmbeddedChannel(handler: TLSHandler(context: try TLSHandshakeTests.context(.server, "server")))
        let client = EmbeddedChannel(
            handler: TLSHandler(context: try TLSHandshakeTests.context(.client, "client", serverName: "127.0.0.1")))
        try server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try carry(client, server)
        return (client, server)
    }

    /// Moves ciphertext both ways until neither side has more to say; returns how many buffers
    /// the client sent.
    @discardableResult
    func carry(_ client: EmbeddedChannel, _ server: EmbeddedChannel) throws -> Int {
        var fromClient = 0
        var moved = true
        while moved {
            moved = false
            while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                fromClient += 1
                try server.writeInbound(bytes)
                moved = true
            }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                try client.writeInbound(bytes)
                moved = true
            }
        }
        return fromClient
    }

    /// Whether each future has completed successfully so far (embedded futures complete in line;
    /// waiting on one that never does would hang).
    func succeeded(_ futures: [EventLoopFuture<Void>]) -> [Bool] {
        futures.map { future in
            let success = Mutex(false)
            future.whenSuccess { success.withLock { $0 = true } }
            return success.withLock { $0 }
        }
    }

    func received(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while var bytes = try channel.readInbound(as: ByteBuffer.self) { text += bytes.readString(length: bytes.readableBytes) ?? "" }
        return text
    }

    @Test func writesUntilAFlushGoOutTogetherAndEveryPromiseCompletes() throws {
        let (client, server) = try handshakenPair()
        let promises = (0..<3).map { _ in client.eventLoop.makePromise(of: Void.self) }
        for (text, promise) in zip(["a", "bc", ""], promises) { client.write(ByteBuffer(string: text), promise: promise) }
        #expect(try client.readOutbound(as: ByteBuffer.self) == nil)  // nothing before the flush
        client.flush()
        #expect(try carry(client, server) == 1)  // one buffer of ciphertext for the three writes
        #expect(try received(server) == "abc")
        #expect(succeeded(promises.map(\.futureResult)) == [true, true, true])
    }

    @Test func anEmptyWriteCompletesAtItsFlush() throws {
        let (client, server) = try handshakenPair()
        let promise = client.eventLoop.makePromise(of: Void.self)
        client.write(ByteBuffer(), promise: promise)
        client.flush()
        #expect(succeeded([promise.futureResult]) == [true])
        #expect(try carry(client, server) == 0)
    }

    @Test func closingLeavesNoWriteHanging() throws {
        let (client, _) = try handshakenPair()
        let promise = client.eventLoop.makePromise(of: Void.self)
        let completed = Mutex(false)
        promise.futureResult.whenComplete { _ in completed.withLock { $0 = true } }
        client.write(ByteBuffer(string: "late"), promise: promise)
        _ = try? client.close().wait()
        // Encrypted and sent with the close_notify, or failed: never left hanging.
        #expect(completed.withLock { $0 })
    }
}
