/// The `grpc-message` encoding: UTF-8 with every byte outside 0x20…0x7E, and `%` itself,
/// written as `%XX` (PROTOCOL-HTTP2.md, "Responses"). A space that begins or ends the message
/// is escaped too: HTTP/2 refuses a field value with surrounding whitespace (RFC 9113 §8.2.1),
/// and nghttp2 resets the stream that carries one.
public enum StatusMessageCoding {
    /// Percent-encodes `message` for the `grpc-message` trailer.
    public static func encode(_ message: String) -> String {
        var encoded = ""
        let utf8 = message.utf8
        encoded.reserveCapacity(utf8.count)
        for (offset, byte) in utf8.enumerated() {
            let surroundingSpace = byte == UInt8(ascii: " ") && (offset == 0 || offset == utf8.count - 1)
            if byte >= 0x20, byte <= 0x7E, byte != UInt8(ascii: "%"), !surroundingSpace {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + hexDigit(byte >> 4) + hexDigit(byte & 0xF)
            }
        }
        return encoded
    }

    /// Decodes a received `grpc-message`. Malformed escapes are kept as written and invalid UTF-8
    /// is replaced, as the protocol asks receivers to be lenient here.
    public static func decode(_ text: String) -> String {
        PercentCoding.decode(text)
    }

    private static func hexDigit(_ value: UInt8) -> String {
        String(UnicodeScalar(value < 10 ? value + 0x30 : value - 10 + 0x41))
    }
}
