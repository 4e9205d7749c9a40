#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Google_Protobuf_Any {
    /// The type URL prefix protobuf's runtimes write.
    public static let typeURLPrefix = "type.googleapis.com/"

    /// An Any holding `message`, its type URL `type.googleapis.com/<full name>`.
    public init(packing message: some WeftMessage) {
        self.init(typeUrl: Self.typeURLPrefix + type(of: message).descriptor.fullName, value: Data(message.serializedBytes()))
    }

    /// The full name of the type held (the type URL after its last `/`).
    public var typeName: String {
        String(typeUrl.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
    }

    /// The message held when it is a `Message`, nil when it holds another type.
    ///
    /// - Throws: `WireDecodingError` when it claims to be a `Message` but does not decode as one.
    public func unpack<Message: WeftMessage>(_ type: Message.Type) throws -> Message? {
        guard typeName == Message.descriptor.fullName else { return nil }
        return try Message(serializedBytes: value)
    }
}
