import WeftMessages
import WeftSchema

/// proto3 JSON → protobuf binary for a message known only from its schema, with the mapping the
/// generated `mergeJSON` uses: JSON or proto names, quoted or bare numbers, enum names or
/// numbers, base64 bytes, the well-known types' JSON forms; unknown fields are errors with
/// their path unless the options say to ignore them; an object setting two members of one
/// oneof is an error.
extension DynamicSchema {
    /// The binary encoding of the `messageType` message that `json` describes.
    public func binary(fromJSON json: [UInt8], messageType: String, options: JSONDecodingOptions = .init()) throws -> [UInt8] {
        let message = try message(messageType)
        var writer = WireWriter()
        try json.withUnsafeBytes { bytes in
            var reader = JSONReader(bytes, options: options)
            if !reader.readNull() {
                try reader.readNested { try writeMessage(message, from: &$0, to: &writer) }
            }
            guard reader.isAtEnd() else { throw JSONDecodingError("unexpected data after the JSON value", offset: reader.offset) }
        }
        return writer.finish()
    }

    func writeMessage(_ message: MessageDecl, from reader: inout JSONReader, to writer: inout WireWriter) throws {
        if try writeWellKnown(message.fullName, from: &reader, to: &writer) { return }
        let fields = fieldsByKey[message.fullName] ?? [:]
        // Per oneof, whether this JSON object has set a member: protobuf refuses a second. A null
        // member sets nothing and claims nothing (but null is a google.protobuf.Value's value).
        var oneofsClaimed = [Bool](repeating: false, count: message.oneofs.count)
        try reader.beginObject()
        while let key = try reader.nextKey() {
            guard let field = fields[key] else {
                try reader.unknownField(key)
                continue
            }
            let nullIsValue = field.type == .message("google.protobuf.Value") && field.label != .repeated
            if !nullIsValue, reader.readNull() { continue }
            if let index = field.oneofIndex { try reader.claimOneof(&oneofsClaimed[index], message.oneofs[index].name) }
            try writeFieldValue(field, from: &reader, to: &writer)
        }
    }

    /// Writes one field's JSON value (an object for maps, an array for repeated fields).
    func writeFieldValue(_ field: FieldDecl, from reader: inout JSONReader, to writer: inout WireWriter) throws {
        switch (field.label, field.type) {
        case (_, .map(let keyType, let valueType)):
            try reader.beginObject()
            while let key = try reader.nextKey() {
                writer.writeTag(UInt32(field.number) << 3 | 2)
                let entry = writer.beginLengthDelimited()
                try writeMapKey(key, type: keyType, reader: reader, to: &writer)
                try writeValue(valueType, number: 2, hasPresence: true, from: &reader, to: &writer)
                writer.endLengthDelimited(entry)
            }
        case (.repeated, let type):
            try reader.beginArray()
            if field.isPacked {
                writer.writeTag(UInt32(field.number) << 3 | 2)
                let packed = writer.beginLengthDelimited()
                while try reader.nextElement() { try writeValue(type, number: nil, hasPresence: true, from: &reader, to: &writer) }
                writer.endLengthDelimited(packed)
            } else {
                while try reader.nextElement() {
                    try writeValue(type, number: field.number, hasPresence: true, from: &reader, to: &writer)
                }
            }
        case (let label, let type):
            let hasPresence = label == .optional || field.oneofIndex != nil
            try writeValue(type, number: field.number, hasPresence: hasPresence, from: &reader, to: &writer)
        }
    }

    /// Writes one value, tagged with `number` (untagged inside a packed field). Without presence,
    /// a default scalar is not written, as proto3 encoders do.
    func writeValue(
        _ type: FieldType, number: Int32?, hasPresence: Bool, from reader: inout JSONReader, to writer: inout WireWriter
    ) throws {
        func tag(_ wireType: UInt32) {
            if let number { writer.writeTag(UInt32(number) << 3 | wireType) }
        }
        switch type {
        case .scalar(let scalar):
            try ScalarCodec.transcode(scalar, from: &reader, to: &writer, tag: number, hasPresence: hasPresence)
        case .enumeration(let name):
            guard let value = try readEnum(name, from: &reader) else { return }
            if hasPresence || value != 0 || number == nil {
                tag(0)
                writer.writeEnum(value)
            }
        case .message(let name):
            let nested = try message(name)
            tag(2)
            let mark = writer.beginLengthDelimited()
            try reader.readNested { try writeMessage(nested, from: &$0, to: &writer) }
            writer.endLengthDelimited(mark)
        case .map, .unresolved:
            throw TranscodingError("field type \(type) cannot be transcoded")
        }
    }

    /// An enum given by name or number; nil for an unknown name when unknown fields are ignored.
    private func readEnum(_ enumName: String, from reader: inout JSONReader) throws -> Int32? {
        guard try reader.peekValueKind() == .string else { return try reader.readInt32() }
        let name = try reader.readString()
        if let value = enums[enumName]?.values.first(where: { $0.name == name }) { return value.number }
        if reader.options.ignoreUnknownFields { return nil }
        throw JSONDecodingError("unknown value \"\(name)\" for enum \(enumName)", offset: reader.offset)
    }

    private func writeMapKey(_ key: String, type: ScalarType, reader: JSONReader, to writer: inout WireWriter) throws {
        writer.writeTag(1 << 3 | type.wireType)
        switch type {
        case .string: writer.writeString(key)
        case .bool: writer.writeBool(try reader.parseMapKeyBool(key))
        case .int32: writer.writeInt32(try reader.parseMapKeyInt32(key))
        case .sint32: writer.writeSInt32(try reader.parseMapKeyInt32(key))
        case .sfixed32: writer.writeSFixed32(try reader.parseMapKeyInt32(key))
        case .int64: writer.writeInt64(try reader.parseMapKeyInt64(key))
        case .sint64: writer.writeSInt64(try reader.parseMapKeyInt64(key))
        case .sfixed64: writer.writeSFixed64(try reader.parseMapKeyInt64(key))
        case .uint32: writer.writeUInt32(try reader.parseMapKeyUInt32(key))
        case .fixed32: writer.writeFixed32(try reader.parseMapKeyUInt32(key))
        case .uint64: writer.writeUInt64(try reader.parseMapKeyUInt64(key))
        case .fixed64: writer.writeFixed64(try reader.parseMapKeyUInt64(key))
        case .float, .double, .bytes: throw TranscodingError("\(type) cannot be a map key")
        }
    }
}

extension ScalarType {
    var isFixed32: Bool { self == .fixed32 || self == .sfixed32 || self == .float }
    var isFixed64: Bool { self == .fixed64 || self == .sfixed64 || self == .double }

    /// The protobuf wire type of one value.
    var wireType: UInt32 {
        switch self {
        case .string, .bytes: 2
        case _ where isFixed32: 5
        case _ where isFixed64: 1
        default: 0
        }
    }
}
