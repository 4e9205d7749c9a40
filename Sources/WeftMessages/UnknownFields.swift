/// Fields a decoder did not recognize, kept as their exact wire bytes so that re-encoding a
/// message loses nothing. Generated `encode(to:)` re-emits them last with `writer.writeRaw`.
public struct UnknownFields: Sendable, Hashable {
    /// The encoded fields, tags included, in the order they were read.
    public var bytes: [UInt8]

    /// Creates an empty set of unknown fields.
    public init() { bytes = [] }

    /// Creates unknown fields from already encoded bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Whether there are no unknown fields.
    @inlinable
    public var isEmpty: Bool { bytes.isEmpty }
}
