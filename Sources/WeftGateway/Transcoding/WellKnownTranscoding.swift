import WeftMessages
import WeftSchema

/// The well-known types whose JSON is not an object of their fields.
extension DynamicSchema {
    /// Writes a well-known type from its JSON form; false when `fullName` is an ordinary message.
    func writeWellKnown(_ fullName: String, from reader: inout JSONReader, to writer: inout WireWriter) throws -> Bool {
        switch fullName {
        case "google.protobuf.Timestamp":
            let (seconds, nanos) = try reader.readTimestamp()
            writeSecondsAndNanos(seconds, nanos, to: &writer)
        case "google.protobuf.Duration":
            let (seconds, nanos) = try reader.readDuration()
            writeSecondsAndNanos(seconds, nanos, to: &writer)
        case "google.protobuf.Struct":
            try writeField(named: "fields", of: fullName, from: &reader, to: &writer)
        case "google.protobuf.ListValue":
            try writeField(named: "values", of: fullName, from: &reader, to: &writer)
        case "google.protobuf.Value":
            try writeValueKind(from: &reader, to: &writer)
        default:
            guard fullName.hasPrefix("google.protobuf."), fullName.hasSuffix("Value"),
                  let wrapper = messages[fullName], let field = wrapper.fields.first, case .scalar(let type) = field.type
            else { return false }
            // A wrapper is its bare value.
            try ScalarCodec.transcode(type, from: &reader, to: &writer, tag: 1, hasPresence: false)
        }
        return true
    }

    private func writeSecondsAndNanos(_ seconds: Int64, _ nanos: Int32, to writer: inout WireWriter) {
        if seconds != 0 {
            writer.writeTag(1 << 3)
            writer.writeInt64(seconds)
        }
        if nanos != 0 {
            writer.writeTag(2 << 3)
            writer.writeInt32(nanos)
        }
    }

    /// Struct and ListValue are their single field's JSON (an object or an array).
    private func writeField(named name: String, of fullName: String, from reader: inout JSONReader, to writer: inout WireWriter) throws {
        guard let field = messages[fullName]?.fields.first(where: { $0.name == name }) else {
            throw TranscodingError("\(fullName) is missing from the loaded schemas")
        }
        try writeFieldValue(field, from: &reader, to: &writer)
    }

    /// `google.protobuf.Value`: whichever kind the JSON value is.
    private func writeValueKind(from reader: inout JSONReader, to writer: inout WireWriter) throws {
        switch try reader.peekValueKind() {
        case .null:
            _ = reader.readNull()
            writer.writeTag(1 << 3)
            writer.writeEnum(0)
        case .number:
            writer.writeTag(2 << 3 | 1)
            writer.writeDouble(try reader.readDouble())
        case .string:
            writer.writeTag(3 << 3 | 2)
            writer.writeString(try reader.readString())
        case .bool:
            writer.writeTag(4 << 3)
            writer.writeBool(try reader.readBool())
        case .object:
            try writeValue(.message("google.protobuf.Struct"), number: 5, hasPresence: true, from: &reader, to: &writer)
        case .array:
            try writeValue(.message("google.protobuf.ListValue"), number: 6, hasPresence: true, from: &reader, to: &writer)
        }
    }
}

/// The well-known types' JSON forms, from binary.
extension DynamicSchema {
    /// Writes a well-known type's JSON form; false when `fullName` is an ordinary message.
    func writeWellKnownJSON(_ fullName: String, fields: RawFields, to writer: inout JSONWriter) throws -> Bool {
        func values(_ number: Int32, _ type: FieldType) -> [RawValue] { fields.values(of: number, accepting: WireTypes(type)) }
        func int64(_ number: Int32) -> Int64 { Int64(bitPattern: values(number, .scalar(.int64)).last?.varint ?? 0) }
        func int32(_ number: Int32) -> Int32 { Int32(truncatingIfNeeded: values(number, .scalar(.int32)).last?.varint ?? 0) }
        switch fullName {
        case "google.protobuf.Timestamp":
            writer.writeTimestamp(seconds: int64(1), nanos: int32(2))
        case "google.protobuf.Duration":
            writer.writeDuration(seconds: int64(1), nanos: int32(2))
        case "google.protobuf.Struct":
            let entries = fields.values(of: 1, accepting: .lengthDelimited)
            try writeMap(key: .string, value: .message("google.protobuf.Value"), entries, to: &writer)
        case "google.protobuf.ListValue":
            writer.beginArray()
            for value in fields.values(of: 1, accepting: .lengthDelimited) {
                try writeSingular(.message("google.protobuf.Value"), [value], to: &writer)
            }
            writer.endArray()
        case "google.protobuf.Value":
            // The kind set last wins, as with any oneof; none set, or null_value, is null.
            let kinds: [(number: Int32, type: FieldType)] = [
                (1, .enumeration("google.protobuf.NullValue")), (2, .scalar(.double)), (3, .scalar(.string)),
                (4, .scalar(.bool)), (5, .message("google.protobuf.Struct")), (6, .message("google.protobuf.ListValue")),
            ]
            let set = kinds.compactMap { kind in
                fields.lastPosition(of: kind.number, accepting: WireTypes(kind.type)).map { (kind: kind, position: $0) }
            }
            if let last = set.max(by: { $0.position < $1.position })?.kind, last.number != 1 {
                try writeSingular(last.type, values(last.number, last.type), to: &writer)
            } else {
                writer.writeNull()
            }
        default:
            guard fullName.hasPrefix("google.protobuf."), fullName.hasSuffix("Value"),
                  let wrapper = messages[fullName], let field = wrapper.fields.first, case .scalar(let type) = field.type
            else { return false }
            try RawScalar.writeJSON(type, values(1, field.type).last, to: &writer)
        }
        return true
    }
}
