/// A position in a schema source file, 1-based.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file path as given on the command line or resolved through an include path.
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One `.proto` file after parsing (and, once checked, with every type reference resolved).
public struct ProtoFile: Sendable {
    /// The path relative to its include root, e.g. `google/protobuf/timestamp.proto`.
    public var path: String
    /// `proto3` (the only syntax Weft accepts).
    public var syntax: String
    /// The dotted package name, empty when the file declares none.
    public var package: String
    public var imports: [Import]
    public var options: [OptionAssignment]
    public var messages: [MessageDecl]
    public var enums: [EnumDecl]
    public var services: [ServiceDecl]
    /// File-level `extend` blocks (custom options, e.g. `google.api.http`).
    public var extensions: [ExtendDecl]
    /// The comment above `syntax`, kept for the generated file header.
    public var doc: String

    public init(path: String) {
        self.path = path
        self.syntax = "proto3"
        self.package = ""
        self.imports = []
        self.options = []
        self.messages = []
        self.enums = []
        self.services = []
        self.extensions = []
        self.doc = ""
    }
}

/// An `import` statement.
public struct Import: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case normal, `public`, weak }
    public var path: String
    public var kind: Kind
    public var location: SourceLocation

    public init(path: String, kind: Kind, location: SourceLocation) {
        self.path = path
        self.kind = kind
        self.location = location
    }
}

/// `option name = value;` or a bracketed field option. Unknown options are kept, not errors.
public struct OptionAssignment: Sendable, Hashable {
    /// The option name as written, parentheses included: `packed`, `(google.api.http)`,
    /// `(my.ext).sub.field`.
    public var name: String
    public var value: OptionValue
    public var location: SourceLocation

    public init(name: String, value: OptionValue, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}

/// A constant in an option: a scalar or a text-format aggregate `{ key: value ... }`.
public indirect enum OptionValue: Sendable, Hashable {
    case identifier(String)
    case string(String)
    case integer(Int64)
    case unsignedInteger(UInt64)
    case float(Double)
    case bool(Bool)
    /// Entries keep their order; a repeated key appears once per occurrence (`[a, b]` lists are
    /// flattened into repeated entries).
    case aggregate([(key: String, value: OptionValue)])

    public static func == (lhs: OptionValue, rhs: OptionValue) -> Bool {
        switch (lhs, rhs) {
        case let (.identifier(a), .identifier(b)), let (.string(a), .string(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.unsignedInteger(a), .unsignedInteger(b)): return a == b
        case let (.float(a), .float(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case let (.aggregate(a), .aggregate(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .identifier(let v), .string(let v): hasher.combine(v)
        case .integer(let v): hasher.combine(v)
        case .unsignedInteger(let v): hasher.combine(v)
        case .float(let v): hasher.combine(v)
        case .bool(let v): hasher.combine(v)
        case .aggregate(let entries):
            for entry in entries {
                hasher.combine(entry.key)
                hasher.combine(entry.value)
            }
        }
    }
}

/// The protobuf scalar types.
public enum ScalarType: String, Sendable, Hashable, CaseIterable {
    case double, float, int32, int64, uint32, uint64, sint32, sint64
    case fixed32, fixed64, sfixed32, sfixed64, bool, string, bytes
}

/// A field's type. The parser produces `.unresolved` for every named type; the checker
/// replaces each with `.message` or `.enumeration` carrying the fully-qualified name
/// (no leading dot).
public indirect enum FieldType: Sendable, Hashable {
    case scalar(ScalarType)
    case message(String)
    case enumeration(String)
    case map(key: ScalarType, value: FieldType)
    /// The type name exactly as written (may start with `.`).
    case unresolved(String)
}

/// How many values a field holds and whether presence is tracked.
public enum FieldLabel: Sendable, Hashable {
    /// proto3 implicit presence (messages still track presence).
    case singular
    /// proto3 `optional`: explicit presence.
    case optional
    case repeated
}

/// A field of a message.
public struct FieldDecl: Sendable, Hashable {
    /// The name as written (snake_case usually).
    public var name: String
    public var number: Int32
    public var label: FieldLabel
    public var type: FieldType
    /// The JSON name: the `json_name` option when given, else protoc's lowerCamelCase of `name`.
    public var jsonName: String
    /// Index into `MessageDecl.oneofs` when the field belongs to a (non-synthetic) oneof.
    public var oneofIndex: Int?
    public var options: [OptionAssignment]
    public var doc: String
    public var location: SourceLocation

    public init(
        name: String, number: Int32, label: FieldLabel, type: FieldType, jsonName: String,
        oneofIndex: Int? = nil, options: [OptionAssignment] = [], doc: String = "",
        location: SourceLocation
    ) {
        self.name = name
        self.number = number
        self.label = label
        self.type = type
        self.jsonName = jsonName
        self.oneofIndex = oneofIndex
        self.options = options
        self.doc = doc
        self.location = location
    }

    /// Whether a repeated scalar/enum field is written packed (proto3 default unless
    /// `[packed = false]`).
    public var isPacked: Bool {
        guard label == .repeated else { return false }
        switch type {
        case .scalar(let scalar) where scalar != .string && scalar != .bytes: break
        case .enumeration: break
        default: return false
        }
        for option in options where option.name == "packed" {
            if case .bool(let value) = option.value { return value }
        }
        return true
    }
}

/// A `oneof` group.
public struct OneofDecl: Sendable, Hashable {
    public var name: String
    public var options: [OptionAssignment]
    public var doc: String
    public var location: SourceLocation

    public init(name: String, options: [OptionAssignment] = [], doc: String = "", location: SourceLocation) {
        self.name = name
        self.options = options
        self.doc = doc
        self.location = location
    }
}

/// `reserved 2, 15, 9 to 11;` or `reserved "foo", "bar";`.
public struct ReservedRange: Sendable, Hashable {
    /// Inclusive bounds; `max` is 536870911 for `to max`.
    public var lower: Int32
    public var upper: Int32
    public var location: SourceLocation

    public init(lower: Int32, upper: Int32, location: SourceLocation) {
        self.lower = lower
        self.upper = upper
        self.location = location
    }
}

/// A message type.
public struct MessageDecl: Sendable, Hashable {
    public var name: String
    /// Package-qualified dotted name without a leading dot, e.g. `weft.interop.v1.KitchenSink.Inner`.
    public var fullName: String
    /// Fields in declaration order (oneof members included, in place).
    public var fields: [FieldDecl]
    public var oneofs: [OneofDecl]
    public var messages: [MessageDecl]
    public var enums: [EnumDecl]
    /// `extend` blocks nested in this message.
    public var extensions: [ExtendDecl]
    public var reservedRanges: [ReservedRange]
    public var reservedNames: [String]
    public var options: [OptionAssignment]
    public var doc: String
    public var location: SourceLocation

    public init(name: String, fullName: String, location: SourceLocation) {
        self.name = name
        self.fullName = fullName
        self.fields = []
        self.oneofs = []
        self.messages = []
        self.enums = []
        self.extensions = []
        self.reservedRanges = []
        self.reservedNames = []
        self.options = []
        self.doc = ""
        self.location = location
    }
}

/// An enum value.
public struct EnumValueDecl: Sendable, Hashable {
    public var name: String
    public var number: Int32
    public var options: [OptionAssignment]
    /// `(weft.api.error_code)`: the gRPC code name a reason of an error enum is sent with.
    public var errorCode: String?
    public var doc: String
    public var location: SourceLocation

    public init(name: String, number: Int32, options: [OptionAssignment] = [], doc: String = "", location: SourceLocation) {
        self.name = name
        self.number = number
        self.options = options
        self.doc = doc
        self.location = location
    }
}

/// An enum type.
public struct EnumDecl: Sendable, Hashable {
    public var name: String
    public var fullName: String
    public var values: [EnumValueDecl]
    public var reservedRanges: [ReservedRange]
    public var reservedNames: [String]
    public var options: [OptionAssignment]
    public var doc: String
    public var location: SourceLocation
    /// `(weft.api.error_domain)`: set when the enum lists a service's error reasons.
    public var errorDomain: String?

    public init(name: String, fullName: String, location: SourceLocation) {
        self.name = name
        self.fullName = fullName
        self.values = []
        self.reservedRanges = []
        self.reservedNames = []
        self.options = []
        self.doc = ""
        self.location = location
    }

    /// Whether `option allow_alias = true;` is set.
    public var allowsAlias: Bool {
        options.contains { $0.name == "allow_alias" && $0.value == .bool(true) }
    }
}

/// A `service` block.
public struct ServiceDecl: Sendable, Hashable {
    public var name: String
    public var fullName: String
    public var methods: [MethodDecl]
    public var options: [OptionAssignment]
    public var doc: String
    public var location: SourceLocation

    public init(name: String, fullName: String, location: SourceLocation) {
        self.name = name
        self.fullName = fullName
        self.methods = []
        self.options = []
        self.doc = ""
        self.location = location
    }
}

/// `rpc Name(stream In) returns (stream Out) { options }`.
public struct MethodDecl: Sendable, Hashable {
    public var name: String
    /// Fully-qualified message names once checked (as written before).
    public var inputType: String
    public var outputType: String
    public var clientStreaming: Bool
    public var serverStreaming: Bool
    public var options: [OptionAssignment]
    /// The `google.api.http` rule, filled by the checker from `options`.
    public var httpRule: HttpRule?
    public var idempotency: IdempotencyLevel
    public var doc: String
    public var location: SourceLocation

    public init(
        name: String, inputType: String, outputType: String, clientStreaming: Bool,
        serverStreaming: Bool, location: SourceLocation
    ) {
        self.name = name
        self.inputType = inputType
        self.outputType = outputType
        self.clientStreaming = clientStreaming
        self.serverStreaming = serverStreaming
        self.options = []
        self.httpRule = nil
        self.idempotency = .unknown
        self.doc = ""
        self.location = location
    }
}

/// `google.protobuf.MethodOptions.idempotency_level`.
public enum IdempotencyLevel: String, Sendable, Hashable {
    case unknown = "IDEMPOTENCY_UNKNOWN"
    case noSideEffects = "NO_SIDE_EFFECTS"
    case idempotent = "IDEMPOTENT"
}

/// A `google.api.HttpRule`.
public struct HttpRule: Sendable, Hashable {
    /// `GET`, `PUT`, `POST`, `DELETE`, `PATCH`, or the custom verb.
    public var method: String
    /// The path template, e.g. `/v1/{name=shelves/*}/books`.
    public var path: String
    /// `""` (no body), `"*"` or a field name.
    public var body: String
    public var responseBody: String
    public var additionalBindings: [HttpRule]

    public init(method: String, path: String, body: String = "", responseBody: String = "", additionalBindings: [HttpRule] = []) {
        self.method = method
        self.path = path
        self.body = body
        self.responseBody = responseBody
        self.additionalBindings = additionalBindings
    }
}
