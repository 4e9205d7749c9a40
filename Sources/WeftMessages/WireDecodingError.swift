/// A failure to decode protobuf binary input, naming where it happened.
public struct WireDecodingError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The input ended in the middle of a value.
        case truncated
        /// A varint was longer than 10 bytes or overflowed 64 bits.
        case malformedVarint
        /// A tag with field number 0, a field number above 2^29-1, or wire type 6 or 7.
        case invalidTag(UInt64)
        /// A string field held bytes that are not valid UTF-8.
        case invalidUTF8
        /// A length prefix larger than 2 GiB - 1.
        case lengthTooLarge(UInt64)
        /// Messages or groups nested deeper than the recursion limit.
        case recursionLimitExceeded
        /// An end-group tag without a matching start group.
        case endGroupMismatch
    }

    /// What went wrong.
    public var kind: Kind
    /// Byte offset in the outermost input where the problem was detected (-1 until known).
    public var offset: Int
    /// Path of the field being decoded, outermost first: the message name, then field names
    /// (`["Order", "items", "sku"]`). Fields without a name are given by number.
    public var path: [String]

    /// Creates an error of `kind` detected at `offset` (-1 lets the reader fill in its position).
    public init(_ kind: Kind, offset: Int = -1, path: [String] = []) {
        self.kind = kind
        self.offset = offset
        self.path = path
    }

    /// The field path joined with dots, e.g. `Order.items.sku`.
    public var fieldPath: String { path.joined(separator: ".") }

    /// A one-line explanation: what, where in the message, and at which byte.
    public var description: String {
        let what: String
        switch kind {
        case .truncated: what = "input ends in the middle of a value"
        case .malformedVarint: what = "malformed varint (longer than 10 bytes or over 64 bits)"
        case .invalidTag(let tag):
            what = "invalid tag \(tag) (field number \(tag >> 3), wire type \(tag & 7))"
        case .invalidUTF8: what = "string field is not valid UTF-8"
        case .lengthTooLarge(let length): what = "length prefix \(length) exceeds the 2 GiB limit"
        case .recursionLimitExceeded: what = "nesting exceeds the recursion limit"
        case .endGroupMismatch: what = "end-group tag without a matching start group"
        }
        let location = path.isEmpty ? "" : " at \(fieldPath)"
        return "binary decoding error: \(what)\(location) (byte offset \(offset))"
    }
}
