/// Received header names and values as strings. Up to 15 UTF-8 bytes a Swift string is held
/// inline; a longer one is allocated, unless it is one of the long texts gRPC and REST peers
/// send on every message, which are shared constants instead.
enum HeaderText {
    /// Long texts sent again and again: gRPC's content type and compression advertisement
    /// (Weft's and grpc-go's), and JSON's content type.
    static let common: [String] = [
        "application/grpc", "application/json", "grpc-accept-encoding", "identity,deflate,gzip", "application/grpc+proto",
        "identity,gzip,deflate", "grpc-status-details-bin",
    ]

    /// `bytes` as a string: a shared constant when it is one of `common`.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.count > 15 {
            // Compared as two buffers of bytes: through `String.UTF8View` it went a byte at a time.
            for text in common where text.utf8.count == bytes.count {
                if text.utf8.withContiguousStorageIfAvailable({ $0.elementsEqual(bytes) }) == true { return text }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
