/// Encodes a checked schema file as a serialized `google.protobuf.FileDescriptorProto`, the form
/// protoc writes with `--descriptor_set_out` (json_name filled, no source info) and gRPC
/// reflection serves.
///
/// Built-in options and `google.api.http` are encoded; other custom options are left out
/// (their values would need the extension's type at runtime), so an element whose only options
/// are custom ones has none.
public enum FileDescriptorEncoder {
    /// The serialized `FileDescriptorProto` of `file`, which must have passed the checker.
    public static func encode(_ file: ProtoFile) -> [UInt8] {
        var out = ProtoEncoder()
        out.string(1, file.path)
        if !file.package.isEmpty { out.string(2, file.package) }
        for dependency in file.imports { out.string(3, dependency.path) }
        for message in file.messages { out.message(4) { encode(message, into: &$0) } }
        for enumeration in file.enums { out.message(5) { encode(enumeration, into: &$0) } }
        for service in file.services { out.message(6) { encode(service, into: &$0) } }
        for extend in file.extensions {
            for field in extend.fields { out.message(7) { encode(field, in: file.package, extendee: extend.extendee, into: &$0) } }
        }
        out.messageIfNotEmpty(8) { BuiltInOptions.encode(file.options, using: BuiltInOptions.file, into: &$0) }
        for (index, dependency) in file.imports.enumerated() where dependency.kind == .public { out.int32(10, Int32(index)) }
        for (index, dependency) in file.imports.enumerated() where dependency.kind == .weak { out.int32(11, Int32(index)) }
        out.string(12, file.syntax)
        return out.bytes
    }

    /// A serialized `FileDescriptorSet` (`repeated FileDescriptorProto file = 1`) of `files`.
    public static func encodeSet(_ files: [ProtoFile]) -> [UInt8] {
        var out = ProtoEncoder()
        for file in files { out.bytes(1, encode(file)) }
        return out.bytes
    }

    // MARK: Messages

    private static func encode(_ message: MessageDecl, into out: inout ProtoEncoder) {
        out.string(1, message.name)
        let syntheticOneofs = message.fields.filter { $0.label == .optional }.map(\.name)
        var nextSynthetic = message.oneofs.count
        for field in message.fields {
            var syntheticIndex: Int?
            if field.label == .optional {
                syntheticIndex = nextSynthetic
                nextSynthetic += 1
            }
            out.message(2) { encode(field, in: message.fullName, extendee: nil, syntheticOneof: syntheticIndex, into: &$0) }
        }
        for nested in nestedTypesInSourceOrder(of: message) {
            switch nested {
            case .message(let decl): out.message(3) { encode(decl, into: &$0) }
            case .mapEntry(let field, let key, let value): out.message(3) { encodeMapEntry(of: field, key: key, value: value, into: &$0) }
            }
        }
        for enumeration in message.enums { out.message(4) { encode(enumeration, into: &$0) } }
        for extend in message.extensions {
            for field in extend.fields { out.message(6) { encode(field, in: message.fullName, extendee: extend.extendee, into: &$0) } }
        }
        out.messageIfNotEmpty(7) { BuiltInOptions.encode(message.options, using: BuiltInOptions.message, into: &$0) }
        for oneof in message.oneofs {
            out.message(8) { out in
                out.string(1, oneof.name)
                out.messageIfNotEmpty(2) { BuiltInOptions.encode(oneof.options, using: BuiltInOptions.oneof, into: &$0) }
            }
        }
        for name in syntheticOneofs { out.message(8) { $0.string(1, "_" + name) } }
        for range in message.reservedRanges {
            // DescriptorProto.ReservedRange's end is exclusive.
            out.message(9) { out in
                out.int32(1, range.lower)
                out.int32(2, range.upper + 1)
            }
        }
        for name in message.reservedNames { out.string(10, name) }
    }

    private enum NestedType {
        case message(MessageDecl)
        case mapEntry(FieldDecl, key: ScalarType, value: FieldType)
    }

    /// Nested messages and the entry messages protoc synthesizes for map fields, in the order
    /// protoc adds them: as each declaration appears in the source.
    private static func nestedTypesInSourceOrder(of message: MessageDecl) -> [NestedType] {
        var nested: [(location: SourceLocation, type: NestedType)] = message.messages.map { ($0.location, .message($0)) }
        for field in message.fields {
            if case .map(let key, let value) = field.type { nested.append((field.location, .mapEntry(field, key: key, value: value))) }
        }
        return nested.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }.map(\.type)
    }

    private static func encodeMapEntry(of field: FieldDecl, key: ScalarType, value: FieldType, into out: inout ProtoEncoder) {
        out.string(1, NamingRules.mapEntryName(of: field.name))
        out.message(2) { encodeField(name: "key", number: 1, label: 1, type: .scalar(key), jsonName: "key", into: &$0) }
        out.message(2) { encodeField(name: "value", number: 2, label: 1, type: value, jsonName: "value", into: &$0) }
        out.message(7) { $0.bool(7, true) }
    }

    // MARK: Fields

    /// `scope` is the message declaring the field (where a map field's entry type is nested).
    private static func encode(
        _ field: FieldDecl, in scope: String, extendee: String?, syntheticOneof: Int? = nil, into out: inout ProtoEncoder
    ) {
        let label: Int32
        switch field.type {
        case .map: label = 3
        default: label = field.label == .repeated ? 3 : 1
        }
        encodeField(
            name: field.name, number: field.number, label: label, type: field.type, scope: scope, jsonName: field.jsonName,
            extendee: extendee, options: field.options, oneofIndex: field.oneofIndex ?? syntheticOneof,
            proto3Optional: field.label == .optional, into: &out)
    }

    /// A `FieldDescriptorProto`; `label` is 1 (optional) or 3 (repeated), as protoc writes proto3.
    private static func encodeField(
        name: String, number: Int32, label: Int32, type: FieldType, scope: String = "", jsonName: String, extendee: String? = nil,
        options: [OptionAssignment] = [], oneofIndex: Int? = nil, proto3Optional: Bool = false,
        into out: inout ProtoEncoder
    ) {
        out.string(1, name)
        if let extendee { out.string(2, "." + extendee) }
        out.int32(3, number)
        out.int32(4, label)
        let (typeNumber, typeName) = wireType(of: type, fieldName: name, scope: scope)
        out.int32(5, typeNumber)
        if let typeName { out.string(6, typeName) }
        out.messageIfNotEmpty(8) { BuiltInOptions.encode(options, using: BuiltInOptions.field, into: &$0) }
        if let oneofIndex { out.int32(9, Int32(oneofIndex)) }
        out.string(10, jsonName)
        if proto3Optional { out.bool(17, true) }
    }

    /// `FieldDescriptorProto.Type` and, for messages, enums and maps, the referenced type name.
    private static func wireType(of type: FieldType, fieldName: String, scope: String) -> (Int32, String?) {
        switch type {
        case .scalar(let scalar): return (scalarTypeNumber(scalar), nil)
        case .message(let name): return (11, "." + name)
        case .enumeration(let name): return (14, "." + name)
        case .map: return (11, "." + NamingRules.qualified(NamingRules.mapEntryName(of: fieldName), in: scope))
        case .unresolved(let name): return (11, name.hasPrefix(".") ? name : "." + name)
        }
    }

    private static func scalarTypeNumber(_ scalar: ScalarType) -> Int32 {
        switch scalar {
        case .double: 1
        case .float: 2
        case .int64: 3
        case .uint64: 4
        case .int32: 5
        case .fixed64: 6
        case .fixed32: 7
        case .bool: 8
        case .string: 9
        case .bytes: 12
        case .uint32: 13
        case .sfixed32: 15
        case .sfixed64: 16
        case .sint32: 17
        case .sint64: 18
        }
    }

    // MARK: Enums and services

    private static func encode(_ enumeration: EnumDecl, into out: inout ProtoEncoder) {
        out.string(1, enumeration.name)
        for value in enumeration.values {
            out.message(2) { out in
                out.string(1, value.name)
                out.int32(2, value.number)
                out.messageIfNotEmpty(3) { BuiltInOptions.encode(value.options, using: BuiltInOptions.enumValue, into: &$0) }
            }
        }
        out.messageIfNotEmpty(3) { BuiltInOptions.encode(enumeration.options, using: BuiltInOptions.enumeration, into: &$0) }
        for range in enumeration.reservedRanges {
            // EnumDescriptorProto.EnumReservedRange's end is inclusive.
            out.message(4) { out in
                out.int32(1, range.lower)
                out.int32(2, range.upper)
            }
        }
        for name in enumeration.reservedNames { out.string(5, name) }
    }

    private static func encode(_ service: ServiceDecl, into out: inout ProtoEncoder) {
        out.string(1, service.name)
        for method in service.methods {
            out.message(2) { out in
                out.string(1, method.name)
                out.string(2, "." + method.inputType)
                out.string(3, "." + method.outputType)
                out.messageIfNotEmpty(4) { encodeOptions(of: method, into: &$0) }
                if method.clientStreaming { out.bool(5, true) }
                if method.serverStreaming { out.bool(6, true) }
            }
        }
        out.messageIfNotEmpty(3) { BuiltInOptions.encode(service.options, using: BuiltInOptions.service, into: &$0) }
    }

    /// `deprecated`, `idempotency_level` and the `google.api.http` extension (field 72295728).
    private static func encodeOptions(of method: MethodDecl, into out: inout ProtoEncoder) {
        BuiltInOptions.encode(method.options, using: BuiltInOptions.method, into: &out)
        if method.options.contains(where: { $0.name == "idempotency_level" }) {
            let level: Int32 = switch method.idempotency {
            case .unknown: 0
            case .noSideEffects: 1
            case .idempotent: 2
            }
            out.int32(34, level)
        }
        if let rule = method.httpRule { out.message(72_295_728) { encode(rule, into: &$0) } }
    }

    private static let namedHTTPMethods = ["GET": 2, "PUT": 3, "POST": 4, "DELETE": 5, "PATCH": 6]

    private static func encode(_ rule: HttpRule, into out: inout ProtoEncoder) {
        if let field = namedHTTPMethods[rule.method] { out.string(field, rule.path) }
        if !rule.body.isEmpty { out.string(7, rule.body) }
        if namedHTTPMethods[rule.method] == nil {
            out.message(8) { out in
                out.string(1, rule.method)
                out.string(2, rule.path)
            }
        }
        for binding in rule.additionalBindings { out.message(11) { encode(binding, into: &$0) } }
        if !rule.responseBody.isEmpty { out.string(12, rule.responseBody) }
    }
}
