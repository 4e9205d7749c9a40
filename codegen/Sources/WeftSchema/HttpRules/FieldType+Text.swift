extension FieldType {
    /// Whether an HTTP request can set a field of this type from text, as a path variable or a
    /// query parameter: a scalar, an enum, or a well-known type with a text form (Timestamp,
    /// Duration, FieldMask and the wrappers).
    public var isSettableFromText: Bool {
        switch self {
        case .scalar, .enumeration: true
        case .message(let name): Self.wellKnownTextForms.contains(name)
        case .map, .unresolved: false
        }
    }

    /// The well-known types whose JSON form is a string or a bare scalar.
    public static let wellKnownTextForms: Set<String> = [
        "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask",
        "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value", "google.protobuf.UInt64Value",
        "google.protobuf.Int32Value", "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue",
        "google.protobuf.BytesValue",
    ]
}
