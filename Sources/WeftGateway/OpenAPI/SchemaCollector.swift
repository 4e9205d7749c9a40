import WeftMessages
import WeftSchema

/// OpenAPI schemas for messages in proto3 JSON terms, collected as operations reference them
/// (each message once, recursion allowed). A message's schema allows no other members, and no
/// two members of one oneof: the gateway's transcoder refuses both (400, naming the field).
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
            members.append(("additionalProperties", .bool(false)))
            if let exclusive = Self.oneofExclusion(message) { members.append(("not", exclusive)) }
            collected[slot].1 = .object(members)
        }
        return .object([("$ref", .string("#/components/schemas/\(fullName)"))])
    }

    /// What no object of `message` may be: one with two members of one oneof, which the
    /// transcoder refuses (any two of them present); nil without a oneof of two members or more.
    private static func oneofExclusion(_ message: MessageDecl) -> JSONValue? {
        var pairs: [JSONValue] = []
        for index in message.oneofs.indices {
            let names = message.fields.filter { $0.oneofIndex == index }.map(\.jsonName)
            for (position, first) in names.enumerated() {
                for second in names[(position + 1)...] {
                    pairs.append(.object([("required", .array([.string(first), .string(second)]))]))
                }
            }
        }
        switch pairs.count {
        case 0: return nil
        case 1: return pairs[0]
        default: return .object([("anyOf", .array(pairs))])
        }
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
}
