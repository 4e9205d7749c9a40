/// A generated protobuf message.
///
/// Generated code implements the binary and JSON codecs field by field; the runtime builds the
/// public entry points (`serializedBytes()`, `jsonString()`, `Codable`) on top of them.
public protocol WeftMessage: Sendable, Hashable, Codable {
    /// Creates a message with every field at its proto3 default.
    init()
    /// The message's descriptor (full proto name, fields).
    static var descriptor: MessageDescriptor { get }
    /// Fields read from the wire that this message does not declare.
    var unknownFields: UnknownFields { get set }
    /// Appends this message's fields (not a length prefix) to `writer`. Unknown fields last.
    func encode(to writer: inout WireWriter)
    /// Reads fields until `reader` is at its end, merging into self (last-one-wins for scalars,
    /// merge for singular messages, append for repeated). Unknown fields, and known ones that
    /// arrive with a wire type their type cannot have, go to `unknownFields`.
    mutating func decodeFields(from reader: inout WireReader) throws
    /// Writes this message as one JSON object (proto3 JSON mapping).
    func writeJSON(to writer: inout JSONWriter)
    /// Reads one JSON object (the reader is positioned at a value; `null` handling is done by the
    /// caller) and merges its fields into self. An object setting two members of one oneof is
    /// refused (a member given as `null` sets nothing and does not count).
    mutating func mergeJSON(from reader: inout JSONReader) throws
}
