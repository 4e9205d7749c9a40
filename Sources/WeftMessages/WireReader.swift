#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes protobuf binary wire format from contiguous memory.
///
/// The reader borrows its buffer: it is valid only while the caller keeps the bytes alive
/// (inside `withUnsafeBytes`). Every read checks bounds and throws `WireDecodingError`;
/// no input makes it crash or loop.
public struct WireReader {
    @usableFromInline let base: UnsafeRawPointer?
    /// Offset of the next unread byte.
    @usableFromInline var position: Int
    /// Offset one past the last byte of the message being decoded.
    @usableFromInline var end: Int
    /// How many more levels of nested messages or groups may be entered.
    @usableFromInline var remainingDepth: Int
    /// Number of the field whose tag was read last; names the field in error paths.
    @usableFromInline var fieldNumber: UInt32

    /// Creates a reader over `buffer` that allows `recursionLimit` levels of nested messages.
    public init(_ buffer: UnsafeRawBufferPointer, recursionLimit: Int = 100) {
        base = buffer.baseAddress
        position = 0
        end = buffer.count
        remainingDepth = recursionLimit
        fieldNumber = 0
    }

    /// Whether all bytes of the current message have been read.
    @inlinable
    public var isAtEnd: Bool { position >= end }

    @inlinable @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        base.unsafelyUnwrapped.load(fromByteOffset: offset, as: UInt8.self)
    }

    @inlinable
    func error(_ kind: WireDecodingError.Kind) -> WireDecodingError {
        WireDecodingError(kind, offset: position)
    }

    // MARK: Tags

    /// Reads the next tag, or returns nil at the end of the current message.
    ///
    /// Throws for field number 0, wire types 6 and 7, and an end-group tag (wire type 4).
    @inlinable
    public mutating func nextTag() throws -> UInt32? {
        guard position < end else { return nil }
        let b = byte(at: position)
        // One-byte tag with field number >= 1 and wire type in {0, 1, 2, 3, 5}.
        if b < 0x80, b >= 8, (0x2F &>> (b & 7)) & 1 != 0 {
            position &+= 1
            fieldNumber = UInt32(b &>> 3)
            return UInt32(b)
        }
        return try nextTagSlow()
    }

    @usableFromInline
    mutating func nextTagSlow() throws -> UInt32 {
        let start = position
        let raw = try readVarint()
        let wireType = raw & 7
        fieldNumber = UInt32(truncatingIfNeeded: min(raw >> 3, UInt64(UInt32.max)))
        guard raw <= UInt64(UInt32.max), raw >> 3 != 0, wireType != 6, wireType != 7 else {
            position = start
            throw error(.invalidTag(raw))
        }
        if wireType == 4 {
            position = start
            throw error(.endGroupMismatch)
        }
        return UInt32(truncatingIfNeeded: raw)
    }

    // MARK: Varints

    /// Reads a base-128 varint of at most 10 bytes.
    @inlinable
    public mutating func readVarint() throws -> UInt64 {
        if position < end {
            let b = byte(at: position)
            if b < 0x80 {
                position &+= 1
                return UInt64(b)
            }
        }
        return try readVarintSlow()
    }

    @usableFromInline
    mutating func readVarintSlow() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var offset = position
        while true {
            guard offset < end else { throw error(.truncated) }
            let b = byte(at: offset)
            offset &+= 1
            if shift == 63 && b > 1 { throw error(.malformedVarint) }
            result |= UInt64(b & 0x7F) &<< shift
            if b < 0x80 { break }
            shift &+= 7
        }
        position = offset
        return result
    }

    /// Reads an `int32` (a varint truncated to 32 bits).
    @inlinable
    public mutating func readInt32() throws -> Int32 {
        Int32(truncatingIfNeeded: try readVarint())
    }

    /// Reads an `int64`.
    @inlinable
    public mutating func readInt64() throws -> Int64 {
        Int64(bitPattern: try readVarint())
    }

    /// Reads a `uint32` (a varint truncated to 32 bits).
    @inlinable
    public mutating func readUInt32() throws -> UInt32 {
        UInt32(truncatingIfNeeded: try readVarint())
    }

    /// Reads a `uint64`.
    @inlinable
    public mutating func readUInt64() throws -> UInt64 {
        try readVarint()
    }

    /// Reads an `sint32` (zigzag).
    @inlinable
    public mutating func readSInt32() throws -> Int32 {
        let v = UInt32(truncatingIfNeeded: try readVarint())
        return Int32(bitPattern: (v &>> 1) ^ (0 &- (v & 1)))
    }

    /// Reads an `sint64` (zigzag).
    @inlinable
    public mutating func readSInt64() throws -> Int64 {
        let v = try readVarint()
        return Int64(bitPattern: (v &>> 1) ^ (0 &- (v & 1)))
    }

    /// Reads a `bool` (any non-zero varint is true).
    @inlinable
    public mutating func readBool() throws -> Bool {
        try readVarint() != 0
    }

    /// Reads an enum's raw value.
    @inlinable
    public mutating func readEnum() throws -> Int32 {
        try readInt32()
    }

    // MARK: Fixed width

    /// Reads a `fixed32` (4 bytes little endian).
    @inlinable
    public mutating func readFixed32() throws -> UInt32 {
        guard end &- position >= 4 else { throw error(.truncated) }
        let v = base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position &+= 4
        return UInt32(littleEndian: v)
    }

    /// Reads a `fixed64` (8 bytes little endian).
    @inlinable
    public mutating func readFixed64() throws -> UInt64 {
        guard end &- position >= 8 else { throw error(.truncated) }
        let v = base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position &+= 8
        return UInt64(littleEndian: v)
    }

    /// Reads an `sfixed32`.
    @inlinable
    public mutating func readSFixed32() throws -> Int32 {
        Int32(bitPattern: try readFixed32())
    }

    /// Reads an `sfixed64`.
    @inlinable
    public mutating func readSFixed64() throws -> Int64 {
        Int64(bitPattern: try readFixed64())
    }

    /// Reads a `float`.
    @inlinable
    public mutating func readFloat() throws -> Float {
        Float(bitPattern: try readFixed32())
    }

    /// Reads a `double`.
    @inlinable
    public mutating func readDouble() throws -> Double {
        Double(bitPattern: try readFixed64())
    }

    // MARK: Length-delimited

    /// Reads a length prefix and checks that that many bytes remain.
    @inlinable
    mutating func readLength() throws -> Int {
        let length = try readVarint()
        guard length <= UInt64(Int32.max) else { throw error(.lengthTooLarge(length)) }
        guard Int(length) <= end &- position else { throw error(.truncated) }
        return Int(length)
    }

    /// Reads a length-delimited string and validates its UTF-8.
    @inlinable
    public mutating func readString() throws -> String {
        let length = try readLength()
        if length == 0 { return "" }
        let utf8 = UnsafeRawBufferPointer(start: base.unsafelyUnwrapped + position, count: length)
        guard let s = UTF8Validation.string(utf8) else { throw error(.invalidUTF8) }
        position &+= length
        return s
    }

    /// Reads a length-delimited `bytes` value.
    @inlinable
    public mutating func readBytes() throws -> Data {
        let length = try readLength()
        if length == 0 { return Data() }
        let d = Data(bytes: base.unsafelyUnwrapped + position, count: length)
        position &+= length
        return d
    }

    /// Reads a length-delimited value without copying it: where its payload lies, as offsets
    /// into the buffer the reader was made from.
    @inlinable
    public mutating func readLengthDelimitedRange() throws -> Range<Int> {
        let length = try readLength()
        let start = position
        position &+= length
        return start..<start &+ length
    }

    /// Reads a length-delimited nested message and merges it into `message`.
    ///
    /// The nested fields are decoded one level deeper (an error past the recursion limit);
    /// errors coming out of them get this message's field name prefixed to their path.
    ///
    /// This is `readNested` written out: through a closure the hot path measured 50% slower
    /// (Order of 50 items, BENCHMARKS.md), so generated messages get the direct form.
    @inlinable
    public mutating func readMessage<M: WeftMessage>(into message: inout M) throws {
        let length = try readLength()
        guard remainingDepth > 0 else { throw error(.recursionLimitExceeded) }
        let outerEnd = end
        let outerField = fieldNumber
        end = position &+ length
        remainingDepth &-= 1
        fieldNumber = 0
        do {
            try message.decodeFields(from: &self)
        } catch {
            let annotated = annotate(error, naming: M.descriptor.fieldName(number:))
            fieldNumber = outerField
            throw annotated
        }
        position = end
        end = outerEnd
        remainingDepth &+= 1
        fieldNumber = outerField
    }

    /// Reads one length-delimited map entry, running `body` on a reader limited to its bytes.
    ///
    /// `body` reads the entry's key (field 1) and value (field 2) fields until the reader is at
    /// its end; errors coming out of it get `key` or `value` added to their path.
    @inlinable
    public mutating func readMapEntry(_ body: (inout WireReader) throws -> Void) throws {
        try readNested(naming: { $0 == 1 ? "key" : $0 == 2 ? "value" : String($0) }, body)
    }

    /// Reads one length-delimited nested value (a message or map entry whose fields `body`
    /// decodes), one level deeper: an error past the recursion limit. Errors leaving `body` get
    /// the name `naming` gives the field number being read prefixed to their path.
    @inlinable
    public mutating func readNested(naming: (Int32) -> String, _ body: (inout WireReader) throws -> Void) throws {
        let length = try readLength()
        guard remainingDepth > 0 else { throw error(.recursionLimitExceeded) }
        let outerEnd = end
        let outerField = fieldNumber
        end = position &+ length
        remainingDepth &-= 1
        fieldNumber = 0
        do {
            try body(&self)
        } catch {
            let annotated = annotate(error, naming: naming)
            fieldNumber = outerField
            throw annotated
        }
        position = end
        end = outerEnd
        remainingDepth &+= 1
        fieldNumber = outerField
    }

    /// Adds the current field's name to the path of a decoding error leaving this level.
    @usableFromInline
    func annotate(_ error: any Error, naming: (Int32) -> String) -> any Error {
        guard var e = error as? WireDecodingError else { return error }
        if e.offset < 0 { e.offset = position }
        e.path.insert(naming(Int32(bitPattern: fieldNumber)), at: 0)
        return e
    }

    // MARK: Unknown fields

    /// Skips the field whose `tag` was just read, appending its bytes (tag included) to `unknown`.
    ///
    /// Groups are skipped up to their matching end-group tag; group nesting counts against the
    /// recursion limit.
    public mutating func skipField(tag: UInt32, into unknown: inout UnknownFields) throws {
        let bodyStart = position
        try skipBody(tag: UInt64(tag))
        var t = tag
        while t >= 0x80 {
            unknown.bytes.append(UInt8(truncatingIfNeeded: t) | 0x80)
            t >>= 7
        }
        unknown.bytes.append(UInt8(truncatingIfNeeded: t))
        unknown.bytes.append(
            contentsOf: UnsafeRawBufferPointer(start: base.map { $0 + bodyStart }, count: position - bodyStart))
    }

    mutating func skipBody(tag: UInt64) throws {
        switch tag & 7 {
        case 0: _ = try readVarint()
        case 1: _ = try readFixed64()
        case 2: position += try readLength()
        case 3: try skipGroup(number: tag >> 3)
        case 5: _ = try readFixed32()
        default: throw error(.invalidTag(tag))
        }
    }

    mutating func skipGroup(number: UInt64) throws {
        guard remainingDepth > 0 else { throw error(.recursionLimitExceeded) }
        remainingDepth -= 1
        defer { remainingDepth += 1 }
        while true {
            guard position < end else { throw error(.truncated) }
            let tagStart = position
            let tag = try readVarint()
            let wireType = tag & 7
            guard tag <= UInt64(UInt32.max), tag >> 3 != 0, wireType < 6 else {
                position = tagStart
                throw error(.invalidTag(tag))
            }
            if wireType == 4 {
                guard tag >> 3 == number else {
                    position = tagStart
                    throw error(.endGroupMismatch)
                }
                return
            }
            try skipBody(tag: tag)
        }
    }
}
