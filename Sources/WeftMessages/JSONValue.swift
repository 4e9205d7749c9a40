/// A JSON document as a tree, with numbers kept as their exact text and object members in order.
///
/// It bridges the generated proto3 JSON mapping to `Codable`: a message is written as JSON,
/// parsed into a `JSONValue` and encoded through any Swift `Encoder` (and the reverse on decode),
/// so there is one mapping however the message is serialized.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as its JSON text (e.g. `-1.5e3`).
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; members keep their order.
    case object([(String, JSONValue)])

    /// Compares structurally; object members must match in order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Parses JSON bytes (one value, nothing but whitespace after it).
    /// Parses one JSON document (strict grammar, `options`' depth limit).
    public init(parsing bytes: UnsafeRawBufferPointer, options: JSONDecodingOptions = JSONDecodingOptions()) throws {
        var reader = JSONReader(bytes, options: options)
        self = try reader.readValue(keep: true)
        try reader.expectEnd()
    }

    /// The value as compact JSON text.
    public var utf8Bytes: [UInt8] {
        var writer = JSONWriter()
        write(to: &writer)
        // Only Timestamp and Duration writers can fail, and a JSONValue holds neither.
        return (try? writer.finish()) ?? []
    }

    /// Writes the value as JSON text.
    func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.writeNull()
        case .bool(let b): writer.writeBool(b)
        case .number(var text): text.withUTF8 { writer.writeRawJSON(UnsafeRawBufferPointer($0)) }
        case .string(let s): writer.writeString(s)
        case .array(let elements):
            writer.beginArray()
            for element in elements { element.write(to: &writer) }
            writer.endArray()
        case .object(let members):
            writer.beginObject()
            for (key, value) in members {
                writer.writeMapKey(key)
                value.write(to: &writer)
            }
            writer.endObject()
        }
    }
}

/// `Codable` through the encoder's own containers: numbers become `Int64`, `UInt64` or `Double`.
extension JSONValue: Codable {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Encodes the tree with the encoder's keyed, unkeyed and single-value containers.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let b):
            var container = encoder.singleValueContainer()
            try container.encode(b)
        case .number(let text):
            var container = encoder.singleValueContainer()
            if let i = Int64(text) {
                try container.encode(i)
            } else if let u = UInt64(text) {
                try container.encode(u)
            } else {
                try container.encode(Double(text) ?? .nan)
            }
        case .string(let s):
            var container = encoder.singleValueContainer()
            try container.encode(s)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let members):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in members { try container.encode(value, forKey: Key(stringValue: key)) }
        }
    }

    /// Decodes whatever the decoder holds: null, bool, number, string, array or object.
    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() {
                self = .null
                return
            }
            if let b = try? container.decode(Bool.self) {
                self = .bool(b)
                return
            }
            if let i = try? container.decode(Int64.self) {
                self = .number(String(i))
                return
            }
            if let u = try? container.decode(UInt64.self) {
                self = .number(String(u))
                return
            }
            if let d = try? container.decode(Double.self) {
                self = d.isFinite ? .number(d.description) : .string(d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity")
                return
            }
            if let s = try? container.decode(String.self) {
                self = .string(s)
                return
            }
        }
        if let container = try? decoder.container(keyedBy: Key.self) {
            var members: [(String, JSONValue)] = []
            for key in container.allKeys {
                members.append((key.stringValue, try container.decode(JSONValue.self, forKey: key)))
            }
            self = .object(members)
            return
        }
        var container = try decoder.unkeyedContainer()
        var elements: [JSONValue] = []
        while !container.isAtEnd { elements.append(try container.decode(JSONValue.self)) }
        self = .array(elements)
    }
}
