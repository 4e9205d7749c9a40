import NIOCore
import WeftRPC

/// gRPC's length-prefixed message: one byte compressed-flag, four bytes big-endian length,
/// then the message bytes.
package enum MessageFraming {
    /// The prefix size in bytes.
    package static let prefixLength = 5

    /// `message` framed for the wire, compressed with `compression` unless it is `identity`.
    package static func frame(
        _ message: [UInt8], compression: CompressionAlgorithm = .identity, allocator: ByteBufferAllocator
    ) throws -> ByteBuffer {
        let payload = compression == .gzip ? try message.withUnsafeBytes { bytes throws in try Gzip.compress(bytes) } : message
        var buffer = allocator.buffer(capacity: prefixLength + payload.count)
        buffer.writeInteger(UInt8(compression == .identity ? 0 : 1))
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
        return buffer
    }
}

/// Splits a stream of DATA bytes into messages. A plain state type: the RPC layer feeds it
/// bytes as they arrive and takes whole messages out; nothing here does I/O.
package struct MessageDeframer {
    /// The largest message accepted, after decompression (gRPC's common default is 4 MiB).
    package let maximumMessageSize: Int
    /// The request's `grpc-encoding`, nil when it sent none.
    package let encoding: CompressionAlgorithm?
    private var buffered: ByteBuffer
    /// `buffered` is a received slice kept as it came: its storage is the connection's read buffer.
    private var holdsReceivedSlice = false

    /// A deframer for one stream.
    package init(maximumMessageSize: Int = 4 * 1024 * 1024, encoding: CompressionAlgorithm? = nil) {
        self.maximumMessageSize = maximumMessageSize
        self.encoding = encoding
        self.buffered = ByteBuffer()
    }

    /// Adds received bytes. With nothing buffered they are kept as they came (a slice of the
    /// connection's read, uncopied): most messages arrive in one DATA frame.
    package mutating func append(_ bytes: ByteBuffer) {
        guard buffered.readableBytes > 0 else {
            buffered = bytes
            holdsReceivedSlice = true
            return
        }
        var bytes = bytes
        buffered.writeBuffer(&bytes)  // into storage of its own (a kept slice is copied first)
        holdsReceivedSlice = false
    }

    /// Whether bytes of an unfinished message are buffered (an error if the stream ends here).
    package var hasPartialMessage: Bool { buffered.readableBytes > 0 }

    /// Bytes received and not yet returned as part of a message.
    package var bufferedByteCount: Int { buffered.readableBytes }

    /// The next whole message, nil when more bytes are needed. A message longer than the limit
    /// is `RESOURCE_EXHAUSTED` as soon as its prefix arrives, before its bytes are buffered.
    package mutating func next() throws -> [UInt8]? {
        guard let flag: UInt8 = buffered.getInteger(at: buffered.readerIndex),
              let length: UInt32 = buffered.getInteger(at: buffered.readerIndex + 1)
        else { return waitingForMore() }
        guard Int(length) <= maximumMessageSize else {
            throw Status(.resourceExhausted, "message of \(length) bytes exceeds the limit of \(maximumMessageSize) bytes")
        }
        guard buffered.readableBytes >= MessageFraming.prefixLength + Int(length) else { return waitingForMore() }
        buffered.moveReaderIndex(forwardBy: MessageFraming.prefixLength)
        let payload = buffered.readBytes(length: Int(length)) ?? []
        if buffered.readableBytes == 0 {
            // Drops what it held (maybe a slice of the connection's read buffer, which NIO can
            // then reuse); an empty buffer allocates nothing.
            buffered = ByteBuffer()
            holdsReceivedSlice = false
        } else if buffered.readerIndex > 64 * 1024 {
            // Reclaim consumed space now and then, not per message (that would copy every time).
            buffered.discardReadBytes()
        }
        switch flag {
        case 0:
            return payload
        case 1:
            guard let encoding, encoding != .identity else {
                throw Status(.internal, "compressed message on a stream without grpc-encoding")
            }
            return try payload.withUnsafeBytes { bytes throws in
                try Gzip.decompress(bytes, limit: maximumMessageSize)
            }
        default:
            throw Status(.internal, "invalid compressed-flag \(flag) in message prefix")
        }
    }

    /// Nil, for a message not complete yet. Its bytes so far are copied out of a kept received
    /// slice, which would otherwise hold the connection's whole read buffer while it waits.
    private mutating func waitingForMore() -> [UInt8]? {
        if holdsReceivedSlice, buffered.readableBytes > 0 {
            var own = ByteBufferAllocator().buffer(capacity: buffered.readableBytes)
            own.writeImmutableBuffer(buffered)
            buffered = own
            holdsReceivedSlice = false
        }
        return nil
    }
}
