import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP peer that writes exactly what a test tells it and records what comes back.
final class RawPeer: Sendable {
    let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let recorder: Recorder

    /// The HTTP/2 client connection preface: the magic string and an empty SETTINGS frame.
    static let clientPreface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]

    init(port: Int) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let recorder = Recorder(eventLoop: group.next())
        self.recorder = recorder
        channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(recorder) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
    }

    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Completes when the other side closes the connection.
    func closed() async throws { try await recorder.closed.futureResult.get() }

    /// Every byte received so far.
    var received: [UInt8] { recorder.received.withLock { $0 } }

    /// The frames received so far, as (type, flags, stream id).
    var receivedFrames: [(type: UInt8, flags: UInt8, stream: UInt32)] {
        receivedFramesWithPayloads.map { ($0.type, $0.flags, $0.stream) }
    }

    /// The payloads of the HEADERS frames received so far on `stream` (each a whole header
    /// block: the tests' blocks are small enough for one frame).
    func headerBlocks(stream: UInt32) -> [[UInt8]] {
        receivedFramesWithPayloads.filter { $0.type == 0x1 && $0.stream == stream }.map { frame in
            // PADDED (0x8) and PRIORITY (0x20) put bytes before the block.
            var block = frame.payload[...]
            if frame.flags & 0x8 != 0, let padding = block.first { block = block.dropFirst().dropLast(Int(padding)) }
            if frame.flags & 0x20 != 0 { block = block.dropFirst(5) }
            return Array(block)
        }
    }

    /// The error codes of the GOAWAY frames received so far.
    var goAwayErrorCodes: [UInt32] {
        receivedFramesWithPayloads.filter { $0.type == 0x7 && $0.payload.count >= 8 }.map { frame in
            frame.payload[4...7].reduce(0) { $0 << 8 | UInt32($1) }
        }
    }

    private var receivedFramesWithPayloads: [(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8])] {
        var bytes = received[...]
        var frames: [(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8])] = []
        while bytes.count >= 9 {
            let header = Array(bytes.prefix(9))
            let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
            let stream = (UInt32(header[5]) << 24 | UInt32(header[6]) << 16 | UInt32(header[7]) << 8 | UInt32(header[8])) & 0x7fff_ffff
            guard bytes.count >= 9 + length else { break }
            frames.append((header[3], header[4], stream, Array(bytes.dropFirst(9).prefix(length))))
            bytes = bytes.dropFirst(9 + length)
        }
        return frames
    }

    /// A frame as HTTP/2 lays it out: 9-byte header, then `payload`.
    static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32 = 0, payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags,
                UInt8(stream >> 24 & 0x7f), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)] + payload
    }

    /// A request header block (HPACK): POST http://127.0.0.1/ (static table entries and one
    /// literal authority).
    static let requestHeaderBlock: [UInt8] = [0x83, 0x86, 0x84, 0x01, 0x09] + Array("127.0.0.1".utf8)

    func close() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }

    private final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex<[UInt8]>([])
        let closed: EventLoopPromise<Void>

        init(eventLoop: any EventLoop) {
            closed = eventLoop.makePromise()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data).readableBytesView
            received.withLock { $0 += bytes }
        }

        func channelInactive(context: ChannelHandlerContext) {
            closed.succeed()
        }
    }
}
