/// A string compared as protobuf compares strings: by its UTF-8 bytes.
///
/// Swift's `String` equality is Unicode canonical equivalence, so a precomposed `"\u{E9}"` and
/// `"e\u{301}"` are equal Strings, while protobuf (and every other runtime) sees two different
/// strings. Generated messages key string-keyed maps by `ProtoString` so that such keys stay
/// apart, as they are on the wire and in JSON.
///
/// Literals and `String` subscripts keep maps easy to use:
///
/// ```swift
/// var counts: [ProtoString: Int64] = ["a": 1]
/// counts["b"] = 2
/// for word in "b c".split(separator: " ") { counts[String(word), default: 0] += 1 }
/// let sortedKeys = counts.keys.sorted().map(\.string)  // ["a", "b", "c"]
/// ```
public struct ProtoString: Sendable {
    /// The text, exactly as it was given (no normalization).
    public let string: String

    /// Wraps `string`, keeping its exact Unicode scalars.
    public init(_ string: String) {
        self.string = string
    }
}

extension ProtoString: Hashable {
    /// Equal when the UTF-8 bytes are, whatever Unicode equivalence says.
    public static func == (lhs: ProtoString, rhs: ProtoString) -> Bool {
        lhs.string.utf8.count == rhs.string.utf8.count && lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    /// Hashes the UTF-8 bytes, then 0xFF (never a UTF-8 byte) so that strings hashed one after
    /// another, as in a tuple, do not run together.
    public func hash(into hasher: inout Hasher) {
        var string = string
        string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0xFF as UInt8)
    }
}

extension ProtoString: Comparable {
    /// Orders by UTF-8 bytes, as protobuf orders string map keys.
    public static func < (lhs: ProtoString, rhs: ProtoString) -> Bool {
        lhs.string.utf8.lexicographicallyPrecedes(rhs.string.utf8)
    }
}

extension ProtoString: ExpressibleByStringInterpolation {
    /// A string literal: `"key"`.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// An interpolated literal: `"key-\(n)"`.
    public init(stringInterpolation: DefaultStringInterpolation) {
        self.init(String(stringInterpolation: stringInterpolation))
    }
}

extension ProtoString: LosslessStringConvertible, CustomDebugStringConvertible {
    /// The text itself.
    public var description: String { string }

    /// The text as a quoted, escaped Swift literal, as `String` shows itself.
    public var debugDescription: String { string.debugDescription }
}

extension ProtoString: Codable {
    /// Decodes a single string.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes a single string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}

extension ProtoString: CodingKeyRepresentable {
    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            nil
        }
    }

    /// The key a dictionary keyed by `ProtoString` encodes an entry under (so that it encodes as
    /// an object, like one keyed by `String`).
    public var codingKey: any CodingKey { Key(stringValue: string) }

    /// The string of `codingKey`.
    public init?<T: CodingKey>(codingKey: T) {
        self.init(codingKey.stringValue)
    }
}

extension Dictionary where Key == ProtoString {
    /// The value for the key whose UTF-8 bytes are `key`'s, so that `map["k"]` and `map[name]`
    /// work as with a `String`-keyed dictionary.
    public subscript(key: String) -> Value? {
        get { self[ProtoString(key)] }
        set { self[ProtoString(key)] = newValue }
    }

    /// The value for the key whose UTF-8 bytes are `key`'s, or `defaultValue` (stored on write).
    public subscript(key: String, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[ProtoString(key), default: defaultValue()] }
        set { self[ProtoString(key)] = newValue }
    }
}
