import WeftMessages
import WeftSchema

/// The OpenAPI schemas of proto3 JSON's scalars and well-known types.
///
/// Each schema describes the canonical spelling of every value the type holds: what the gateway
/// writes, and what a client should send. The gateway's reader also takes proto3 JSON's other
/// spellings of the same values (a 64-bit integer as a bare number, a 32-bit one or a float in
/// quotes, `1e2` for 100, an enum by number, a field by its proto name, `null` for a default);
/// the document leaves those out so generated clients keep one simple type per field.
extension SchemaCollector {
    /// A scalar's schema.
    ///
    /// 64-bit integers are JSON strings of decimal digits (no leading zeros: the reader refuses
    /// `007`). They are written as strings with a pattern, not as `oneOf` string-or-integer:
    /// clients generated from a `oneOf` of primitives get wrapper or union types for every such
    /// field (openapi-generator's Java and Python), and a JavaScript number loses precision
    /// past 2^53, while a string is exactly what the gateway answers with. Schemathesis
    /// generates strings matching the pattern, which the gateway takes.
    ///
    /// Floats are numbers, or the strings `NaN`, `Infinity` and `-Infinity`: those values have
    /// no other spelling, so they are part of the type (and the gateway writes them so).
    static func scalarSchema(_ scalar: ScalarType) -> JSONValue {
        switch scalar {
        case .int32, .sint32, .sfixed32: integer("int32", minimum: "-2147483648", maximum: "2147483647")
        case .uint32, .fixed32: integer("int64", minimum: "0", maximum: "4294967295")
        case .int64, .sint64, .sfixed64: decimalString("int64", pattern: "^-?(0|[1-9][0-9]*)$")
        case .uint64, .fixed64: decimalString("uint64", pattern: "^(0|[1-9][0-9]*)$")
        case .float: floatingPoint("float")
        case .double: floatingPoint("double")
        case .bool: .object([("type", .string("boolean"))])
        case .string: .object([("type", .string("string"))])
        case .bytes: .object([("type", .string("string")), ("format", .string("byte"))])
        }
    }

    private static func integer(_ format: String, minimum: String, maximum: String) -> JSONValue {
        .object([
            ("type", .string("integer")), ("format", .string(format)),
            ("minimum", .number(minimum)), ("maximum", .number(maximum)),
        ])
    }

    private static func decimalString(_ format: String, pattern: String) -> JSONValue {
        .object([("type", .string("string")), ("format", .string(format)), ("pattern", .string(pattern))])
    }

    private static func floatingPoint(_ format: String) -> JSONValue {
        .object([("oneOf", .array([
            .object([("type", .string("number")), ("format", .string(format))]),
            componentReference(ComponentNames.nonFiniteNumber),
        ]))])
    }

    /// The strings a float takes for the values a JSON number cannot spell, as one component
    /// (inline, generators would make one enum type per float field).
    static let nonFiniteNumberSchema: JSONValue = .object([
        ("type", .string("string")), ("enum", .array(["NaN", "Infinity", "-Infinity"].map(JSONValue.string))),
        ("x-enum-varnames", .array(["NAN", "INFINITY", "NEGATIVE_INFINITY"].map(JSONValue.string))),
    ])

    /// The well-known types' JSON forms.
    static let wellKnown: [String: JSONValue] = [
        "google.protobuf.Timestamp": .object([("type", .string("string")), ("format", .string("date-time"))]),
        "google.protobuf.Duration": .object([
            ("type", .string("string")), ("pattern", .string(#"^-?[0-9]+(\.[0-9]{1,9})?s$"#)), ("example", .string("1.5s")),
        ]),
        "google.protobuf.FieldMask": .object([
            ("type", .string("string")), ("description", .string("Field paths in lowerCamelCase, joined by commas.")),
            ("example", .string("title,price.minorUnits")),
        ]),
        "google.protobuf.Any": .object([
            ("type", .string("object")), ("description", .string("A message of the type its \"@type\" URL names, with its members.")),
            ("properties", .object([("@type", .object([("type", .string("string"))]))])), ("required", .array([.string("@type")])),
            ("additionalProperties", .object([])),
        ]),
        "google.protobuf.Empty": .object([("type", .string("object")), ("additionalProperties", .bool(false))]),
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
