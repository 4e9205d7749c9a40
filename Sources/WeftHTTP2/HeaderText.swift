/// Received header names and values as strings. The names and values gRPC and REST peers send
/// on every request are shared constants, found by comparing bytes; any other text is made
/// from the bytes (held inline up to 15 UTF-8 bytes, allocated beyond).
///
/// Making a string validates and copies its bytes, and a proxy receives a dozen fields per
/// call on each side; finding the constant compares two words per candidate of the same
/// length (and, past 16 bytes, the rest of the bytes too).
enum HeaderText {
    /// The texts sent again and again: the pseudo-headers and common names, methods, schemes
    /// and statuses, gRPC's and JSON's content types and compression advertisements
    /// (Weft's and grpc-go's). No credential or per-request value is among them.
    static let common: [String] = [
        ":method", ":path", ":scheme", ":authority", ":status", "content-type", "content-length", "user-agent", "accept",
        "accept-encoding", "te", "trailers", "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding",
        "grpc-timeout", "grpc-status-details-bin", "traceparent", "x-request-id", "x-forwarded-for", "authorization",
        "GET", "POST", "PUT", "DELETE", "PATCH", "http", "https", "200", "0", "*/*", "gzip", "identity",
        "application/grpc", "application/json", "application/grpc+proto", "identity,deflate,gzip", "identity,gzip,deflate",
    ]

    /// A common text with its bytes, for comparing.
    private struct Known {
        let text: String
        let bytes: [UInt8]
        /// The first 16 bytes as two words, zero-padded (see `words(_:)`).
        let words: (UInt64, UInt64)
    }

    /// `common` by byte count: at most a few candidates of any length.
    private static let byCount: [[Known]] = {
        var table = [[Known]](repeating: [], count: common.map(\.utf8.count).max()! + 1)
        for text in common {
            let bytes = Array(text.utf8)
            table[bytes.count].append(Known(text: text, bytes: bytes, words: bytes.withUnsafeBufferPointer(words)))
        }
        return table
    }()

    /// `bytes` as a string: a shared constant when it is one of `common`.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let table = byCount
        if bytes.count < table.count {
            let candidates = table[bytes.count]
            if !candidates.isEmpty {
                let words = words(bytes)
                for known in candidates where known.words == words {
                    if bytes.count <= 16 || known.bytes.withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) { return known.text }
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The first 16 bytes of `bytes`, zero-padded, as two words: texts of equal length up to
    /// 16 bytes are equal exactly when their words are.
    private static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes).prefix(16))) }
        return words
    }
}
