/// The few protobuf wire-format writes the descriptor encoder needs. The compiler does not
/// depend on the runtime (WeftMessages), so it carries its own minimal writer.
struct ProtoEncoder {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ field: Int, _ value: UInt64) {
        tag(field, wireType: 0)
        writeVarint(value)
    }

    /// An `int32` field: negative values are sign-extended to ten bytes, as protobuf requires.
    mutating func int32(_ field: Int, _ value: Int32) {
        varint(field, UInt64(bitPattern: Int64(value)))
    }

    mutating func bool(_ field: Int, _ value: Bool) {
        varint(field, value ? 1 : 0)
    }

    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        tag(field, wireType: 2)
        writeVarint(UInt64(value.count))
        bytes += value
    }

    /// A nested message, written by `body` into its own encoder.
    mutating func message(_ field: Int, _ body: (inout ProtoEncoder) -> Void) {
        var nested = ProtoEncoder()
        body(&nested)
        bytes(field, nested.bytes)
    }

    /// A nested message that is written only when `body` puts something in it.
    mutating func messageIfNotEmpty(_ field: Int, _ body: (inout ProtoEncoder) -> Void) {
        var nested = ProtoEncoder()
        body(&nested)
        if !nested.bytes.isEmpty { bytes(field, nested.bytes) }
    }

    private mutating func tag(_ field: Int, wireType: UInt64) {
        writeVarint(UInt64(field) << 3 | wireType)
    }

    private mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
