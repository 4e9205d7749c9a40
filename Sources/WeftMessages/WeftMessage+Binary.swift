#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Binary wire format entry points.
extension WeftMessage {
    /// Encodes the message in protobuf binary format.
    @inlinable
    public func serializedBytes() -> [UInt8] {
        var writer = WireWriter()
        encode(to: &writer)
        return writer.finish()
    }

    /// Encodes the message in protobuf binary format as `Data`.
    @inlinable
    public func serializedData() -> Data {
        var writer = WireWriter()
        encode(to: &writer)
        return writer.finishData()
    }

    /// Decodes a message from protobuf binary bytes (`[UInt8]`, `Data`, or any contiguous bytes).
    ///
    /// - Throws: `WireDecodingError` naming the field path on malformed input.
    @inlinable
    public init(serializedBytes bytes: some ContiguousBytes) throws {
        self.init()
        try merge(serializedBytes: bytes)
    }

    /// Decodes protobuf binary bytes and merges their fields into this message.
    ///
    /// - Throws: `WireDecodingError` naming the field path on malformed input.
    @inlinable
    public mutating func merge(serializedBytes bytes: some ContiguousBytes) throws {
        try bytes.withUnsafeBytes { buffer in
            var reader = WireReader(buffer)
            do {
                try decodeFields(from: &reader)
            } catch {
                throw Self.rootError(error, reader: reader)
            }
        }
    }

    /// Completes an error's path with the top-level field and message name.
    @usableFromInline
    static func rootError(_ error: any Error, reader: WireReader) -> any Error {
        guard var e = reader.annotate(error, naming: descriptor.fieldName(number:)) as? WireDecodingError else { return error }
        e.path.insert(descriptor.name, at: 0)
        return e
    }
}
