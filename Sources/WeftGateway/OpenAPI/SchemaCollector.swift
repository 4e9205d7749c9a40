import WeftMessages
import WeftSchema

/// OpenAPI schemas for messages and enums in proto3 JSON terms, collected as operations
/// reference them (each type once, as a component every use refers to; recursion allowed). A
/// message's schema allows no other members, and says that no two members of one oneof may be
/// set: the gateway's transcoder refuses both (400, naming the field).
struct SchemaCollector {
    let schema: DynamicSchema
    let names: ComponentNames
    private(set) var collected: [(String, JSONValue)] = []
    /// Whether a float field was described (its schema refers to `NonFiniteNumber`).
    private(set) var usesNonFiniteNumbers = false
    private var started: Set<String> = []

    /// A collector for the types of `files` (a checked compilation's files).
    init(files: [ProtoFile]) {
        self.schema = DynamicSchema(files: files)
        self.names = ComponentNames(files: files)
    }

    /// A message's schema: the well-known types inline, others a `$ref` to a component.
    mutating func reference(_ fullName: String) throws -> JSONValue {
        if let inline = Self.wellKnown[fullName] { return inline }
        let name = names.name(of: fullName)
        if !started.contains(fullName) {
            started.insert(fullName)
            let message = try schema.message(fullName)
            let slot = collected.count
            collected.append((name, .null))
            var properties: [(String, JSONValue)] = []
            for field in message.fields { properties.append((field.jsonName, try fieldSchema(field))) }
            let oneofs = Self.oneofMembers(message)
            var description = message.doc
            for (name, fields) in oneofs {
                description += (description.isEmpty ? "" : "\n\n")
                    + "At most one of " + fields.map { "`\($0)`" }.joined(separator: ", ") + " (oneof `\(name)`)."
            }
            var members: [(String, JSONValue)] = [("type", .string("object"))]
            if !description.isEmpty { members.append(("description", .string(description))) }
            members.append(("properties", .object(properties)))
            members.append(("additionalProperties", .bool(false)))
            if !oneofs.isEmpty {
                members.append(("x-weft-oneofs", .object(oneofs.map { ($0.name, .array($0.fields.map(JSONValue.string))) })))
            }
            collected[slot].1 = .object(members)
        }
        return Self.componentReference(name)
    }

    /// An enum's schema: a `$ref` to a component listing its names.
    private mutating func enumReference(_ fullName: String) -> JSONValue {
        let name = names.name(of: fullName)
        if !started.contains(fullName) {
            started.insert(fullName)
            let enumDecl = schema.enums[fullName]
            var members: [(String, JSONValue)] = [
                ("type", .string("string")), ("enum", .array(enumDecl?.values.map { .string($0.name) } ?? [])),
            ]
            if let doc = enumDecl?.doc, !doc.isEmpty { members.append(("description", .string(doc))) }
            collected.append((name, .object(members)))
        }
        return Self.componentReference(name)
    }

    static func componentReference(_ name: String) -> JSONValue {
        .object([("$ref", .string("#/components/schemas/\(name)"))])
    }

    /// The oneofs of `message` with two members or more, by name, their members' JSON names: an
    /// object may set at most one of each (the transcoder refuses two, naming the oneof). Said
    /// in the description and the extension `x-weft-oneofs`, not as a `not` schema:
    /// swift-openapi-generator drops a schema with `not`, and every type that uses it.
    private static func oneofMembers(_ message: MessageDecl) -> [(name: String, fields: [String])] {
        message.oneofs.indices.compactMap { index in
            let fields = message.fields.filter { $0.oneofIndex == index }.map(\.jsonName)
            return fields.count < 2 ? nil : (message.oneofs[index].name, fields)
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

    /// A query parameter's schema: scalars, enums, well-known types with a text form, and
    /// repeated ones; nil for what a query string cannot carry (other messages and maps).
    mutating func queryParameterSchema(_ field: FieldDecl) throws -> JSONValue? {
        field.type.isSettableFromText ? try fieldSchema(field) : nil
    }

    private mutating func typeSchema(_ type: FieldType) throws -> JSONValue {
        switch type {
        case .scalar(let scalar):
            if scalar == .float || scalar == .double { usesNonFiniteNumbers = true }
            return Self.scalarSchema(scalar)
        case .enumeration(let name):
            return enumReference(name)
        case .message(let name):
            return try reference(name)
        case .map, .unresolved:
            throw TranscodingError("field type \(type) has no OpenAPI schema")
        }
    }
}
