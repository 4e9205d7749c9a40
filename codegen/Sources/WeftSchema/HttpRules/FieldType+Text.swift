extension FieldType {
    /// Whether an HTTP request can set a field of this type from text, as a path variable or a
    /// query parameter: a scalar, an enum, or a `google.protobuf` well-known type (Timestamp,
    /// Duration and the wrappers have string forms).
    public var isSettableFromText: Bool {
        switch self {
        case .scalar, .enumeration: true
        case .message(let name): name.hasPrefix("google.protobuf.")
        case .map, .unresolved: false
        }
    }
}
