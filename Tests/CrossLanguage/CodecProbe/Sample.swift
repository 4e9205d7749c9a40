import WeftMessages

/// One named message that Swift and Python build independently and identically
/// (crosslang.py holds the Python twin of every sample).
///
/// The message type is erased into closures so samples of different types share one list.
struct Sample: Sendable {
    /// The file stem both sides use: `<name>.swift.bin`, `<name>.py.json`, ...
    let name: String
    /// The sample as protobuf binary.
    let binary: @Sendable () -> [UInt8]
    /// The sample as proto3 JSON text.
    let json: @Sendable () throws -> String
    /// Decodes bytes another implementation wrote; nil when they match the sample, else what differs.
    let checkBinary: @Sendable ([UInt8]) throws -> String?
    /// Decodes JSON another implementation wrote; nil when it matches the sample, else what differs.
    let checkJSON: @Sendable (String) throws -> String?

    /// - Parameter compare: nil when `actual` matches `expected`, else a description of the
    ///   difference. Plain `==` unless the sample holds values that never equal themselves (NaN).
    init<M: WeftMessage>(
        _ name: String,
        _ message: M,
        compare: @escaping @Sendable (_ expected: M, _ actual: M) -> String? = { MessageDiff.compare($0, $1) }
    ) {
        self.name = name
        binary = { message.serializedBytes() }
        json = { try message.jsonString() }
        // After the decoded value is checked it is re-encoded and decoded again: whatever Swift
        // kept from the foreign bytes (unknown enum numbers, presence) must survive its own codec.
        checkBinary = { bytes in
            let decoded = try M(serializedBytes: bytes)
            if let difference = compare(message, decoded) { return difference }
            let again = try M(serializedBytes: decoded.serializedBytes())
            return compare(message, again).map { "after Swift re-encoding: " + $0 }
        }
        checkJSON = { text in
            let decoded = try M(jsonString: text)
            if let difference = compare(message, decoded) { return difference }
            let again = try M(jsonString: decoded.jsonString())
            return compare(message, again).map { "after Swift re-encoding: " + $0 }
        }
    }
}
