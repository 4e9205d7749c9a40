/// The `Codable` bridge generated `encode(to:)` / `init(from:)` call: the generated proto3 JSON
/// mapping, carried through a `JSONValue` tree, so any Swift encoder sees the same structure.
extension WeftMessage {
    /// Encodes the message's proto3 JSON form through `encoder`.
    public func encodeCodable(to encoder: any Encoder) throws {
        let bytes = try jsonUTF8Bytes()
        let value = try bytes.withUnsafeBytes { try JSONValue(parsing: $0, options: JSONDecodingOptions()) }
        try value.encode(to: encoder)
    }

    /// Decodes the message from the proto3 JSON structure `decoder` holds.
    public init(codableFrom decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        var writer = JSONWriter()
        value.write(to: &writer)
        let bytes = try writer.finish()
        do {
            try self.init(jsonUTF8Bytes: bytes)
        } catch let error as JSONDecodingError {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description, underlyingError: error))
        }
    }
}
