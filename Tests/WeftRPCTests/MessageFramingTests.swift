import NIOCore
import Testing
@testable import WeftRPC
@testable import WeftRPCHTTP2

@Suite struct MessageFramingTests {
    let allocator = ByteBufferAllocator()

    @Test func framesHaveAFiveBytePrefix() throws {
        let framed = try MessageFraming.frame([1, 2, 3], allocator: allocator)
        #expect(Array(framed.readableBytesView) == [0, 0, 0, 0, 3, 1, 2, 3])
    }

    @Test func messagesSplitAcrossChunksAndChunksHoldingSeveralMessages() throws {
        var wire = try MessageFraming.frame([1], allocator: allocator)
        var second = try MessageFraming.frame([], allocator: allocator)
        var third = try MessageFraming.frame(Array(repeating: 7, count: 300), allocator: allocator)
        wire.writeBuffer(&second)
        wire.writeBuffer(&third)
        // A message may span any number of DATA frames, and a frame may end one message and
        // start the next (a received slice is kept whole, or copied while a message waits).
        for chunkSize in [1, 7, 64, wire.readableBytes] {
            var chunks = wire
            var deframer = MessageDeframer()
            var messages: [[UInt8]] = []
            while let chunk = chunks.readSlice(length: min(chunkSize, chunks.readableBytes)), chunk.readableBytes > 0 {
                deframer.append(chunk)
                while let message = try deframer.next() { messages.append(message) }
            }
            #expect(messages == [[1], [], Array(repeating: 7, count: 300)], "chunks of \(chunkSize)")
            #expect(!deframer.hasPartialMessage)
        }
    }

    @Test func oversizeMessageIsResourceExhaustedFromItsPrefixAlone() {
        var deframer = MessageDeframer(maximumMessageSize: 1024)
        var prefix = ByteBuffer()
        prefix.writeInteger(UInt8(0))
        prefix.writeInteger(UInt32(1025))
        deframer.append(prefix)
        #expect(throws: Status(.resourceExhausted, "message of 1025 bytes exceeds the limit of 1024 bytes")) {
            try deframer.next()
        }
    }

    @Test func gzipRoundTripsAndCompressedWithoutEncodingIsAnError() throws {
        let message = Array(String(repeating: "weft ", count: 1000).utf8)
        let framed = try MessageFraming.frame(message, compression: .gzip, allocator: allocator)
        #expect(framed.readableBytes < message.count / 10)
        #expect(framed.getInteger(at: 0, as: UInt8.self) == 1)

        var deframer = MessageDeframer(encoding: .gzip)
        deframer.append(framed)
        #expect(try deframer.next() == message)

        var plain = MessageDeframer()
        plain.append(framed)
        #expect(throws: Status.self) { try plain.next() }
    }

    @Test func aCompressionBombIsStoppedAtTheLimit() throws {
        let bomb = try MessageFraming.frame([UInt8](repeating: 0, count: 8 * 1024 * 1024), compression: .gzip, allocator: allocator)
        var deframer = MessageDeframer(maximumMessageSize: 4 * 1024 * 1024, encoding: .gzip)
        deframer.append(bomb)
        #expect { try deframer.next() } throws: { ($0 as? Status)?.code == .resourceExhausted }
    }

    @Test func corruptGzipIsInternal() throws {
        var framed = ByteBuffer()
        framed.writeInteger(UInt8(1))
        framed.writeInteger(UInt32(4))
        framed.writeBytes([0x1F, 0x8B, 0x00, 0x00])
        var deframer = MessageDeframer(encoding: .gzip)
        deframer.append(framed)
        #expect { try deframer.next() } throws: { ($0 as? Status)?.code == .internal }
    }

    @Test func unknownCompressedFlagIsInternal() {
        var framed = ByteBuffer()
        framed.writeInteger(UInt8(2))
        framed.writeInteger(UInt32(0))
        var deframer = MessageDeframer()
        deframer.append(framed)
        #expect { try deframer.next() } throws: { ($0 as? Status)?.code == .internal }
    }
}
