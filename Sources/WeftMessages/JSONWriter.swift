#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes proto3 JSON into a growable buffer it owns.
///
/// The writer places commas itself: every value, key and `begin…` call is separated from the
/// previous one as needed, so generated code only states the structure.
public struct JSONWriter: ~Copyable {
    @usableFromInline var buffer: OutputBuffer
    /// Whether the next key or value must be preceded by a comma.
    @usableFromInline var needsComma: Bool
    /// The first value that had no JSON form; reported by `finish()`.
    @usableFromInline var encodingError: JSONEncodingError?
    /// The options generated code consults (`preserveProtoNames`, `alwaysPrintDefaults`, …).
    public let options: JSONEncodingOptions

    /// Creates a writer.
    public init(options: JSONEncodingOptions = JSONEncodingOptions()) {
        buffer = OutputBuffer(capacity: 256)
        needsComma = false
        encodingError = nil
        self.options = options
    }

    @inlinable @inline(__always)
    mutating func separate() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    // MARK: Structure

    /// Writes `{`.
    @inlinable
    public mutating func beginObject() {
        separate()
        buffer.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Writes `}`.
    @inlinable
    public mutating func endObject() {
        buffer.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes `[`.
    @inlinable
    public mutating func beginArray() {
        separate()
        buffer.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Writes `]`.
    @inlinable
    public mutating func endArray() {
        buffer.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"name":` for a field name known at compile time (it must need no escaping).
    @inlinable
    public mutating func writeKey(_ name: StaticString) {
        separate()
        let n = name.utf8CodeUnitCount
        buffer.reserve(n &+ 3)
        buffer.base.storeBytes(of: UInt8(ascii: "\""), toByteOffset: buffer.count, as: UInt8.self)
        (buffer.base + (buffer.count &+ 1)).copyMemory(from: name.utf8Start, byteCount: n)
        buffer.base.storeBytes(of: UInt8(ascii: "\""), toByteOffset: buffer.count &+ n &+ 1, as: UInt8.self)
        buffer.base.storeBytes(of: UInt8(ascii: ":"), toByteOffset: buffer.count &+ n &+ 2, as: UInt8.self)
        buffer.count &+= n &+ 3
        needsComma = false
    }

    /// Writes `"key":` for a runtime string such as a map key (escaped as needed).
    @inlinable
    public mutating func writeMapKey(_ key: String) {
        writeString(key)
        buffer.append(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: Numbers

    /// Writes an `int32`/`sint32`/`sfixed32` as a JSON number.
    @inlinable
    public mutating func writeInt32(_ v: Int32) {
        separate()
        buffer.appendDecimal(Int64(v))
    }

    /// Writes a `uint32`/`fixed32` as a JSON number.
    @inlinable
    public mutating func writeUInt32(_ v: UInt32) {
        separate()
        buffer.appendDecimal(UInt64(v))
    }

    /// Writes a 64-bit signed integer as a quoted decimal string (proto3 JSON).
    @inlinable
    public mutating func writeInt64(_ v: Int64) {
        separate()
        buffer.append(UInt8(ascii: "\""))
        buffer.appendDecimal(v)
        buffer.append(UInt8(ascii: "\""))
    }

    /// Writes a 64-bit unsigned integer as a quoted decimal string (proto3 JSON).
    @inlinable
    public mutating func writeUInt64(_ v: UInt64) {
        separate()
        buffer.append(UInt8(ascii: "\""))
        buffer.appendDecimal(v)
        buffer.append(UInt8(ascii: "\""))
    }

    /// Writes a `double` as its shortest round-trip text; NaN and infinities as quoted names.
    @inlinable
    public mutating func writeDouble(_ v: Double) {
        writeFloatingPoint(v)
    }

    /// Writes a `float` as its shortest round-trip text (as a Float); NaN and infinities quoted.
    @inlinable
    public mutating func writeFloat(_ v: Float) {
        writeFloatingPoint(v)
    }

    /// Integral values below 10^15 as integers (no ".0"), others as Swift's shortest round-trip
    /// `description`, non-finite ones as the quoted names proto3 JSON uses.
    @inlinable
    mutating func writeFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(_ v: F) {
        separate()
        if v.isNaN {
            buffer.append("\"NaN\"")
        } else if v.isInfinite {
            buffer.append(v < 0 ? "\"-Infinity\"" : "\"Infinity\"")
        } else if v.rounded(.towardZero) == v, v.magnitude < 1e15, !(v == 0 && v.sign == .minus) {
            buffer.appendDecimal(Int64(v))
        } else {
            var text = v.description
            text.withUTF8 { buffer.append(UnsafeRawBufferPointer($0)) }
        }
    }

    // MARK: Other values

    /// Writes `true` or `false`.
    @inlinable
    public mutating func writeBool(_ v: Bool) {
        separate()
        if v { buffer.append("true") } else { buffer.append("false") }
    }

    /// Writes `null`.
    @inlinable
    public mutating func writeNull() {
        separate()
        buffer.append("null")
    }

    /// Writes a string given as its UTF-8 bytes, which must be valid UTF-8: no `String` is
    /// made for it (a transcoder writing a message's text fields straight from the wire).
    @inlinable
    public mutating func writeString(utf8 bytes: UnsafeRawBufferPointer) {
        separate()
        appendQuoted(bytes)
    }

    /// Writes a quoted string: `"`, `\`, and control characters escaped, other text as UTF-8.
    @inlinable
    public mutating func writeString(_ s: String) {
        separate()
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { appendQuoted(UnsafeRawBufferPointer($0)) }
        if done == nil {
            var copy = s
            copy.makeContiguousUTF8()
            copy.withUTF8 { appendQuoted(UnsafeRawBufferPointer($0)) }
        }
    }

    @usableFromInline
    mutating func appendQuoted(_ utf8: UnsafeRawBufferPointer) {
        buffer.reserve(utf8.count &+ 2)
        buffer.append(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<utf8.count {
            let b = utf8[i]
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
            if i > runStart { buffer.append(UnsafeRawBufferPointer(rebasing: utf8[runStart..<i])) }
            runStart = i &+ 1
            switch b {
            case UInt8(ascii: "\""): buffer.append("\\\"")
            case UInt8(ascii: "\\"): buffer.append("\\\\")
            case 0x0A: buffer.append("\\n")
            case 0x0D: buffer.append("\\r")
            case 0x09: buffer.append("\\t")
            case 0x08: buffer.append("\\b")
            case 0x0C: buffer.append("\\f")
            default:
                buffer.append("\\u00")
                buffer.append(Self.hexDigit(b >> 4))
                buffer.append(Self.hexDigit(b & 0xF))
            }
        }
        if utf8.count > runStart { buffer.append(UnsafeRawBufferPointer(rebasing: utf8[runStart...])) }
        buffer.append(UInt8(ascii: "\""))
    }

    static func hexDigit(_ v: UInt8) -> UInt8 {
        v < 10 ? v &+ 0x30 : v &+ 0x57
    }

    /// Writes bytes as a quoted standard base64 string with padding.
    @inlinable
    public mutating func writeBytes(_ d: Data) {
        separate()
        d.withUnsafeBytes { appendBase64($0) }
    }

    @usableFromInline
    mutating func appendBase64(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(UInt8(ascii: "\""))
        let n = Base64.encodedCount(bytes.count)
        buffer.reserve(n &+ 1)
        Base64.encode(bytes, into: buffer.base + buffer.count)
        buffer.count &+= n
        buffer.append(UInt8(ascii: "\""))
    }

    /// Writes an enum value: its proto name, or its number when unrecognized or when
    /// `options.enumsAsIntegers` is set.
    @inlinable
    public mutating func writeEnum<E: WeftEnum>(_ e: E) {
        if !options.enumsAsIntegers, let name = e.protoName {
            writeString(name)
        } else {
            writeInt32(e.rawValue)
        }
    }

    /// Writes a nested message as a JSON object.
    @inlinable
    public mutating func writeMessage<M: WeftMessage>(_ m: M) {
        m.writeJSON(to: &self)
    }

    /// Writes already valid JSON text as one value (e.g. a well-known type's fixed form).
    @inlinable
    public mutating func writeRawJSON(_ s: StaticString) {
        separate()
        buffer.append(s)
    }

    /// Writes already valid JSON bytes as one value (unchecked: the caller vouches for them,
    /// e.g. a transcoder splicing a message it wrote with another writer).
    package mutating func writeRawJSON(_ bytes: UnsafeRawBufferPointer) {
        separate()
        buffer.append(bytes)
    }

    // MARK: Well-known types

    /// Writes a `google.protobuf.Timestamp` as a quoted RFC 3339 UTC string with 0, 3, 6 or 9
    /// fractional digits (see `JSONEncodingOptions.timestampFraction`). Values outside
    /// 0001-01-01..9999-12-31 make `finish()` throw.
    public mutating func writeTimestamp(seconds: Int64, nanos: Int32) {
        separate()
        buffer.append(UInt8(ascii: "\""))
        let minimumDigits = options.timestampFraction == .atLeastMilliseconds ? 3 : 0
        if let problem = TimestampFormat.appendTimestamp(seconds: seconds, nanos: nanos, minimumFractionDigits: minimumDigits, to: &buffer) {
            recordError(problem)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Writes a `google.protobuf.Duration` as a quoted string like `"1.5s"` or `"-0.5s"` with
    /// 0, 3, 6 or 9 fractional digits. Values beyond ±315576000000 s make `finish()` throw.
    public mutating func writeDuration(seconds: Int64, nanos: Int32) {
        separate()
        buffer.append(UInt8(ascii: "\""))
        if let problem = TimestampFormat.appendDuration(seconds: seconds, nanos: nanos, to: &buffer) {
            recordError(problem)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    mutating func recordError(_ message: String) {
        if encodingError == nil { encodingError = JSONEncodingError(message) }
    }

    // MARK: Result

    /// Returns the JSON bytes and releases the buffer.
    ///
    /// - Throws: `JSONEncodingError` when a value had no JSON form (out-of-range Timestamp/Duration).
    public consuming func finish() throws -> [UInt8] {
        if let encodingError { throw encodingError }
        return buffer.takeBytes()
    }

    /// Returns the JSON text and releases the buffer.
    ///
    /// - Throws: `JSONEncodingError` when a value had no JSON form.
    public consuming func finishString() throws -> String {
        if let encodingError { throw encodingError }
        return buffer.takeString()
    }
}
