/// Packed repeated scalars: one length-delimited run of values.
///
/// Generated code calls these when a repeated scalar field's tag has wire type 2, and appends a
/// single `read…()` otherwise (unpacked encoding is accepted too).
extension WireReader {
    /// Reads a packed run of varints, appending each after `transform`.
    @inlinable
    mutating func readPackedVarints<T>(into values: inout [T], _ transform: (UInt64) -> T) throws {
        let length = try readLength()
        let packedEnd = position &+ length
        // Every varint ends with exactly one byte below 0x80, so this counts the values.
        var count = 0
        var offset = position
        while offset < packedEnd {
            if byte(at: offset) < 0x80 { count &+= 1 }
            offset &+= 1
        }
        values.reserveAdditional(count)
        let outerEnd = end
        end = packedEnd
        while position < packedEnd {
            values.append(transform(try readVarint()))
        }
        end = outerEnd
    }

    /// Reads a packed run of fixed-width values of `width` bytes.
    @inlinable
    mutating func readPackedFixed<Raw: FixedWidthInteger, T>(
        into values: inout [T], as raw: Raw.Type, _ transform: (Raw) -> T
    ) throws {
        let length = try readLength()
        let width = MemoryLayout<Raw>.size
        guard length % width == 0 else { throw error(.truncated) }
        values.reserveAdditional(length / width)
        let start = position
        var offset = start
        while offset < start &+ length {
            let v = base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: Raw.self)
            values.append(transform(Raw(littleEndian: v)))
            offset &+= width
        }
        position = offset
    }

    /// Reads packed `int32` values.
    @inlinable
    public mutating func readPackedInt32(into values: inout [Int32]) throws {
        try readPackedVarints(into: &values) { Int32(truncatingIfNeeded: $0) }
    }

    /// Reads packed `int64` values.
    @inlinable
    public mutating func readPackedInt64(into values: inout [Int64]) throws {
        try readPackedVarints(into: &values) { Int64(bitPattern: $0) }
    }

    /// Reads packed `uint32` values.
    @inlinable
    public mutating func readPackedUInt32(into values: inout [UInt32]) throws {
        try readPackedVarints(into: &values) { UInt32(truncatingIfNeeded: $0) }
    }

    /// Reads packed `uint64` values.
    @inlinable
    public mutating func readPackedUInt64(into values: inout [UInt64]) throws {
        try readPackedVarints(into: &values) { $0 }
    }

    /// Reads packed `sint32` values (zigzag).
    @inlinable
    public mutating func readPackedSInt32(into values: inout [Int32]) throws {
        try readPackedVarints(into: &values) {
            let v = UInt32(truncatingIfNeeded: $0)
            return Int32(bitPattern: (v &>> 1) ^ (0 &- (v & 1)))
        }
    }

    /// Reads packed `sint64` values (zigzag).
    @inlinable
    public mutating func readPackedSInt64(into values: inout [Int64]) throws {
        try readPackedVarints(into: &values) { Int64(bitPattern: ($0 &>> 1) ^ (0 &- ($0 & 1))) }
    }

    /// Reads packed `bool` values.
    @inlinable
    public mutating func readPackedBool(into values: inout [Bool]) throws {
        try readPackedVarints(into: &values) { $0 != 0 }
    }

    /// Reads packed enum values; unknown numbers become the enum's `unrecognized` case.
    @inlinable
    public mutating func readPackedEnum<E: WeftEnum>(into values: inout [E]) throws {
        try readPackedVarints(into: &values) { E(rawValue: Int32(truncatingIfNeeded: $0)) }
    }

    /// Reads packed `fixed32` values.
    @inlinable
    public mutating func readPackedFixed32(into values: inout [UInt32]) throws {
        try readPackedFixed(into: &values, as: UInt32.self) { $0 }
    }

    /// Reads packed `fixed64` values.
    @inlinable
    public mutating func readPackedFixed64(into values: inout [UInt64]) throws {
        try readPackedFixed(into: &values, as: UInt64.self) { $0 }
    }

    /// Reads packed `sfixed32` values.
    @inlinable
    public mutating func readPackedSFixed32(into values: inout [Int32]) throws {
        try readPackedFixed(into: &values, as: UInt32.self) { Int32(bitPattern: $0) }
    }

    /// Reads packed `sfixed64` values.
    @inlinable
    public mutating func readPackedSFixed64(into values: inout [Int64]) throws {
        try readPackedFixed(into: &values, as: UInt64.self) { Int64(bitPattern: $0) }
    }

    /// Reads packed `float` values.
    @inlinable
    public mutating func readPackedFloat(into values: inout [Float]) throws {
        try readPackedFixed(into: &values, as: UInt32.self) { Float(bitPattern: $0) }
    }

    /// Reads packed `double` values.
    @inlinable
    public mutating func readPackedDouble(into values: inout [Double]) throws {
        try readPackedFixed(into: &values, as: UInt64.self) { Double(bitPattern: $0) }
    }
}

extension Array {
    /// Makes room for `count` more elements, growing geometrically: `reserveCapacity` allocates
    /// exactly what it is asked for, so many small packed runs of one field would otherwise
    /// reallocate and copy the whole array each time (quadratic time on hostile input).
    @inlinable
    mutating func reserveAdditional(_ count: Int) {
        let needed = self.count &+ count
        if needed > capacity { reserveCapacity(Swift.max(needed, self.count &* 2)) }
    }
}
