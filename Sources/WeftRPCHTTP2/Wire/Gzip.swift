import CZlib
import WeftRPC

/// gzip (RFC 1952) through zlib, with a cap on how much a message may inflate to.
enum Gzip {
    /// `bytes` compressed as one gzip member.
    static func compress(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16 selects the gzip wrapper.
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Status(.internal, "gzip: cannot initialise the compressor")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let result = output.withUnsafeMutableBytes { target in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(bytes.count)
            stream.next_out = target.bindMemory(to: Bytef.self).baseAddress
            stream.avail_out = uInt(target.count)
            return deflate(&stream, Z_FINISH)
        }
        guard result == Z_STREAM_END else { throw Status(.internal, "gzip: compression failed (\(result))") }
        output.removeLast(Int(stream.avail_out))
        return output
    }

    /// The bytes `compressed` inflates to; more than `limit` bytes is `RESOURCE_EXHAUSTED`, so a
    /// small message cannot expand into an unbounded allocation.
    static func decompress(_ compressed: UnsafeRawBufferPointer, limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Status(.internal, "gzip: cannot initialise the decompressor")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: compressed.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(compressed.count)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let (result, produced) = chunk.withUnsafeMutableBytes { target in
                stream.next_out = target.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(target.count)
                let result = inflate(&stream, Z_NO_FLUSH)
                return (result, target.count - Int(stream.avail_out))
            }
            guard output.count + produced <= limit else {
                throw Status(.resourceExhausted, "decompressed message exceeds the limit of \(limit) bytes")
            }
            output += chunk[..<produced]
            switch result {
            case Z_STREAM_END:
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0:
                throw Status(.internal, "gzip: message ends before its compressed data does")
            default:
                throw Status(.internal, "gzip: corrupt compressed message (\(result))")
            }
        }
    }
}
