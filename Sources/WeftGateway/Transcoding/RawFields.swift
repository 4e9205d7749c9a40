#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WeftMessages
import WeftSchema

/// One field occurrence's value as it came off the wire, before the schema says what it means.
enum RawValue: Sendable {
    case varint(UInt64)
    case fixed64(UInt64)
    case fixed32(UInt32)
    /// A slice of the message it came in: no copy of the payload.
    case bytes(ArraySlice<UInt8>)

    var varint: UInt64? {
        if case .varint(let value) = self { return value }
        return nil
    }

    /// The wire type the value came with: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed
    /// 32-bit.
    var wireType: UInt32 {
        switch self {
        case .varint: 0
        case .fixed64: 1
        case .bytes: 2
        case .fixed32: 5
        }
    }

    /// The payload of a length-delimited value; empty for the other wire types.
    var bytes: ArraySlice<UInt8> {
        if case .bytes(let bytes) = self { return bytes }
        return []
    }
}

/// A message's fields in wire order, undecoded: the dynamic transcoder reads them by number
/// in the schema's declaration order, as JSON wants.
struct RawFields {
    private var entries: [(number: Int32, value: RawValue)] = []

    init(_ bytes: [UInt8]) throws {
        try self.init(bytes[...])
    }

    init(_ bytes: ArraySlice<UInt8>) throws {
        // A field takes at least two bytes: room for all of a small message's fields at once.
        entries.reserveCapacity(min(bytes.count / 2, 32))
        try bytes.withUnsafeBytes { buffer in
            var reader = WireReader(buffer)
            var ignored = UnknownFields()
            while let tag = try reader.nextTag() {
                let number = Int32(bitPattern: tag >> 3)
                switch tag & 7 {
                case 0: entries.append((number, .varint(try reader.readVarint())))
                case 1: entries.append((number, .fixed64(try reader.readFixed64())))
                case 2:
                    let payload = try reader.readLengthDelimitedRange()
                    let start = bytes.startIndex + payload.lowerBound
                    entries.append((number, .bytes(bytes[start..<start + payload.count])))
                case 5: entries.append((number, .fixed32(try reader.readFixed32())))
                default: try reader.skipField(tag: tag, into: &ignored)  // groups: no proto3 field is one
                }
            }
        }
    }

    /// Every occurrence of field `number` with a wire type in `wireTypes`, in wire order.
    func values(of number: Int32, accepting wireTypes: WireTypes) -> FieldOccurrences {
        var values = FieldOccurrences()
        for entry in entries where entry.number == number && wireTypes.contains(wireType: entry.value.wireType) {
            values.append(entry.value)
        }
        return values
    }

    /// Where field `number` last occurred with a wire type in `wireTypes`, nil when it did not.
    func lastPosition(of number: Int32, accepting wireTypes: WireTypes) -> Int? {
        entries.lastIndex { $0.number == number && wireTypes.contains(wireType: $0.value.wireType) }
    }
}

/// Scalar values from the wire, by protobuf type.
enum RawScalar {
    /// Writes `raw` (nil: the type's default) as `type`'s JSON.
    static func writeJSON(_ type: ScalarType, _ raw: RawValue?, to writer: inout JSONWriter) throws {
        switch type {
        case .int32: writer.writeInt32(Int32(truncatingIfNeeded: try varint(raw)))
        case .sint32: writer.writeInt32(Int32(truncatingIfNeeded: zigzag(try varint(raw))))
        case .uint32: writer.writeUInt32(UInt32(truncatingIfNeeded: try varint(raw)))
        case .int64: writer.writeInt64(Int64(bitPattern: try varint(raw)))
        case .sint64: writer.writeInt64(zigzag(try varint(raw)))
        case .uint64: writer.writeUInt64(try varint(raw))
        case .bool: writer.writeBool(try varint(raw) != 0)
        case .fixed32: writer.writeUInt32(try fixed32(raw))
        case .sfixed32: writer.writeInt32(Int32(bitPattern: try fixed32(raw)))
        case .float: writer.writeFloat(Float(bitPattern: try fixed32(raw)))
        case .fixed64: writer.writeUInt64(try fixed64(raw))
        case .sfixed64: writer.writeInt64(Int64(bitPattern: try fixed64(raw)))
        case .double: writer.writeDouble(Double(bitPattern: try fixed64(raw)))
        case .string: try writeString(raw, to: &writer)
        case .bytes: writer.writeBytes(Data(try bytes(raw)))
        }
    }

    /// A map key's JSON object key: the value as text.
    static func mapKeyText(_ type: ScalarType, _ raw: RawValue?) throws -> String {
        switch type {
        case .string: try string(raw)
        case .bool: try varint(raw) != 0 ? "true" : "false"
        case .int32: String(Int32(truncatingIfNeeded: try varint(raw)))
        case .sint32: String(Int32(truncatingIfNeeded: zigzag(try varint(raw))))
        case .uint32: String(UInt32(truncatingIfNeeded: try varint(raw)))
        case .int64: String(Int64(bitPattern: try varint(raw)))
        case .sint64: String(zigzag(try varint(raw)))
        case .uint64: String(try varint(raw))
        case .fixed32: String(try fixed32(raw))
        case .sfixed32: String(Int32(bitPattern: try fixed32(raw)))
        case .fixed64: String(try fixed64(raw))
        case .sfixed64: String(Int64(bitPattern: try fixed64(raw)))
        case .float, .double, .bytes: throw TranscodingError("\(type) cannot be a map key")
        }
    }

    /// Whether `raw` holds `type`'s default (implicit-presence fields then stay out of JSON).
    static func isDefault(_ type: ScalarType, _ raw: RawValue) -> Bool {
        switch raw {
        case .varint(let value): value == 0
        case .fixed32(let value): value == 0
        case .fixed64(let value): value == 0
        case .bytes(let bytes): bytes.isEmpty && (type == .string || type == .bytes)
        }
    }

    /// The values a packed occurrence holds (a non-packed occurrence is its own single value).
    static func unpack(_ type: ScalarType, _ raw: RawValue) throws -> [RawValue] {
        guard case .bytes(let bytes) = raw else { return [raw] }
        var values: [RawValue] = []
        try bytes.withUnsafeBytes { buffer in
            var reader = WireReader(buffer)
            while !reader.isAtEnd {
                switch type.wireType {
                case 0: values.append(.varint(try reader.readVarint()))
                case 1: values.append(.fixed64(try reader.readFixed64()))
                default: values.append(.fixed32(try reader.readFixed32()))
                }
            }
        }
        return values
    }

    private static func zigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    private static func varint(_ raw: RawValue?) throws -> UInt64 {
        switch raw {
        case nil: return 0
        case .varint(let value)?: return value
        default: throw TranscodingError("a varint field arrived with another wire type")
        }
    }

    private static func fixed32(_ raw: RawValue?) throws -> UInt32 {
        switch raw {
        case nil: return 0
        case .fixed32(let value)?: return value
        default: throw TranscodingError("a 32-bit field arrived with another wire type")
        }
    }

    private static func fixed64(_ raw: RawValue?) throws -> UInt64 {
        switch raw {
        case nil: return 0
        case .fixed64(let value)?: return value
        default: throw TranscodingError("a 64-bit field arrived with another wire type")
        }
    }

    private static func bytes(_ raw: RawValue?) throws -> ArraySlice<UInt8> {
        switch raw {
        case nil: return []
        case .bytes(let bytes)?: return bytes
        default: throw TranscodingError("a length-delimited field arrived with another wire type")
        }
    }

    /// A string field's JSON. ASCII text (the usual) needs no validation and is written from
    /// the message's bytes as they are; other text is validated as UTF-8 first.
    private static func writeString(_ raw: RawValue?, to writer: inout JSONWriter) throws {
        let text = try bytes(raw)
        guard text.allSatisfy({ $0 < 0x80 }) else { return writer.writeString(try string(raw)) }
        text.withUnsafeBytes { writer.writeString(utf8: $0) }
    }

    private static func string(_ raw: RawValue?) throws -> String {
        guard let text = String(validating: try bytes(raw), as: UTF8.self) else {
            throw TranscodingError("a string field holds invalid UTF-8")
        }
        return text
    }
}
