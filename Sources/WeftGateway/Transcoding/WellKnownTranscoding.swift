#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WeftMessages
import WeftSchema

/// The well-known types whose JSON is not an object of their fields.
extension DynamicSchema {
    /// Writes a well-known type from its JSON form; false when `fullName` is an ordinary message.
    func writeWellKnown(_ fullName: String, from reader: inout JSONReader, to writer: inout WireWriter) throws -> Bool {
        guard fullName.isWellKnownCandidate else { return false }
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
        case "google.protobuf.FieldMask":
            Google_Protobuf_FieldMask(paths: try FieldMaskJSON.paths(try reader.readString())).encode(to: &writer)
        case "google.protobuf.Any":
            try writeAny(from: &reader, to: &writer)
        default:
            guard fullName.hasSuffix("Value"),
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

    /// `google.protobuf.Any`: `{"@type": url, …members}` (or `"value"` for a well-known type),
    /// typed by the loaded schemas or, failing them, the types the runtime knows (the google.rpc
    /// details among them).
    private func writeAny(from reader: inout JSONReader, to writer: inout WireWriter) throws {
        guard case .object(var members) = try reader.readJSONValue() else { throw TranscodingError("google.protobuf.Any must be a JSON object") }
        guard !members.isEmpty else { return }
        guard let index = members.firstIndex(where: { $0.0 == "@type" }), case .string(let url) = members[index].1 else {
            throw TranscodingError("google.protobuf.Any needs an \"@type\" member")
        }
        members.remove(at: index)
        let typeName = Google_Protobuf_Any(typeUrl: url).typeName
        var any = Google_Protobuf_Any(typeUrl: url)
        if messages[typeName] != nil {
            let json = wellKnownTypesWithValueJSON.contains(typeName) ? members.first { $0.0 == "value" }?.1 ?? .null : .object(members)
            any.value = Data(try binary(fromJSON: json.utf8Bytes, messageType: typeName))
        } else {
            members.insert(("@type", .string(url)), at: 0)
            do {
                any = try Google_Protobuf_Any(jsonUTF8Bytes: JSONValue.object(members).utf8Bytes)
            } catch {
                throw TranscodingError("google.protobuf.Any holds \(typeName), a type the gateway's schemas do not declare")
            }
        }
        any.encode(to: &writer)
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
        func values(_ number: Int32, _ type: FieldType) -> FieldOccurrences { fields.values(of: number, accepting: WireTypes(type)) }
        func int64(_ number: Int32) -> Int64 { Int64(bitPattern: values(number, .scalar(.int64)).last?.varint ?? 0) }
        func int32(_ number: Int32) -> Int32 { Int32(truncatingIfNeeded: values(number, .scalar(.int32)).last?.varint ?? 0) }
        guard fullName.isWellKnownCandidate else { return false }
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
                try writeSingular(.message("google.protobuf.Value"), FieldOccurrences(value), to: &writer)
            }
            writer.endArray()
        case "google.protobuf.FieldMask":
            let paths = fields.values(of: 1, accepting: .lengthDelimited).map { String(decoding: $0.bytes, as: UTF8.self) }
            writer.writeString(try FieldMaskJSON.text(paths))
        case "google.protobuf.Any":
            let url = fields.values(of: 1, accepting: .lengthDelimited).last.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
            let value = fields.values(of: 2, accepting: .lengthDelimited).last?.bytes ?? []
            try writeAnyJSON(Google_Protobuf_Any(typeUrl: url, value: Data(value)), to: &writer)
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
            guard fullName.hasSuffix("Value"),
                  let wrapper = messages[fullName], let field = wrapper.fields.first, case .scalar(let type) = field.type
            else { return false }
            try RawScalar.writeJSON(type, values(1, field.type).last, to: &writer)
        }
        return true
    }

    /// An Any's JSON: the held message's JSON with `"@type"` (under `"value"` for a well-known
    /// type), typed by the loaded schemas or the runtime's registered types.
    private func writeAnyJSON(_ any: Google_Protobuf_Any, to writer: inout JSONWriter) throws {
        guard !any.typeUrl.isEmpty || !any.value.isEmpty else { return writer.writeRawJSON("{}") }
        let typeName = any.typeName
        guard messages[typeName] != nil else {
            guard let json = try? any.jsonUTF8Bytes(options: writer.options) else {
                throw TranscodingError("google.protobuf.Any holds \(typeName), a type the gateway's schemas do not declare")
            }
            return json.withUnsafeBytes { writer.writeRawJSON($0) }
        }
        let inner = try json(fromBinary: Array(any.value), messageType: typeName, options: writer.options)
        var members: [(String, JSONValue)] = [("@type", .string(any.typeUrl))]
        let value = try inner.withUnsafeBytes { try JSONValue(parsing: $0) }
        if wellKnownTypesWithValueJSON.contains(typeName) {
            members.append(("value", value))
        } else if case .object(let fields) = value {
            members += fields
        }
        JSONValue.object(members).utf8Bytes.withUnsafeBytes { writer.writeRawJSON($0) }
    }
}

extension String {
    /// Whether the name is in the `google.protobuf` package, where the well-known types are:
    /// every other message skips the comparisons with each of their names (a dozen string
    /// compares per message, on every request).
    var isWellKnownCandidate: Bool {
        utf8.starts(with: "google.protobuf.".utf8)
    }
}
