#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The message types a `google.protobuf.Any` can be written as JSON from, or read into: JSON
/// spells an Any as its message's own JSON with an `"@type"` member, so the message's type
/// must be known. The well-known types and the google.rpc error details are registered from
/// the start; register a schema's own types before writing or reading Anys that hold them.
public enum AnyTypeRegistry {
    private static let types = Mutex<[String: any WeftMessage.Type]>(
        Dictionary(uniqueKeysWithValues: builtIn.map { ($0.descriptor.fullName, $0) }))

    private static let builtIn: [any WeftMessage.Type] = [
        Google_Protobuf_Any.self, Google_Protobuf_Duration.self, Google_Protobuf_Empty.self, Google_Protobuf_FieldMask.self,
        Google_Protobuf_Struct.self, Google_Protobuf_Value.self, Google_Protobuf_ListValue.self, Google_Protobuf_Timestamp.self,
        Google_Protobuf_DoubleValue.self, Google_Protobuf_FloatValue.self, Google_Protobuf_Int64Value.self,
        Google_Protobuf_UInt64Value.self, Google_Protobuf_Int32Value.self, Google_Protobuf_UInt32Value.self,
        Google_Protobuf_BoolValue.self, Google_Protobuf_StringValue.self, Google_Protobuf_BytesValue.self,
        Google_Rpc_Status.self, Google_Rpc_ErrorInfo.self, Google_Rpc_RetryInfo.self, Google_Rpc_BadRequest.self,
        Google_Rpc_PreconditionFailure.self, Google_Rpc_ResourceInfo.self,
    ]

    /// Makes `types` writable and readable inside an Any's JSON.
    public static func register(_ types: any WeftMessage.Type...) {
        self.types.withLock { known in
            for type in types { known[type.descriptor.fullName] = type }
        }
    }

    /// The registered type of a full name (`google.rpc.ErrorInfo`).
    public static func type(named fullName: String) -> (any WeftMessage.Type)? {
        types.withLock { $0[fullName] }
    }

    /// The type a type URL names (its part after the last `/`).
    static func type(ofURL url: String) -> (any WeftMessage.Type)? {
        type(named: Google_Protobuf_Any(typeUrl: url).typeName)
    }
}

/// The well-known types whose JSON form is not an object: inside an Any they go under `"value"`.
package let wellKnownTypesWithValueJSON: Set<String> = [
    "google.protobuf.Duration", "google.protobuf.FieldMask", "google.protobuf.Struct", "google.protobuf.Value",
    "google.protobuf.ListValue", "google.protobuf.Timestamp", "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
    "google.protobuf.Int64Value", "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
    "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue", "google.protobuf.Any",
]

/// `google.protobuf.Any`'s JSON form, for its generated codec.
enum AnyJSON {
    /// Writes `{"@type": url, …the message's members}`; an unregistered or undecodable type
    /// makes `finish()` throw (protobuf's printers refuse them too).
    static func write(typeURL: String, value: Data, to writer: inout JSONWriter) {
        guard !typeURL.isEmpty || !value.isEmpty else { return writer.writeRawJSON("{}") }
        guard let type = AnyTypeRegistry.type(ofURL: typeURL) else {
            writer.recordError("google.protobuf.Any holds \(typeURL), a type not registered with AnyTypeRegistry")
            return writer.writeNull()
        }
        let inner: [UInt8]
        do {
            inner = try messageJSON(type, value, options: writer.options)
        } catch {
            writer.recordError("google.protobuf.Any holds a \(typeURL) that does not decode: \(error)")
            return writer.writeNull()
        }
        writer.beginObject()
        writer.writeKey("@type")
        writer.writeString(typeURL)
        if wellKnownTypesWithValueJSON.contains(type.descriptor.fullName) {
            writer.writeKey("value")
            inner.withUnsafeBytes { writer.writeRawJSON($0) }
        } else if inner.count > 2 {
            // The message's members, without its braces, after "@type".
            writer.buffer.append(UInt8(ascii: ","))
            inner.dropFirst().dropLast().withUnsafeBytes { writer.buffer.append($0) }
        }
        writer.endObject()
    }

    /// Reads an Any's JSON object back into its type URL and binary value.
    static func read(from reader: inout JSONReader) throws -> (typeURL: String, value: Data) {
        let start = reader.position
        guard case .object(var members) = try reader.readValue(keep: true) else { throw reader.unexpected("an object") }
        guard !members.isEmpty else { return ("", Data()) }
        guard let index = members.firstIndex(where: { $0.0 == "@type" }), case .string(let url) = members[index].1 else {
            throw JSONDecodingError("google.protobuf.Any needs an \"@type\" member", offset: start)
        }
        members.remove(at: index)
        guard let type = AnyTypeRegistry.type(ofURL: url) else {
            throw JSONDecodingError("google.protobuf.Any holds \(url), a type not registered with AnyTypeRegistry", offset: start)
        }
        var json = JSONValue.object(members)
        if wellKnownTypesWithValueJSON.contains(type.descriptor.fullName) {
            guard members.count == 1, members[0].0 == "value" else {
                throw JSONDecodingError("google.protobuf.Any holding \(url) needs exactly a \"value\" member", offset: start)
            }
            json = members[0].1
        }
        return (url, Data(try messageBinary(type, json.utf8Bytes, options: reader.options)))
    }

    private static func messageJSON<Message: WeftMessage>(_ type: Message.Type, _ value: Data, options: JSONEncodingOptions) throws -> [UInt8] {
        try Message(serializedBytes: value).jsonUTF8Bytes(options: options)
    }

    private static func messageBinary<Message: WeftMessage>(_ type: Message.Type, _ json: [UInt8], options: JSONDecodingOptions) throws -> [UInt8] {
        try Message(jsonUTF8Bytes: json, options: options).serializedBytes()
    }
}

/// `google.protobuf.FieldMask`'s JSON form: its paths in lowerCamelCase, joined by commas. Only
/// paths that survive the trip are taken, as protobuf's own mappings insist: proto names of
/// lowercase ASCII letters, digits and underscores each followed by a letter (`price.minor_units`),
/// JSON names of ASCII letters and digits.
public enum FieldMaskJSON {
    /// A path that has no JSON form, or a JSON path that names no proto path.
    public struct InvalidPath: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// `["price.minor_units", "title"]` → `"price.minorUnits,title"`.
    public static func text(_ paths: [String]) throws -> String {
        try paths.map { path in
            guard !path.isEmpty else { throw InvalidPath(description: "a FieldMask path is empty") }
            var camel = ""
            var upper = false
            for scalar in path.unicodeScalars {
                switch scalar {
                case "_":
                    guard !upper, !camel.isEmpty, camel.last != "." else { throw invalid(path) }
                    upper = true
                case "a"..."z":
                    camel.unicodeScalars.append(upper ? Unicode.Scalar(scalar.value - 32)! : scalar)
                    upper = false
                case "0"..."9", ".":
                    guard !upper else { throw invalid(path) }
                    camel.unicodeScalars.append(scalar)
                default:
                    throw invalid(path)
                }
            }
            guard !upper else { throw invalid(path) }
            return camel
        }.joined(separator: ",")
    }

    /// `"price.minorUnits,title"` → `["price.minor_units", "title"]`.
    public static func paths(_ text: String) throws -> [String] {
        guard !text.isEmpty else { return [] }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { path in
            guard !path.isEmpty else { throw InvalidPath(description: "\"\(text)\" has an empty FieldMask path") }
            var snake = ""
            for scalar in path.unicodeScalars {
                switch scalar {
                case "A"..."Z":
                    snake += "_"
                    snake.unicodeScalars.append(Unicode.Scalar(scalar.value + 32)!)
                case "a"..."z", "0"..."9", ".":
                    snake.unicodeScalars.append(scalar)
                default:
                    throw InvalidPath(description: "FieldMask path \"\(path)\" is not lowerCamelCase ASCII")
                }
            }
            return snake
        }
    }

    private static func invalid(_ path: String) -> InvalidPath {
        InvalidPath(description: "FieldMask path \"\(path)\" has no JSON form (lowercase letters, digits, and _ before a letter)")
    }

    /// Writes a mask's JSON string; a path with no JSON form makes `finish()` throw.
    static func write(_ paths: [String], to writer: inout JSONWriter) {
        do {
            writer.writeString(try text(paths))
        } catch {
            writer.recordError("\(error)")
            writer.writeNull()
        }
    }

    /// Reads a mask's JSON string.
    static func read(from reader: inout JSONReader) throws -> [String] {
        let start = reader.position
        do {
            return try paths(try reader.readString())
        } catch let error as InvalidPath {
            throw JSONDecodingError(error.description, offset: start)
        }
    }
}
