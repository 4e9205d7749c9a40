/// A schema file as a serialized `google.protobuf.FileDescriptorProto`, embedded in generated
/// code by weft-codegen (base64 text compiles faster than a byte-array literal).
public struct SchemaFileDescriptor: Sendable, Hashable {
    /// The file's import path, e.g. `google/protobuf/timestamp.proto`.
    public let name: String
    private let base64: String

    /// Creates a descriptor from its base64-encoded `FileDescriptorProto`.
    public init(name: String, base64: String) {
        self.name = name
        self.base64 = base64
    }

    /// The serialized `FileDescriptorProto`.
    public var serialized: [UInt8] {
        guard let bytes = Base64.decode(base64) else {
            preconditionFailure("the embedded descriptor of \(name) is not base64")
        }
        return bytes
    }
}
