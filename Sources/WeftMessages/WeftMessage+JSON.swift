/// proto3 JSON entry points.
extension WeftMessage {
    /// Encodes the message as proto3 JSON text.
    ///
    /// - Throws: `JSONEncodingError` for values with no JSON form (out-of-range Timestamp/Duration).
    public func jsonString(options: JSONEncodingOptions = JSONEncodingOptions()) throws -> String {
        var writer = JSONWriter(options: options)
        writeJSON(to: &writer)
        return try writer.finishString()
    }

    /// Encodes the message as proto3 JSON UTF-8 bytes.
    ///
    /// - Throws: `JSONEncodingError` for values with no JSON form (out-of-range Timestamp/Duration).
    public func jsonUTF8Bytes(options: JSONEncodingOptions = JSONEncodingOptions()) throws -> [UInt8] {
        var writer = JSONWriter(options: options)
        writeJSON(to: &writer)
        return try writer.finish()
    }

    /// Decodes a message from proto3 JSON text.
    ///
    /// - Throws: `JSONDecodingError` with the byte offset and field path.
    public init(jsonString: String, options: JSONDecodingOptions = JSONDecodingOptions()) throws {
        self.init()
        var text = jsonString
        try text.withUTF8 { try mergeJSON(UnsafeRawBufferPointer($0), options: options) }
    }

    /// Decodes a message from proto3 JSON UTF-8 bytes.
    ///
    /// - Throws: `JSONDecodingError` with the byte offset and field path.
    public init(jsonUTF8Bytes: [UInt8], options: JSONDecodingOptions = JSONDecodingOptions()) throws {
        self.init()
        try jsonUTF8Bytes.withUnsafeBytes { try mergeJSON($0, options: options) }
    }

    /// Merges one top-level JSON object and checks nothing but whitespace follows it.
    mutating func mergeJSON(_ bytes: UnsafeRawBufferPointer, options: JSONDecodingOptions) throws {
        var reader = JSONReader(bytes, options: options)
        do {
            try mergeJSON(from: &reader)
            try reader.expectEnd()
        } catch {
            throw reader.annotate(error)
        }
    }
}
