/// Describes a generated message: its full proto name and its fields.
///
/// Generated code carries one as a `static let`; the runtime uses it to name fields in errors.
public struct MessageDescriptor: Sendable {
    /// Fully qualified proto name, e.g. `weft.bench.v1.Order`.
    public let fullName: String
    /// The message's fields in declaration order.
    public let fields: [FieldDescriptor]

    /// Creates a descriptor.
    public init(fullName: String, fields: [FieldDescriptor]) {
        self.fullName = fullName
        self.fields = fields
    }

    /// The message name without its package or enclosing messages, e.g. `Order`.
    public var name: String {
        fullName.split(separator: ".").last.map(String.init) ?? fullName
    }

    /// The field with proto number `number`, if the message declares one.
    public func field(number: Int32) -> FieldDescriptor? {
        fields.first { $0.number == number }
    }

    /// The proto name of field `number`, or the number as text when the message has no such field.
    public func fieldName(number: Int32) -> String {
        field(number: number)?.name ?? String(number)
    }
}

/// Describes one field of a message.
public struct FieldDescriptor: Sendable {
    /// The field number.
    public let number: Int32
    /// The proto field name, e.g. `unit_price_cents`.
    public let name: String
    /// The JSON name, e.g. `unitPriceCents`.
    public let jsonName: String

    /// Creates a descriptor.
    public init(number: Int32, name: String, jsonName: String) {
        self.number = number
        self.name = name
        self.jsonName = jsonName
    }
}

/// Describes a generated enum: its full proto name and its values.
public struct EnumDescriptor: Sendable {
    /// Fully qualified proto name, e.g. `weft.bench.v1.Status`.
    public let fullName: String
    /// The values in declaration order (aliases included).
    public let values: [(name: String, number: Int32)]

    /// Creates a descriptor.
    public init(fullName: String, values: [(name: String, number: Int32)]) {
        self.fullName = fullName
        self.values = values
    }
}
