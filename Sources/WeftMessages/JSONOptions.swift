/// How messages are written as JSON.
public struct JSONEncodingOptions: Sendable, Hashable {
    /// Write fields that hold their default value (proto3 omits them by default).
    public var alwaysPrintDefaults: Bool
    /// Use the proto field names (`unit_price_cents`) instead of lowerCamelCase JSON names.
    public var preserveProtoNames: Bool
    /// Write enum values as numbers instead of names.
    public var enumsAsIntegers: Bool
    /// How many fraction digits a `google.protobuf.Timestamp` is written with.
    public var timestampFraction: TimestampFraction

    /// The fraction digits of a written Timestamp; both are proto3 JSON every reader takes.
    public enum TimestampFraction: Sendable, Hashable {
        /// As few as the value needs of 0, 3, 6 and 9 (`…:05Z`, `…:05.120Z`): protobuf's own output.
        case shortest
        /// 3, or 6 or 9 when the value needs them, never none (`…:05.000Z`): for readers that
        /// take either a fraction or none but not both, such as Foundation's
        /// `ISO8601DateFormatter` with `.withFractionalSeconds`.
        case atLeastMilliseconds
    }

    /// Creates options; every flag defaults to off, timestamps to the shortest fraction.
    public init(
        alwaysPrintDefaults: Bool = false, preserveProtoNames: Bool = false, enumsAsIntegers: Bool = false,
        timestampFraction: TimestampFraction = .shortest
    ) {
        self.alwaysPrintDefaults = alwaysPrintDefaults
        self.preserveProtoNames = preserveProtoNames
        self.enumsAsIntegers = enumsAsIntegers
        self.timestampFraction = timestampFraction
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
