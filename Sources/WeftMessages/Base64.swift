#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Base64 (RFC 4648): encodes with the standard alphabet and padding; decodes the standard and
/// the URL-safe alphabet, padded or not (as proto3 JSON requires for `bytes`).
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 6-bit value of each byte in either alphabet; 0xFF for bytes of neither.
    static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Encodes `bytes` as standard, padded base64.
    public static func encode(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { source in
            String(unsafeUninitializedCapacity: encodedCount(source.count)) { target in
                guard let base = target.baseAddress else { return 0 }
                encode(source, into: UnsafeMutableRawPointer(base))
                return target.count
            }
        }
    }

    /// Decodes standard or URL-safe base64, with or without padding; nil when `text` is not base64.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    /// Number of characters the padded encoding of `count` bytes takes.
    static func encodedCount(_ count: Int) -> Int {
        (count + 2) / 3 * 4
    }

    /// Writes the padded encoding of `source` to `target`, which has room for `encodedCount` bytes.
    static func encode(_ source: UnsafeRawBufferPointer, into target: UnsafeMutableRawPointer) {
        alphabet.withUnsafeBufferPointer { table in
            var out = 0
            var i = 0
            let n = source.count
            func put(_ v: UInt32) {
                target.storeBytes(of: table[Int(v & 63)], toByteOffset: out, as: UInt8.self)
                out += 1
            }
            while i + 3 <= n {
                let v = UInt32(source[i]) << 16 | UInt32(source[i + 1]) << 8 | UInt32(source[i + 2])
                put(v >> 18); put(v >> 12); put(v >> 6); put(v)
                i += 3
            }
            let rest = n - i
            if rest > 0 {
                let v = UInt32(source[i]) << 16 | (rest == 2 ? UInt32(source[i + 1]) << 8 : 0)
                put(v >> 18); put(v >> 12)
                if rest == 2 { put(v >> 6) } else { target.storeBytes(of: UInt8(ascii: "="), toByteOffset: out, as: UInt8.self); out += 1 }
                target.storeBytes(of: UInt8(ascii: "="), toByteOffset: out, as: UInt8.self)
            }
        }
    }

    /// Number of significant characters and decoded bytes of `source`, or nil when its length or
    /// padding is not valid base64.
    static func measure(_ source: UnsafeRawBufferPointer) -> (characters: Int, bytes: Int)? {
        var n = source.count
        var padding = 0
        while n > 0, padding < 2, source[n - 1] == UInt8(ascii: "=") {
            n -= 1
            padding += 1
        }
        if padding > 0, source.count % 4 != 0 { return nil }
        switch n % 4 {
        case 0: return padding == 0 ? (n, n / 4 * 3) : nil
        case 1: return nil
        case 2: return (n, n / 4 * 3 + 1)
        default: return (n, n / 4 * 3 + 2)
        }
    }

    /// Decodes the first `characters` bytes of `source` into `target`; false on a character outside
    /// both alphabets.
    static func decode(_ source: UnsafeRawBufferPointer, characters n: Int, into target: UnsafeMutableRawPointer) -> Bool {
        decodeTable.withUnsafeBufferPointer { table in
            var out = 0
            var i = 0
            var bad: UInt8 = 0
            while i + 4 <= n {
                let a = table[Int(source[i])], b = table[Int(source[i + 1])]
                let c = table[Int(source[i + 2])], d = table[Int(source[i + 3])]
                bad |= a | b | c | d
                let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                target.storeBytes(of: UInt8(truncatingIfNeeded: v >> 16), toByteOffset: out, as: UInt8.self)
                target.storeBytes(of: UInt8(truncatingIfNeeded: v >> 8), toByteOffset: out + 1, as: UInt8.self)
                target.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: out + 2, as: UInt8.self)
                out += 3
                i += 4
            }
            let rest = n - i
            if rest >= 2 {
                let a = table[Int(source[i])], b = table[Int(source[i + 1])]
                let c = rest == 3 ? table[Int(source[i + 2])] : 0
                bad |= a | b | c
                let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                target.storeBytes(of: UInt8(truncatingIfNeeded: v >> 16), toByteOffset: out, as: UInt8.self)
                if rest == 3 {
                    target.storeBytes(of: UInt8(truncatingIfNeeded: v >> 8), toByteOffset: out + 1, as: UInt8.self)
                }
            }
            // Valid table entries are below 64, so any 0xFF entry sets bit 7.
            return bad & 0x80 == 0
        }
    }

    /// Decodes `source` into a new array; nil when it is not base64.
    static func decode(_ source: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let (characters, count) = measure(source) else { return nil }
        var ok = true
        let result = [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
            if count > 0 { ok = decode(source, characters: characters, into: UnsafeMutableRawPointer(target.baseAddress!)) }
            initialized = count
        }
        return ok ? result : nil
    }

    /// Decodes `source` into `Data`; nil when it is not base64.
    static func decodeData(_ source: UnsafeRawBufferPointer) -> Data? {
        guard let (characters, count) = measure(source) else { return nil }
        if count == 0 { return Data() }
        var data = Data(count: count)
        let ok = data.withUnsafeMutableBytes { decode(source, characters: characters, into: $0.baseAddress!) }
        return ok ? data : nil
    }
}
