/// A generated protobuf enum. Unknown numbers are kept (`.unrecognized(n)` in generated code).
public protocol WeftEnum: Sendable, Hashable, CaseIterable, Codable {
    /// Creates the value for `rawValue`; numbers the schema does not declare are kept as unrecognized.
    init(rawValue: Int32)
    /// The value's number.
    var rawValue: Int32 { get }
    /// The proto name of this value (`STATUS_DRAFT`), nil for an unrecognized number.
    var protoName: String? { get }
    /// The value whose proto name is `protoName`, nil when the name is unknown.
    init?(protoName: String)
    /// The enum's descriptor (full proto name, values).
    static var descriptor: EnumDescriptor { get }
}

/// `Codable` for enums: the proto name as a string (the number when unrecognized); decodes from
/// either a name or an integer.
extension WeftEnum {
    /// Encodes the proto name, or the number when the value is unrecognized.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let name = protoName {
            try container.encode(name)
        } else {
            try container.encode(rawValue)
        }
    }

    /// Decodes from a proto name string or an integer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int32.self) {
            self.init(rawValue: number)
            return
        }
        let name = try container.decode(String.self)
        guard let value = Self(protoName: name) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown enum value name \"\(name)\"")
        }
        self = value
    }
}
