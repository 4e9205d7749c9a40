import WeftSchema

/// How each protobuf scalar type appears in Swift and on the wire.
extension ScalarType {
    /// The Swift type of a field of this scalar type.
    var swiftType: String {
        switch self {
        case .double: "Double"
        case .float: "Float"
        case .int32, .sint32, .sfixed32: "Int32"
        case .int64, .sint64, .sfixed64: "Int64"
        case .uint32, .fixed32: "UInt32"
        case .uint64, .fixed64: "UInt64"
        case .bool: "Bool"
        case .string: "String"
        case .bytes: "Data"
        }
    }

    /// The Swift type of a map key of this scalar type: string keys are `ProtoString`s, which
    /// compare by their UTF-8 bytes as protobuf does (`String` equality would merge canonically
    /// equivalent keys).
    var mapKeySwiftType: String {
        self == .string ? "ProtoString" : swiftType
    }

    /// The expression that makes a map key of `value`, a Swift value of `swiftType`.
    func mapKey(_ value: String) -> String {
        self == .string ? "ProtoString(\(value))" : value
    }

    /// The expression that reads a map key (of `mapKeySwiftType`) as a value of `swiftType`.
    func mapKeyValue(_ key: String) -> String {
        self == .string ? "\(key).string" : key
    }

    /// The proto3 default as a Swift expression.
    var defaultValue: String {
        switch self {
        case .bool: "false"
        case .string: "\"\""
        case .bytes: "Data()"
        default: "0"
        }
    }

    /// The suffix of the runtime's `WireWriter.writeX` / `WireReader.readX` methods.
    var wireMethodSuffix: String {
        switch self {
        case .double: "Double"
        case .float: "Float"
        case .int32: "Int32"
        case .int64: "Int64"
        case .uint32: "UInt32"
        case .uint64: "UInt64"
        case .sint32: "SInt32"
        case .sint64: "SInt64"
        case .fixed32: "Fixed32"
        case .fixed64: "Fixed64"
        case .sfixed32: "SFixed32"
        case .sfixed64: "SFixed64"
        case .bool: "Bool"
        case .string: "String"
        case .bytes: "Bytes"
        }
    }

    /// The suffix of the runtime's `JSONWriter.writeX` / `JSONReader.readX` methods: the JSON
    /// mapping depends only on the Swift type.
    var jsonMethodSuffix: String {
        switch self {
        case .bytes: "Bytes"
        default: swiftType
        }
    }

    /// The protobuf wire type: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit.
    var wireType: UInt32 {
        switch self {
        case .double, .fixed64, .sfixed64: 1
        case .float, .fixed32, .sfixed32: 5
        case .string, .bytes: 2
        default: 0
        }
    }

    /// The encoded size of one value when it is fixed, for packed lengths known up front.
    var fixedSize: Int? {
        switch wireType {
        case 1: 8
        case 5: 4
        default: nil
        }
    }

    /// A Swift condition that is true when `value` differs from the proto3 default (the field
    /// is then written). Floating-point zero is compared by bit pattern, so -0.0 is written.
    func isNotDefault(_ value: String) -> String {
        switch self {
        case .bool: value
        case .string, .bytes: "!\(value).isEmpty"
        case .float, .double: "\(value).bitPattern != 0"
        default: "\(value) != 0"
        }
    }
}
