/// The well-known types whose proto3 JSON form is not their fields: Timestamp and Duration are
/// strings, the wrappers their bare value, Struct/ListValue/Value any JSON object, array or value,
/// FieldMask a string of paths, Any its message's JSON with `"@type"`.
enum WellKnownJSON {
    case any
    case fieldMask
    case timestamp
    case duration
    case wrapper(jsonMethodSuffix: String)
    case structObject
    case listValue
    case value

    init?(fullName: String) {
        switch fullName {
        case "google.protobuf.Any": self = .any
        case "google.protobuf.FieldMask": self = .fieldMask
        case "google.protobuf.Timestamp": self = .timestamp
        case "google.protobuf.Duration": self = .duration
        case "google.protobuf.DoubleValue": self = .wrapper(jsonMethodSuffix: "Double")
        case "google.protobuf.FloatValue": self = .wrapper(jsonMethodSuffix: "Float")
        case "google.protobuf.Int64Value": self = .wrapper(jsonMethodSuffix: "Int64")
        case "google.protobuf.UInt64Value": self = .wrapper(jsonMethodSuffix: "UInt64")
        case "google.protobuf.Int32Value": self = .wrapper(jsonMethodSuffix: "Int32")
        case "google.protobuf.UInt32Value": self = .wrapper(jsonMethodSuffix: "UInt32")
        case "google.protobuf.BoolValue": self = .wrapper(jsonMethodSuffix: "Bool")
        case "google.protobuf.StringValue": self = .wrapper(jsonMethodSuffix: "String")
        case "google.protobuf.BytesValue": self = .wrapper(jsonMethodSuffix: "Bytes")
        case "google.protobuf.Struct": self = .structObject
        case "google.protobuf.ListValue": self = .listValue
        case "google.protobuf.Value": self = .value
        default: return nil
        }
    }

    func emit(into out: inout CodeWriter) {
        switch self {
        case .any:
            out.block("public func writeJSON(to writer: inout JSONWriter)") { out in
                out.line("AnyJSON.write(typeURL: typeUrl, value: value, to: &writer)")
            }
            out.line()
            out.block("public mutating func mergeJSON(from reader: inout JSONReader) throws") { out in
                out.line("(typeUrl, value) = try AnyJSON.read(from: &reader)")
            }
        case .fieldMask:
            out.block("public func writeJSON(to writer: inout JSONWriter)") { out in
                out.line("FieldMaskJSON.write(paths, to: &writer)")
            }
            out.line()
            out.block("public mutating func mergeJSON(from reader: inout JSONReader) throws") { out in
                out.line("paths = try FieldMaskJSON.read(from: &reader)")
            }
        case .timestamp, .duration:
            let kind = self.isTimestamp ? "Timestamp" : "Duration"
            out.block("public func writeJSON(to writer: inout JSONWriter)") { out in
                out.line("writer.write\(kind)(seconds: seconds, nanos: nanos)")
            }
            out.line()
            out.block("public mutating func mergeJSON(from reader: inout JSONReader) throws") { out in
                out.line("(seconds, nanos) = try reader.read\(kind)()")
            }
        case .wrapper(let suffix):
            out.block("public func writeJSON(to writer: inout JSONWriter)") { out in
                out.line("writer.write\(suffix)(value)")
            }
            out.line()
            out.block("public mutating func mergeJSON(from reader: inout JSONReader) throws") { out in
                out.line("value = try reader.read\(suffix)()")
            }
        case .structObject:
            out.block("public func writeJSON(to writer: inout JSONWriter)") { out in
                out.line("writer.beginObject()")
                out.block("for (key, value) in fields") { out in
                    out.line("writer.writeMapKey(key.string)")
                    out.line("writer.writeMessage(value)")
                }
                out.line("writer.endObject()")
            }
            out.line()
            out.block("public mutating func mergeJSON(from reader: inout JSONReader) throws") { out in
                out.line("try reader.beginObject()")
                out.block("while let key = try reader.nextKey()") { out in
                    out.line("var value = Google_Protobuf_Value()")
                    out.line("try reader.readMessage(into: &value)")
                    out.line("fields[ProtoString(key)] = value")
                }
            }
        case .listValue:
            out.block("public func writeJSON(to writer: inout JSONWriter)") { out in
                out.line("writer.beginArray()")
                out.line("for value in values { writer.writeMessage(value) }")
                out.line("writer.endArray()")
            }
            out.line()
            out.block("public mutating func mergeJSON(from reader: inout JSONReader) throws") { out in
                out.line("try reader.beginArray()")
                out.block("while try reader.nextElement()") { out in
                    out.line("var value = Google_Protobuf_Value()")
                    out.line("try reader.readMessage(into: &value)")
                    out.line("values.append(value)")
                }
            }
        case .value:
            emitValue(into: &out)
        }
    }

    /// `google.protobuf.Value` is whichever JSON value its `kind` holds; an unset kind is `null`.
    private func emitValue(into out: inout CodeWriter) {
        out.block("public func writeJSON(to writer: inout JSONWriter)") { out in
            out.switchBlock("kind") { out in
                out.line("case .numberValue(let number)?: writer.writeDouble(number)")
                out.line("case .stringValue(let string)?: writer.writeString(string)")
                out.line("case .boolValue(let bool)?: writer.writeBool(bool)")
                out.line("case .structValue(let object)?: writer.writeMessage(object)")
                out.line("case .listValue(let list)?: writer.writeMessage(list)")
                out.line("case .nullValue?, nil: writer.writeNull()")
            }
        }
        out.line()
        out.block("public mutating func mergeJSON(from reader: inout JSONReader) throws") { out in
            out.switchBlock("try reader.peekValueKind()") { out in
                out.line("case .null:")
                out.line("    _ = reader.readNull()")
                out.line("    kind = .nullValue(.nullValue)")
                out.line("case .bool: kind = .boolValue(try reader.readBool())")
                out.line("case .number: kind = .numberValue(try reader.readDouble())")
                out.line("case .string: kind = .stringValue(try reader.readString())")
                out.line("case .array:")
                out.line("    var list = Google_Protobuf_ListValue()")
                out.line("    try reader.readMessage(into: &list)")
                out.line("    kind = .listValue(list)")
                out.line("case .object:")
                out.line("    var object = Google_Protobuf_Struct()")
                out.line("    try reader.readMessage(into: &object)")
                out.line("    kind = .structValue(object)")
            }
        }
    }

    private var isTimestamp: Bool {
        if case .timestamp = self { return true }
        return false
    }
}
