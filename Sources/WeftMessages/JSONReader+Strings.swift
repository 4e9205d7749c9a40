/// JSON string scanning: escapes, surrogate pairs, UTF-8 validation.
extension JSONReader {
    /// Reads a JSON string value.
    public mutating func readString() throws -> String {
        guard peek() == UInt8(ascii: "\"") else { throw unexpected("a string") }
        let contentStart = position + 1
        // Fast path: no escapes, so the content can be validated and used in place.
        var i = contentStart
        while i < end {
            let b = byte(at: i)
            if b == UInt8(ascii: "\"") {
                let content = slice(contentStart..<i)
                guard let s = UTF8Validation.string(content) else {
                    position = contentStart
                    throw error("invalid UTF-8 in string")
                }
                position = i + 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            i += 1
        }
        var bytes: [UInt8] = []
        try unescapeString(into: &bytes)
        guard let s = bytes.withUnsafeBytes({ UTF8Validation.string($0) }) else {
            position = contentStart
            throw error("invalid UTF-8 in string")
        }
        return s
    }

    /// Reads the next string value and returns `body` applied to its raw content bytes (escapes
    /// decoded when present). The content is not checked for UTF-8; callers accept only ASCII forms.
    mutating func withStringContent<T>(_ body: (UnsafeRawBufferPointer) -> T) throws -> T {
        guard peek() == UInt8(ascii: "\"") else { throw unexpected("a string") }
        let contentStart = position + 1
        var i = contentStart
        while i < end {
            let b = byte(at: i)
            if b == UInt8(ascii: "\"") {
                position = i + 1
                return body(slice(contentStart..<i))
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            i += 1
        }
        var bytes: [UInt8] = []
        try unescapeString(into: &bytes)
        return bytes.withUnsafeBytes { body($0) }
    }

    /// Reads the string at `position` (at its opening quote), decoding escapes into `bytes`.
    mutating func unescapeString(into bytes: inout [UInt8]) throws {
        position += 1
        while true {
            guard position < end else { throw error("unterminated string") }
            let b = byte(at: position)
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                return
            case UInt8(ascii: "\\"):
                position += 1
                guard position < end else { throw error("unterminated string") }
                let escape = byte(at: position)
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape(into: &bytes)
                default:
                    position -= 2
                    throw error("invalid escape sequence in string")
                }
            case 0..<0x20:
                throw error("unescaped control character 0x\(String(b, radix: 16)) in string")
            default:
                bytes.append(b)
                position += 1
            }
        }
    }

    /// Decodes the `XXXX` after `\u` (and a following low surrogate) as UTF-8 into `bytes`.
    mutating func appendUnicodeEscape(into bytes: inout [UInt8]) throws {
        let escapeStart = position - 2
        var scalar = try readHex4()
        if scalar >= 0xD800 && scalar <= 0xDBFF {
            guard consume("\\u") else {
                position = escapeStart
                throw error("lone high surrogate in \\u escape")
            }
            let low = try readHex4()
            guard low >= 0xDC00 && low <= 0xDFFF else {
                position = escapeStart
                throw error("high surrogate not followed by a low surrogate in \\u escape")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
            position = escapeStart
            throw error("lone low surrogate in \\u escape")
        }
        bytes.append(contentsOf: Unicode.Scalar(scalar)!.utf8)
    }

    /// Reads four hex digits.
    mutating func readHex4() throws -> UInt32 {
        guard end - position >= 4 else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = byte(at: position)
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - 0x57
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - 0x37
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
