#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes protobuf binary wire format into a growable buffer it owns.
///
/// Generated `encode(to:)` code calls the `write…` methods with precomputed tags. Nested messages,
/// packed fields and map entries are framed with `beginLengthDelimited()` / `endLengthDelimited(_:)`.
public struct WireWriter: ~Copyable {
    @usableFromInline var buffer: OutputBuffer

    /// Creates a writer whose buffer starts with room for `capacity` bytes.
    public init(capacity: Int = 128) {
        buffer = OutputBuffer(capacity: capacity)
    }

    /// Number of bytes written so far.
    @inlinable
    public var count: Int { buffer.count }

    /// Number of bytes the varint encoding of `v` takes (1...10).
    @inlinable
    public static func varintSize(_ v: UInt64) -> Int {
        // Each 7 significant bits take one byte; zero takes one byte.
        let bits = 64 &- (v | 1).leadingZeroBitCount
        return (bits &+ 6) / 7
    }

    // MARK: Varints

    /// Writes `v` as a base-128 varint.
    @inlinable
    public mutating func writeVarint(_ v: UInt64) {
        if v < 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: v))
            return
        }
        buffer.reserve(10)
        var v = v
        let base = buffer.base
        var offset = buffer.count
        while v >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: offset, as: UInt8.self)
            offset &+= 1
            v &>>= 7
        }
        base.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: offset, as: UInt8.self)
        buffer.count = offset &+ 1
    }

    /// Writes a precomputed tag, `(fieldNumber << 3) | wireType`.
    @inlinable
    public mutating func writeTag(_ tag: UInt32) {
        if tag < 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: tag))
        } else {
            writeVarint(UInt64(tag))
        }
    }

    // MARK: Scalars

    /// Writes an `int32` value; negative values are sign-extended to 10 bytes.
    @inlinable
    public mutating func writeInt32(_ v: Int32) {
        writeVarint(UInt64(bitPattern: Int64(v)))
    }

    /// Writes an `int64` value.
    @inlinable
    public mutating func writeInt64(_ v: Int64) {
        writeVarint(UInt64(bitPattern: v))
    }

    /// Writes a `uint32` value.
    @inlinable
    public mutating func writeUInt32(_ v: UInt32) {
        writeVarint(UInt64(v))
    }

    /// Writes a `uint64` value.
    @inlinable
    public mutating func writeUInt64(_ v: UInt64) {
        writeVarint(v)
    }

    /// Writes an `sint32` value (zigzag encoded).
    @inlinable
    public mutating func writeSInt32(_ v: Int32) {
        writeVarint(UInt64(UInt32(bitPattern: (v &<< 1) ^ (v >> 31))))
    }

    /// Writes an `sint64` value (zigzag encoded).
    @inlinable
    public mutating func writeSInt64(_ v: Int64) {
        writeVarint(UInt64(bitPattern: (v &<< 1) ^ (v >> 63)))
    }

    /// Writes a `bool` value as a one-byte varint.
    @inlinable
    public mutating func writeBool(_ v: Bool) {
        buffer.append(v ? 1 : 0)
    }

    /// Writes an enum's raw value (encoded like `int32`).
    @inlinable
    public mutating func writeEnum(_ raw: Int32) {
        writeInt32(raw)
    }

    /// Writes a `fixed32` value (4 bytes, little endian).
    @inlinable
    public mutating func writeFixed32(_ v: UInt32) {
        buffer.reserve(4)
        buffer.base.storeBytes(of: v.littleEndian, toByteOffset: buffer.count, as: UInt32.self)
        buffer.count &+= 4
    }

    /// Writes a `fixed64` value (8 bytes, little endian).
    @inlinable
    public mutating func writeFixed64(_ v: UInt64) {
        buffer.reserve(8)
        buffer.base.storeBytes(of: v.littleEndian, toByteOffset: buffer.count, as: UInt64.self)
        buffer.count &+= 8
    }

    /// Writes an `sfixed32` value.
    @inlinable
    public mutating func writeSFixed32(_ v: Int32) {
        writeFixed32(UInt32(bitPattern: v))
    }

    /// Writes an `sfixed64` value.
    @inlinable
    public mutating func writeSFixed64(_ v: Int64) {
        writeFixed64(UInt64(bitPattern: v))
    }

    /// Writes a `float` value (IEEE 754, little endian).
    @inlinable
    public mutating func writeFloat(_ v: Float) {
        writeFixed32(v.bitPattern)
    }

    /// Writes a `double` value (IEEE 754, little endian).
    @inlinable
    public mutating func writeDouble(_ v: Double) {
        writeFixed64(v.bitPattern)
    }

    // MARK: Length-delimited

    /// Writes a string as its varint UTF-8 length followed by the UTF-8 bytes.
    @inlinable
    public mutating func writeString(_ s: String) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { utf8 in
            writeLengthPrefixed(UnsafeRawBufferPointer(utf8))
        }
        if done == nil { writeStringSlow(s) }
    }

    @usableFromInline
    mutating func writeStringSlow(_ s: String) {
        var copy = s
        copy.makeContiguousUTF8()
        copy.withUTF8 { writeLengthPrefixed(UnsafeRawBufferPointer($0)) }
    }

    /// Writes bytes as their varint length followed by the bytes.
    @inlinable
    public mutating func writeBytes(_ d: Data) {
        d.withUnsafeBytes { writeLengthPrefixed($0) }
    }

    @inlinable
    mutating func writeLengthPrefixed(_ bytes: UnsafeRawBufferPointer) {
        writeVarint(UInt64(bytes.count))
        buffer.append(bytes)
    }

    /// Appends already encoded bytes verbatim (used to re-emit unknown fields).
    @inlinable
    public mutating func writeRaw(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer.append($0) }
    }

    /// Starts a length-delimited section (nested message, packed field, map entry).
    ///
    /// Reserves one byte for the length and returns a mark to pass to `endLengthDelimited(_:)`.
    @inlinable
    public mutating func beginLengthDelimited() -> Int {
        buffer.reserve(1)
        let mark = buffer.count
        buffer.count &+= 1
        return mark
    }

    /// Finishes the section started at `mark` by writing its length in front of its content.
    ///
    /// When the length needs more than the one reserved byte the content is moved right.
    @inlinable
    public mutating func endLengthDelimited(_ mark: Int) {
        let length = buffer.count &- mark &- 1
        if length < 0x80 {
            buffer.base.storeBytes(of: UInt8(truncatingIfNeeded: length), toByteOffset: mark, as: UInt8.self)
        } else {
            patchLongLength(mark: mark, length: length)
        }
    }

    @usableFromInline
    mutating func patchLongLength(mark: Int, length: Int) {
        let size = Self.varintSize(UInt64(length))
        buffer.reserve(size &- 1)
        let contentStart = buffer.base + mark + 1
        (buffer.base + mark + size).copyMemory(from: contentStart, byteCount: length)
        var v = UInt64(length)
        var offset = mark
        while v >= 0x80 {
            buffer.base.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: offset, as: UInt8.self)
            offset += 1
            v >>= 7
        }
        buffer.base.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: offset, as: UInt8.self)
        buffer.count += size - 1
    }

    // MARK: Result

    /// Returns the encoded bytes and releases the writer's buffer.
    public consuming func finish() -> [UInt8] {
        buffer.takeBytes()
    }

    /// Returns the encoded bytes as `Data` and releases the writer's buffer.
    public consuming func finishData() -> Data {
        Data(bytes: buffer.base, count: buffer.count)
    }
}
