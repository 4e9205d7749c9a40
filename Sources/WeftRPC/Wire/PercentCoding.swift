/// Percent-decoding (`%XX`), shared by `grpc-message` and the gateway's paths and queries.
public enum PercentCoding {
    /// `text` with `%XX` escapes decoded; malformed escapes are kept as written and invalid UTF-8
    /// is replaced. With `keepingSlashEncoded`, `%2F` stays encoded so a multi-segment path value
    /// keeps its structure.
    public static func decode(_ text: String, keepingSlashEncoded: Bool = false) -> String {
        // Searched as bytes: a Character search would break graphemes on every call.
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        let input = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
               let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]),
               !(keepingSlashEncoded && high << 4 | low == UInt8(ascii: "/")) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 0x30
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - 0x41 + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - 0x61 + 10
        default: nil
        }
    }
}
