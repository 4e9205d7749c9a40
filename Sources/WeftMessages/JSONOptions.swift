/// How messages are written as JSON.
public struct JSONEncodingOptions: Sendable, Hashable {
    /// Write fields that hold their default value (proto3 omits them by default).
    public var alwaysPrintDefaults: Bool
    /// Use the proto field names (`unit_price_cents`) instead of lowerCamelCase JSON names.
    public var preserveProtoNames: Bool
    /// Write enum values as numbers instead of names.
    public var enumsAsIntegers: Bool

    /// Creates options; every flag defaults to off.
    public init(alwaysPrintDefaults: Bool = false, preserveProtoNames: Bool = false, enumsAsIntegers: Bool = false) {
        self.alwaysPrintDefaults = alwaysPrintDefaults
        self.preserveProtoNames = preserveProtoNames
        self.enumsAsIntegers = enumsAsIntegers
    }
}

/// How JSON is read into messages.
public struct JSONDecodingOptions: Sendable, Hashable {
    /// Skip object keys (and enum names) the schema does not declare instead of failing.
    public var ignoreUnknownFields: Bool
    /// How deeply messages and JSON values may nest.
    public var recursionLimit: Int

    /// Creates options: unknown fields are errors, nesting is limited to 100.
    public init(ignoreUnknownFields: Bool = false, recursionLimit: Int = 100) {
        self.ignoreUnknownFields = ignoreUnknownFields
        self.recursionLimit = recursionLimit
    }
}
