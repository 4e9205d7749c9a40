import WeftMessages
import WeftSchema

/// OpenAPI schemas for messages in proto3 JSON terms, collected as operations reference them
/// (each message once, recursion allowed).
struct SchemaCollector {
    let schema: DynamicSchema
    private(set) var collected: [(String, JSONValue)] = []
    private var started: Set<String> = []

    init(schema: DynamicSchema) {
        self.schema = schema
    }

    /// A message's schema: the well-known types inline, others a `$ref` to a component.
    mutating func reference(_ fullName: String) throws -> JSONValue {
        if let inline = Self.wellKnown[fullName] { return inline }
        if !started.contains(fullName) {
            started.insert(fullName)
            let message = try schema.message(fullName)
            let slot = collected.count
            collected.append((fullName, .null))
            var properties: [(String, JSONValue)] = []
            for field in message.fields { properties.append((field.jsonName, try fieldSchema(field))) }
            var members: [(String, JSONValue)] = [("type", .string("object"))]
            if !message.doc.isEmpty { members.append(("description", .string(message.doc))) }
            members.append(("properties", .object(properties)))
            collected[slot].1 = .object(members)
        }
        return .object([("$ref", .string("#/components/schemas/\(fullName)"))])
    }

    /// A field's schema: arrays for repeated fields, objects for maps.
    mutating func fieldSchema(_ field: FieldDecl) throws -> JSONValue {
        let described: (JSONValue) -> JSONValue = { value in
            guard !field.doc.isEmpty, case .object(let members) = value, members.first?.0 != "$ref" else { return value }
            return .object(members + [("description", .string(field.doc))])
        }
        switch (field.label, field.type) {
        case (_, .map(_, let valueType)):
            return described(.object([("type", .string("object")), ("additionalProperties", try typeSchema(valueType))]))
        case (.repeated, let type):
            return described(.object([("type", .string("array")), ("items", try typeSchema(type))]))
        case (_, let type):
            return described(try typeSchema(type))
        }
    }

    /// A query parameter's schema: scalars, enums and repeated ones; nil for what a query string
    /// cannot carry (messages and maps).
    mutating func queryParameterSchema(_ field: FieldDecl) throws -> JSONValue? {
        switch field.type {
        case .scalar, .enumeration: return try fieldSchema(field)
        default: return nil
        }
    }

    private mutating func typeSchema(_ type: FieldType) throws -> JSONValue {
        switch type {
        case .scalar(let scalar):
            return Self.scalarSchema(scalar)
        case .enumeration(let name):
            let names = schema.enums[name]?.values.map { JSONValue.string($0.name) } ?? []
            return .object([("type", .string("string")), ("enum", .array(names))])
        case .message(let name):
            return try reference(name)
        case .map, .unresolved:
            throw TranscodingError("field type \(type) has no OpenAPI schema")
        }
    }

    static func scalarSchema(_ scalar: ScalarType) -> JSONValue {
        func typed(_ type: String, _ format: String? = nil) -> JSONValue {
            .object([("type", .string(type))] + (format.map { [("format", JSONValue.string($0))] } ?? []))
        }
        switch scalar {
        case .int32, .sint32, .sfixed32: return typed("integer", "int32")
        case .uint32, .fixed32: return typed("integer", "int64")
        case .int64, .sint64, .sfixed64: return typed("string", "int64")  // 64-bit integers are JSON strings
        case .uint64, .fixed64: return typed("string", "uint64")
        case .float: return typed("number", "float")
        case .double: return typed("number", "double")
        case .bool: return typed("boolean")
        case .string: return typed("string")
        case .bytes: return typed("string", "byte")
        }
    }

    /// The well-known types' JSON forms.
    static let wellKnown: [String: JSONValue] = [
        "google.protobuf.Timestamp": .object([("type", .string("string")), ("format", .string("date-time"))]),
        "google.protobuf.Duration": .object([("type", .string("string")), ("example", .string("1.5s"))]),
        "google.protobuf.Empty": .object([("type", .string("object"))]),
        "google.protobuf.Struct": .object([("type", .string("object")), ("additionalProperties", .object([]))]),
        "google.protobuf.Value": .object([]),
        "google.protobuf.ListValue": .object([("type", .string("array")), ("items", .object([]))]),
        "google.protobuf.DoubleValue": scalarSchema(.double),
        "google.protobuf.FloatValue": scalarSchema(.float),
        "google.protobuf.Int64Value": scalarSchema(.int64),
        "google.protobuf.UInt64Value": scalarSchema(.uint64),
        "google.protobuf.Int32Value": scalarSchema(.int32),
        "google.protobuf.UInt32Value": scalarSchema(.uint32),
        "google.protobuf.BoolValue": scalarSchema(.bool),
        "google.protobuf.StringValue": scalarSchema(.string),
        "google.protobuf.BytesValue": scalarSchema(.bytes),
    ]
}
