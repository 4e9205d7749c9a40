import GRPCCore
import SwiftProtobuf

/// SwiftProtobuf messages as grpc-swift-2 message bytes (what grpc-swift-protobuf's generated
/// code does, without its code generator).
public struct ProtobufSerializer<Message: SwiftProtobuf.Message>: MessageSerializer {
    public init() {}

    public func serialize<Bytes: GRPCContiguousBytes>(_ message: Message) throws -> Bytes {
        Bytes(try message.serializedBytes() as [UInt8])
    }
}

public struct ProtobufDeserializer<Message: SwiftProtobuf.Message>: MessageDeserializer {
    public init() {}

    public func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Message {
        try serializedMessageBytes.withUnsafeBytes { try Message(serializedBytes: Array($0)) }
    }
}

/// The interop TestService's method paths.
public enum InteropMethods {
    public static let unaryCall = MethodDescriptor(fullyQualifiedService: "weft.interop.v1.TestService", method: "UnaryCall")
    public static let fullDuplexCall = MethodDescriptor(fullyQualifiedService: "weft.interop.v1.TestService", method: "FullDuplexCall")
}
