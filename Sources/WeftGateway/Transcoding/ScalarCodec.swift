import WeftMessages
import WeftSchema

/// One scalar between JSON and the wire, for each protobuf scalar type.
enum ScalarCodec {
    /// Reads a `type` value from JSON and writes it, tagged with field `number` (untagged when
    /// nil, inside a packed field). A default value without presence is not written.
    static func transcode(
        _ type: ScalarType, from reader: inout JSONReader, to writer: inout WireWriter, tag number: Int32?,
        hasPresence: Bool
    ) throws {
        let always = hasPresence || number == nil
        func tag() {
            if let number { writer.writeTag(UInt32(number) << 3 | type.wireType) }
        }
        switch type {
        case .int32, .sint32, .sfixed32:
            let value = try reader.readInt32()
            guard always || value != 0 else { return }
            tag()
            switch type {
            case .int32: writer.writeInt32(value)
            case .sint32: writer.writeSInt32(value)
            default: writer.writeSFixed32(value)
            }
        case .int64, .sint64, .sfixed64:
            let value = try reader.readInt64()
            guard always || value != 0 else { return }
            tag()
            switch type {
            case .int64: writer.writeInt64(value)
            case .sint64: writer.writeSInt64(value)
            default: writer.writeSFixed64(value)
            }
        case .uint32, .fixed32:
            let value = try reader.readUInt32()
            guard always || value != 0 else { return }
            tag()
            if type == .uint32 { writer.writeUInt32(value) } else { writer.writeFixed32(value) }
        case .uint64, .fixed64:
            let value = try reader.readUInt64()
            guard always || value != 0 else { return }
            tag()
            if type == .uint64 { writer.writeUInt64(value) } else { writer.writeFixed64(value) }
        case .float:
            let value = try reader.readFloat()
            guard always || value.bitPattern != 0 else { return }
            tag()
            writer.writeFloat(value)
        case .double:
            let value = try reader.readDouble()
            guard always || value.bitPattern != 0 else { return }
            tag()
            writer.writeDouble(value)
        case .bool:
            let value = try reader.readBool()
            guard always || value else { return }
            tag()
            writer.writeBool(value)
        case .string:
            let value = try reader.readString()
            guard always || !value.isEmpty else { return }
            tag()
            writer.writeString(value)
        case .bytes:
            let value = try reader.readBytes()
            guard always || !value.isEmpty else { return }
            tag()
            writer.writeBytes(value)
        }
    }
}
